"""``lineage import-mlflow`` against a real MLflow tracking store that MLflow itself creates (a SQLite
database and a local artifact directory), on both backends.

MLflow is slow to start (its SQLite schema is built by migrations), so one tracking store serves the
module: the tests that change MLflow after an import do it in experiments and registered models of
their own.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from lineage.cli import main
from lineage.errors import NotFound
from lineage.impact import impact, is_deployed
from lineage.ingest.mlflow import import_mlflow
from lineage.model import RunStatus
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from lineage.viz.page import render_graph_page
from lineage.viz.query import GraphQuery
from tests.test_viz_browser import (
    SCREENSHOTS,
    browser,  # noqa: F401 (the session's Chromium, a fixture)
    click_node,
    open_page,
    wait_until,
)

mlflow = pytest.importorskip("mlflow", reason="the mlflow test extra: pip install -e '.[test]'")
pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import DatasetInput, InputTag  # noqa: E402

# MLflow's own deprecations, not ours: its SQL store uses a loader strategy SQLAlchemy 2.1 deprecates, and
# its pandas digest calls pandas 3 in a way pandas 4 will refuse.
pytestmark = [
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Starting with pandas version 4.0"),
]


@dataclass(frozen=True)
class Tracking:
    """The module's MLflow tracking store and what was logged in it."""

    uri: str
    client: MlflowClient
    first_run: str
    second_run: str
    logged_model: str
    train: str
    evaluation: str

    def new_experiment(self, prefix: str) -> str:
        return self.client.create_experiment(f"{prefix}-{uuid.uuid4().hex[:8]}")


def _log_run(
    client: MlflowClient, experiment_id: str, params: dict[str, str], tags: dict[str, str], *datasets: object
) -> str:
    run = client.create_run(experiment_id, tags=tags)
    run_id = run.info.run_id
    for name, value in params.items():
        client.log_param(run_id, name, value)
    client.log_inputs(
        run_id,
        datasets=[
            DatasetInput(d._to_mlflow_entity(), tags=[InputTag("mlflow.data.context", context)])  # type: ignore[attr-defined]
            for d, context in datasets
        ],
    )
    client.set_terminated(run_id, "FINISHED")
    return run_id


def _register(client: MlflowClient, name: str, model_id: str, run_id: str) -> str:
    version = client.create_model_version(
        name, source=f"models:/{model_id}", run_id=run_id, model_id=model_id
    )
    return str(version.version)


@pytest.fixture(scope="module")
def tracking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracking]:
    root = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    # Registering a `models:/<id>` source looks the logged model up through the global tracking URI,
    # which would otherwise be MLflow's default, ./mlflow.db.
    previous = mlflow.get_tracking_uri()
    mlflow.set_tracking_uri(uri)
    try:
        yield _logged(MlflowClient(tracking_uri=uri, registry_uri=uri), uri, root)
    finally:
        mlflow.set_tracking_uri(previous)


