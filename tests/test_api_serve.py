"""`lineage serve` as a user runs it: a real process, real HTTP, and its log read afterwards."""

from __future__ import annotations

import gc
import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from lineage.api.app import app_from_env, create_app
from lineage.api.server import ServeOptions, check, is_loopback
from lineage.api.settings import Settings
from lineage.errors import InvalidInput
from lineage.model import Batch, Node, NodeKind
from lineage.store import open_store
from tests.api_support import LINEAGE, RO_TOKEN, RW_TOKEN, environment, lineage_serve

EXAMPLES = Path(__file__).resolve().parent.parent / "graphql" / "examples"


def ask(url: str, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=30)


def test_serve_demo_answers_what_fed_the_credit_limit_model(tmp_path: Path) -> None:
    query = (EXAMPLES / "what_fed_this_model.graphql").read_text()
    with lineage_serve("--store", f"ladybug://{tmp_path / 'graph'}", "serve", "--demo") as (url, output):
        answer = ask(url, query).json()
    nodes = {n["uid"]: n for n in answer["data"]["upstream"]["nodes"]}
    assert nodes["model:credit_limit_model@2"]["producedBy"]["codeVersion"] == "git:c7d8e9f"
    assert "dataset:customer_data@2026-04" in nodes and len(nodes) == 7
    assert "demo graph loaded" in output
    assert any("serving the ladybug store (no auth)" in line for line in output)


def test_serve_demo_leaves_a_store_with_other_lineage_alone(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    with open_store(url) as store:
        store.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="mine", version="1"),)))
    with lineage_serve("serve", "--store", url, "--demo") as (served, output):
        totals = ask(served, "{ nodes { totalCount } }").json()
    assert totals == {"data": {"nodes": {"totalCount": 1}}}
    assert "the store already holds 1 nodes: the demo is loaded only into an empty store" in output


def test_serve_answers_the_allowed_hosts_and_no_others(tmp_path: Path) -> None:
    store = f"ladybug://{tmp_path / 'graph'}"
    with lineage_serve("serve", "--store", store, "--allowed-host", "lineage.test") as (url, _):
        answers = {
            host: httpx.get(f"{url}/healthz", headers={"Host": host}, timeout=10)
            for host in ("lineage.test", "127.0.0.1", "rebound.attacker.example")
        }
    assert [a.status_code for a in answers.values()] == [200, 200, 400]
    assert (
        "does not answer to the host 'rebound.attacker.example'"
        in answers["rebound.attacker.example"].json()["error"]
    )


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LINEAGE, *args], capture_output=True, text=True, timeout=60, env=env or environment()
    )


def test_several_workers_on_an_embedded_store_are_refused(tmp_path: Path) -> None:
    result = run_cli("serve", "--store", f"ladybug://{tmp_path / 'graph'}", "--workers", "2")
    assert result.returncode == 1
    assert (
        "--workers 2 needs a shared store: one process owns an embedded LadybugDB directory" in result.stderr
    )


def test_a_public_address_without_tokens_is_refused(tmp_path: Path) -> None:
    result = run_cli("serve", "--store", f"ladybug://{tmp_path / 'graph'}", "--host", "0.0.0.0")
    assert result.returncode == 1
    assert "refusing to serve on 0.0.0.0 without tokens" in result.stderr


def test_a_tokens_file_others_can_read_stops_the_start(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"rw:{RW_TOKEN}\n")
    tokens.chmod(0o644)
    result = run_cli("serve", "--store", f"ladybug://{tmp_path / 'graph'}", "--tokens-file", str(tokens))
    assert result.returncode == 1
    assert f"the tokens file {tokens} is open to other users (mode 644)" in result.stderr
    assert RW_TOKEN not in result.stderr


def test_the_address_rules() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "10.0.0.5")] == [
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    options = ServeOptions(store_url="ladybug:///tmp/x", host="0.0.0.0")
    with pytest.raises(InvalidInput):
        check(options)
    assert check(ServeOptions(store_url="ladybug:///tmp/x", host="0.0.0.0", no_auth=True)) is None


def test_tokens_never_reach_the_log(tmp_path: Path) -> None:
    wrong = "wrong-token-that-must-not-be-logged"
    env = {**environment(), "LINEAGE_TOKENS": f"ro:{RO_TOKEN},rw:{RW_TOKEN}"}
    mutation = """mutation {
        recordRun(input: {run: {uid: "r", name: "n"}, outputs: [{uid: "dataset:x@1"}]}) { run { uid } }
    }"""
    with lineage_serve("serve", "--store", f"ladybug://{tmp_path / 'graph'}", env=env) as (url, output):
        assert ask(url, "{ nodes { totalCount } }", RO_TOKEN).status_code == 200
        assert ask(url, mutation, RO_TOKEN).status_code == 403
        assert ask(url, mutation, RW_TOKEN).status_code == 200
        assert ask(url, "{ nodes { totalCount } }", wrong).status_code == 401
    log = "\n".join(output)
    assert "POST /graphql" in log and "serving the ladybug store (bearer tokens required)" in log
    for secret in (RO_TOKEN, RW_TOKEN, wrong):
        assert secret not in log


@pytest.mark.neo4j
def test_several_workers_share_a_neo4j_store(neo4j_url: str) -> None:
    with open_store(neo4j_url) as store:
        store._write(lambda tx: tx("MATCH (n) DETACH DELETE n", {}))
    with lineage_serve("serve", "--store", neo4j_url, "--workers", "2", "--demo") as (url, output):
        answers: list[Any] = [
            ask(url, '{ node(uid: "model:credit_limit_model@2") { kind } }').json() for _ in range(6)
        ]
    assert all(a == {"data": {"node": {"kind": "MODEL"}}} for a in answers), json.dumps(answers)
    started = [line for line in output if "Started server process" in line]
    assert len(started) == 2, output


def test_the_server_app_freezes_what_it_started_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app uvicorn's workers build leaves its start-up objects out of the collector's generations,
    so that a large answer's collections do not trace them all; ``create_app``, which tests and
    embedders call in their own processes, leaves theirs alone."""
    monkeypatch.setenv("LINEAGE_STORE", f"ladybug://{tmp_path / 'graph'}")
    gc.unfreeze()
    apps = []
    try:
        apps.append(create_app(Settings.from_env()))
        assert gc.get_freeze_count() == 0
        apps.append(app_from_env())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        for app in apps:
            app.state.store.close()
