"""The SDK's runs: ``with client.run(...)`` and ``@client.track``, on a store and through a real server,
on both backends."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import lineage
from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.checksum import checksum
from lineage.errors import InvalidInput
from lineage.model import RunStatus
from lineage.remote import Server
from lineage.sdk.client import Client
from lineage.store.base import LineageStore
from tests.api_support import RW_TOKEN, TOKENS, lineage_serve, serving


@pytest.fixture(params=["local", "http"])
def client(request: pytest.FixtureRequest, store: LineageStore) -> Iterator[Client]:
    """A client writing ``store`` directly, or through a real server holding it (with tokens)."""
    if request.param == "local":
        with lineage.connect(store=store) as local:
            yield local
        return
    with (
        serving(create_app(Settings(tokens=TOKENS), store=store)) as url,
        lineage.connect(url, RW_TOKEN) as remote,
    ):
        yield remote


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with one commit, a data file and a directory of shards; the working directory."""
    root = tmp_path / "repo"
    (root / "data" / "shards").mkdir(parents=True)
    (root / "data" / "customers.csv").write_text("id,spend\n1,10\n2,20\n")
    (root / "data" / "shards" / "a.parquet").write_bytes(b"\x00shard-a")
    (root / "data" / "shards" / "b.parquet").write_bytes(b"\x00shard-b")
    (root / ".gitignore").write_text("models/\n")
    _git(root, "init", "-q")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", ".")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "data")
    (root / "models").mkdir()
    monkeypatch.chdir(root)
    return root


def test_a_run_records_its_code_environment_and_checksummed_files(
    client: Client, store: LineageStore, repo: Path
) -> None:
    with client.run("train_scoring_model", params={"lr": 0.05, "depth": 6}) as run:
        data = run.input("dataset", "customer_data", path="data/customers.csv")
        shards = run.input("dataset", "customer_shards", path=repo / "data" / "shards")
        (repo / "models" / "scoring.pkl").write_bytes(b"weights")
        model = run.output("model", "scoring_model", path="models/scoring.pkl")

    assert data == f"dataset:customer_data@{checksum(repo / 'data' / 'customers.csv')}"
    assert shards == f"dataset:customer_shards@{checksum(repo / 'data' / 'shards')}"
    assert shards.endswith(".dir")
    assert model == f"model:scoring_model@{checksum(repo / 'models' / 'scoring.pkl')}"
    recorded = store.get_run(run.uid)
    assert recorded is not None
    assert recorded.name == "train_scoring_model" and recorded.status is RunStatus.COMPLETE
    assert recorded.parameters == {"lr": 0.05, "depth": 6}
    assert recorded.code_version == f"git:{_git(repo, 'rev-parse', 'HEAD')}"
    assert recorded.environment["source_code_location"]["dirty"] is False  # models/ is ignored
    engine = recorded.environment["processing_engine"]
    assert engine["version"] == ".".join(map(str, sys.version_info[:3]))
    assert any(p.startswith("pytest==") for p in engine["packages"])
    assert engine["packages_digest"].startswith("sha256:") and engine["host"]
    assert recorded.started_at is not None and recorded.ended_at is not None
    assert recorded.started_at <= recorded.ended_at
    assert set(recorded.inputs) == {data, shards} and recorded.outputs == (model,)
    upstream = store.upstream(model, depth=1)
    assert {n.uid for n in upstream.nodes} == {model, data, shards}
    stored = store.get_node(data)
    assert stored is not None and stored.metadata["path"] == "data/customers.csv"
    assert stored.checksum == checksum(repo / "data" / "customers.csv")


def test_a_dirty_tree_and_a_given_version_are_recorded(
    client: Client, store: LineageStore, repo: Path
) -> None:
    (repo / "data" / "customers.csv").write_text("id,spend\n1,11\n")  # a tracked file changed
    with client.run("extract_features") as run:
        run.input("dataset", "customer_data", path="data/customers.csv")
        feature = run.output("feature", "purchase_analysis", version="2", path="data/shards")
    assert feature == "feature:purchase_analysis@2"
    recorded = store.get_run(run.uid)
    assert recorded is not None and recorded.environment["source_code_location"]["dirty"] is True
    if client.store is not None:  # OpenLineage has no field the server maps to the dirty flag
        assert recorded.code_dirty is True
    node = store.get_node(feature)
    assert node is not None
    assert node.checksum == checksum(repo / "data" / "shards")