def _logged(client: MlflowClient, uri: str, root: Path) -> Tracking:
    """Two runs of one experiment on two datasets, their logged models registered as versions 1
    (alias champion) and 2 (alias challenger, stage Staging), and a run of another experiment."""
    churn = client.create_experiment("churn", artifact_location=(root / "artifacts").as_uri())
    frame = pd.DataFrame({"tenure": [1, 24, 60], "spend": [9.5, 40.0, 12.25], "churned": [1, 0, 0]})
    train = mlflow.data.from_pandas(frame, source="s3://lake/churn/2026-01.parquet", name="churn_train")
    evaluation = mlflow.data.from_numpy(
        np.array([[3, 10.0], [48, 30.0]]), source="https://data.example.com/churn-eval.npz", name="churn_eval"
    )
    tags = {"mlflow.source.git.commit": "4f2a9c1", "team": "risk", "mlflow.runName": "baseline"}
    first = _log_run(client, churn, {"lr": "0.1"}, tags, (train, "training"), (evaluation, "evaluation"))
    model = client.create_logged_model(churn, name="churn-classifier", source_run_id=first)
    second = _log_run(client, churn, {"lr": "0.05"}, {**tags, "mlflow.runName": "tuned"}, (train, "training"))
    client.create_registered_model("churn")
    _register(client, "churn", model.model_id, first)
    tuned = client.create_logged_model(churn, name="churn-classifier", source_run_id=second)
    _register(client, "churn", tuned.model_id, second)
    client.set_registered_model_alias("churn", "champion", "1")
    client.set_registered_model_alias("churn", "challenger", "2")
    with warnings.catch_warnings():  # stages are deprecated in MLflow 3, and still in use
        warnings.simplefilter("ignore", FutureWarning)
        client.transition_model_version_stage("churn", "2", "Staging")
    other = client.create_experiment("marketing")
    _log_run(client, other, {"k": "3"}, {}, (train, "training"))
    return Tracking(
        uri=uri,
        client=client,
        first_run=first,
        second_run=second,
        logged_model=model.model_id,
        train=f"dataset:churn_train@{train.digest}",
        evaluation=f"dataset:churn_eval@{evaluation.digest}",
    )


def test_runs_become_runs(store: LineageStore, tracking: Tracking) -> None:
    done = import_mlflow(store, tracking.uri, experiments=["churn"])

    assert done.runs == 2
    run = store.get_run(f"mlflow:{tracking.first_run}")
    assert run is not None
    assert run.name == "churn"
    assert run.code_version == "git:4f2a9c1"
    assert dict(run.parameters) == {"lr": "0.1"}
    assert run.environment["team"] == "risk"
    assert run.environment["mlflow.runName"] == "baseline"
    assert run.status is RunStatus.COMPLETE
    assert run.started_at and run.ended_at and run.started_at <= run.ended_at
    assert run.user
    assert set(run.inputs) == {tracking.train, tracking.evaluation}


def test_dataset_inputs_become_versions_keyed_by_digest(store: LineageStore, tracking: Tracking) -> None:
    import_mlflow(store, tracking.uri, experiments=["churn"])

    train = store.get_node(tracking.train)
    assert train is not None
    assert train.checksum == f"mlflow:{train.version}"
    assert train.source == "s3://lake/churn/2026-01.parquet"
    assert train.metadata["mlflow"]["source_type"] == "s3"
    assert train.metadata["mlflow"]["profile"]["num_rows"] == 3
    evaluation = store.get_node(tracking.evaluation)
    assert evaluation is not None and evaluation.source == "https://data.example.com/churn-eval.npz"
    # One version of the training data, read by both runs.
    assert [n.uid for n in store.versions(train.kind, "churn_train")] == [tracking.train]


def test_models_derive_from_the_runs_dataset_inputs(store: LineageStore, tracking: Tracking) -> None:
    import_mlflow(store, tracking.uri, experiments=["churn"])

    logged = f"model:churn-classifier@{tracking.logged_model}"
    upstream = store.upstream("model:churn@1", depth=1)
    assert {n.uid for n in upstream.nodes} == {"model:churn@1", logged, tracking.train, tracking.evaluation}
    assert {e.run for e in upstream.edges} == {f"mlflow:{tracking.first_run}"}
    assert {n.uid for n in store.upstream(logged).nodes} == {logged, tracking.train, tracking.evaluation}
    assert store.producing_runs(["model:churn@2"])["model:churn@2"].uid == f"mlflow:{tracking.second_run}"
    # Version 2 was trained on the training data only.
    assert {n.uid for n in store.upstream("model:churn@2", depth=1).nodes} >= {tracking.train}
    assert tracking.evaluation not in {n.uid for n in store.upstream("model:churn@2").nodes}