def test_a_failing_block_records_a_failed_run_and_re_raises(
    client: Client, store: LineageStore, repo: Path
) -> None:
    with pytest.raises(KeyError, match="no_such_column"), client.run("train", params={"lr": 0.1}) as run:
        data = run.input("dataset", "customer_data", path="data/customers.csv")
        raise KeyError("no_such_column")
    recorded = store.get_run(run.uid)
    assert recorded is not None and recorded.status is RunStatus.FAIL
    assert recorded.ended_at is not None
    error = recorded.environment["processing_engine"]["error"]
    assert error == {"type": "KeyError", "message": "'no_such_column'"}
    assert recorded.inputs == (data,) and recorded.outputs == ()


def test_the_decorator_makes_each_call_a_run_outside_git(
    client: Client, store: LineageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "features.json").write_text('{"spend": 1}')

    @client.track("score_customers", params={"threshold": 0.5})
    def score(path: str) -> str:
        run = lineage.current_run()
        run.input("feature", "spend", path=path)
        return run.output("model", "scorer", version="7")

    @client.track
    def bare() -> str:
        return lineage.current_run().name

    assert score("features.json") == "model:scorer@7"
    assert bare().endswith("bare")
    with pytest.raises(LookupError, match="no lineage run"):
        lineage.current_run()
    runs = {r.name: r for r in store.recent_runs()}
    scored = runs["score_customers"]
    assert scored.parameters == {"threshold": 0.5} and scored.status is RunStatus.COMPLETE
    assert scored.code_version is None and "source_code_location" not in scored.environment
    assert scored.outputs == ("model:scorer@7",)
    assert any(name.endswith("bare") for name in runs)


def test_a_version_recorded_elsewhere_is_referred_to_not_conflicting(
    client: Client, store: LineageStore, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client.run("one") as first:
        data = first.input("dataset", "customer_data", path="data/customers.csv")
    monkeypatch.chdir(repo / "data")  # the same bytes, seen from another directory
    with client.run("two") as second:
        assert second.input("dataset", "customer_data", path="customers.csv") == data
        second.output("feature", "f", version="1")
    node = store.get_node(data)
    assert node is not None and node.metadata["path"] == "data/customers.csv"
    assert store.get_run(second.uid).inputs == (data,)  # type: ignore[union-attr]


def test_an_input_without_path_or_version_is_refused_naming_it(client: Client, repo: Path) -> None:
    with client.run("bad") as run:
        with pytest.raises(InvalidInput, match="customer_data"):
            run.input("dataset", "customer_data")
        with pytest.raises(InvalidInput, match="no file or directory"):
            run.input("dataset", "customer_data", path="missing.csv")
        with pytest.raises(ValueError):
            run.input("table", "customer_data", version="1")


def test_connect_follows_the_environment(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LINEAGE_URL", raising=False)
    monkeypatch.setenv("LINEAGE_STORE", store_url)
    with lineage.connect() as client:
        assert client.store is not None
        with client.run("from_env") as run:
            run.output("dataset", "d", version="1")
    with lineage.connect(store=store_url) as client:
        assert client.store is not None and client.store.get_run(run.uid) is not None
    with lineage.connect(store=store_url) as client, serving(create_app(store=client.store)) as url:
        monkeypatch.setenv("LINEAGE_URL", url)
        with lineage.connect() as remote:
            assert remote.store is None
            with remote.run("through_the_server") as over_http:
                over_http.output("dataset", "d", version="2")
        assert client.store.get_run(over_http.uid) is not None


def test_a_store_held_by_a_running_server_is_written_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_url = f"ladybug://{tmp_path / 'graph'}"
    monkeypatch.delenv("LINEAGE_URL", raising=False)
    with lineage_serve("serve", "--store", store_url) as (url, _):
        with lineage.connect(store=store_url) as client:
            assert client.store is None  # the server holds the directory's lock: it goes over HTTP
            with client.run("while_served") as run:
                run.output("dataset", "d", version="1")
        with Server(url) as server:
            answer = server.graphql("query($u: ID!) { run(uid: $u) { outputs { uid } } }", {"u": run.uid})
    assert answer["run"]["outputs"] == [{"uid": "dataset:d@1"}]