def test_aliases_become_metadata_and_champion_is_deployed(store: LineageStore, tracking: Tracking) -> None:
    import_mlflow(store, tracking.uri, experiments=["churn"])

    champion, challenger = store.get_node("model:churn@1"), store.get_node("model:churn@2")
    assert champion is not None and challenger is not None
    assert champion.metadata["aliases"] == ["champion"]
    assert challenger.metadata["aliases"] == ["challenger"]
    assert (champion.metadata.get("stage"), challenger.metadata["stage"]) == (None, "Staging")
    assert champion.metadata["mlflow"]["run_id"] == tracking.first_run
    assert (is_deployed(champion), is_deployed(challenger)) == (True, False)
    report = impact(store, tracking.train)
    assert [m.uid for m in report.deployed] == ["model:churn@1"]
    page = render_graph_page(store, GraphQuery(uid="model:churn@1"), links=Links(base=None))
    assert "DEPLOYED\\nchurn\\n1" in page


def test_reimport_is_a_no_op(store: LineageStore, tracking: Tracking) -> None:
    first = import_mlflow(store, tracking.uri, experiments=["churn"])
    before = store.stats()
    runs = store.get_runs([f"mlflow:{tracking.first_run}", f"mlflow:{tracking.second_run}"])

    again = import_mlflow(store, tracking.uri, experiments=["churn"])

    assert first.written.created_nodes == 6  # 2 datasets, 2 logged models, 2 registered versions
    assert (again.written.created_nodes, again.written.created_edges, again.kept) == (0, 0, ())
    assert store.stats() == before
    assert store.get_runs(list(runs)) == runs


def test_experiments_filter_and_unknown_experiment(store: LineageStore, tracking: Tracking) -> None:
    import_mlflow(store, tracking.uri, experiments=["marketing"])
    assert store.stats()["runs"] == 1
    assert store.get_node("model:churn@1") is None  # trained in an experiment left out

    with pytest.raises(NotFound, match="no MLflow experiment named 'nope'"):
        import_mlflow(store, tracking.uri, experiments=["nope"])


def test_reimport_picks_up_new_runs_and_keeps_what_mlflow_changed(
    store: LineageStore, tracking: Tracking
) -> None:
    client = tracking.client
    experiment = tracking.new_experiment("growing")
    name = client.get_experiment(experiment).name
    model_name = f"fraud-{uuid.uuid4().hex[:8]}"
    frame = pd.DataFrame({"amount": [10.0, 99.0]})
    data = mlflow.data.from_pandas(frame, source="s3://lake/fraud.parquet", name="fraud")
    first = _log_run(client, experiment, {"depth": "4"}, {"team": "fraud"}, (data, "training"))
    model = client.create_logged_model(experiment, name="fraud-model", source_run_id=first)
    client.create_registered_model(model_name)
    _register(client, model_name, model.model_id, first)
    client.set_registered_model_alias(model_name, "production", "1")
    import_mlflow(store, tracking.uri, experiments=[name])

    later = _log_run(client, experiment, {"depth": "6"}, {"team": "fraud"}, (data, "training"))
    newer = client.create_logged_model(experiment, name="fraud-model", source_run_id=later)
    _register(client, model_name, newer.model_id, later)
    client.set_registered_model_alias(model_name, "production", "2")  # the alias moves
    client.set_tag(first, "team", "payments")  # a tag edited after the first import
    done = import_mlflow(store, tracking.uri, experiments=[name])

    assert store.get_run(f"mlflow:{later}") is not None
    assert done.written.created_nodes == 2  # the new logged model and registered version
    assert {n.uid for n in store.upstream(f"model:{model_name}@2").nodes} >= {f"dataset:fraud@{data.digest}"}
    new_version = store.get_node(f"model:{model_name}@2")
    assert new_version is not None and is_deployed(new_version)
    # Versions are immutable: version 1 keeps its alias as first recorded, and the import says so.
    assert done.kept == (f"model:{model_name}@1: metadata", f"run mlflow:{first}: environment.team")
    run = store.get_run(f"mlflow:{first}")
    assert run is not None and run.environment["team"] == "fraud"


def test_cli_import_mlflow(tmp_path: Path, tracking: Tracking) -> None:
    runner = CliRunner()
    store = ["--store", f"ladybug://{tmp_path / 'graph'}"]
    command = [*store, "import-mlflow", "--tracking-uri", tracking.uri, "--experiment", "churn"]

    text = runner.invoke(main, command)
    assert text.exit_code == 0, text.output
    assert text.output.startswith(f"imported 2 runs, 2 datasets, 4 model versions from {tracking.uri}: 6 new")
    again = runner.invoke(main, [*command, "--json"])
    assert again.exit_code == 0, again.output
    result = json.loads(again.output)
    assert result["written"]["created_nodes"] == 0 and result["kept"] == []

    missing = runner.invoke(
        main, [*store, "import-mlflow", "--tracking-uri", tracking.uri, "--experiment", "x"]
    )
    assert missing.exit_code == 1
    assert missing.output == f"Error: no MLflow experiment named 'x' at {tracking.uri}\n"


def test_without_mlflow_the_command_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # what `import mlflow` meets when it is not installed
    command = [
        "--store",
        f"ladybug://{tmp_path / 'graph'}",
        "import-mlflow",
        "--tracking-uri",
        "sqlite:///x.db",
    ]

    result = CliRunner().invoke(main, command)

    assert result.exit_code == 1
    assert result.output == (
        "Error: importing from MLflow needs the mlflow package: "
        "pip install 'lineage-graph[mlflow]' (or: pip install mlflow-skinny)\n"
    )


@pytest.mark.browser
def test_the_imported_model_on_its_graph_page(
    browser: webdriver.Chrome,  # noqa: F811 (the fixture imported above)
    tracking: Tracking,
    tmp_path: Path,
) -> None:
    """The page of an MLflow-imported model: what fed it, and the champion marked deployed.
    ``LINEAGE_UPDATE_SCREENSHOTS=1`` writes docs/screenshots/mlflow-import.png."""
    store = ["--store", f"ladybug://{tmp_path / 'graph'}"]
    page = tmp_path / "churn.html"
    runner = CliRunner()
    assert runner.invoke(main, [*store, "import-mlflow", "--tracking-uri", tracking.uri]).exit_code == 0
    assert runner.invoke(main, [*store, "graph", "model:churn@1", "-o", str(page)]).exit_code == 0

    open_page(browser, page.as_uri())
    label = "return window.lineageGraph.nodes.get(arguments[0]).label"
    assert browser.execute_script(label, "model:churn@1") == "DEPLOYED\nchurn\n1"
    drawn = browser.execute_script("return window.lineageGraph.nodes.getIds()")
    assert set(drawn) >= {
        tracking.train,
        tracking.evaluation,
        f"model:churn-classifier@{tracking.logged_model}",
    }
    click_node(browser, "model:churn@1")
    details = wait_until(browser, "return document.querySelector('#details')?.innerText")
    assert "champion" in details and f"mlflow:{tracking.first_run}" in details

    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")  # away from the hover tooltip
    ActionChains(browser).move_to_element_with_offset(canvas, 20 - canvas.size["width"] // 2, 0).perform()
    update = os.environ.get("LINEAGE_UPDATE_SCREENSHOTS") == "1"
    target = (SCREENSHOTS if update else tmp_path) / "mlflow-import.png"
    assert browser.save_screenshot(str(target))
    assert target.stat().st_size > 20_000  # a blank page compresses to a few kilobytes


def test_a_tracking_server_that_is_down_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # the message, without the retries
    graph = tmp_path / "graph"
    command = ["--store", f"ladybug://{graph}", "import-mlflow", "--tracking-uri", f"http://127.0.0.1:{port}"]

    result = CliRunner().invoke(main, command)

    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot read MLflow at http://127.0.0.1:{port}: ")
    assert "Connection refused" in result.output and result.output.count("\n") == 1
