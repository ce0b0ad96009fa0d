"""End to end: the real openlineage-python client reports a three-step ML pipeline in separate START and
COMPLETE events to a running server; a GraphQL client then asks the lineage questions, and every
answer is checked node by node. Runs against both backends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import attr
import pytest
from gql import GraphQLRequest
from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    dataset_version_dataset,
    execution_parameters_run,
    parent_run,
    source_code_location_job,
)

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore
from tests.api_support import RW_TOKEN, TOKENS, gql_client, openlineage_client, serving

PRODUCER = "https://example.com/pipelines/churn"
JOBS = "airflow://prod"
DB = "postgres://db:5432"
LAKE = "s3://lake"


@attr.define
class LineageGraphFacet(DatasetFacet):
    """The ML marker facet, written the way a pipeline author would subclass any custom facet."""

    kind: str
    version: str | None = None
    name: str | None = None
    metadata: dict[str, Any] | None = None

    @staticmethod
    def _get_schema() -> str:
        return "https://lineage-graph.example/spec/LineageGraphDatasetFacet.json"


def marker(kind: str, **fields: Any) -> dict[str, Any]:
    return {"lineageGraph": LineageGraphFacet(kind=kind, **fields)}


ORDERS = InputDataset(namespace=DB, name="public.orders")
CUSTOMERS = InputDataset(
    namespace=DB,
    name="public.customers",
    facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="v7")},
)
FEATURES_OUT = OutputDataset(
    namespace=LAKE, name="features/churn", facets=marker("feature", name="churn_features")
)
FEATURES_IN = InputDataset(
    namespace=LAKE, name="features/churn", facets=marker("feature", name="churn_features")
)
MODEL = marker("model", name="churn_model", version="3", metadata={"stage": "production"})
SCORES = OutputDataset(
    namespace=LAKE,
    name="scores",
    facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="2026-05-01")},
)


def event(state: RunState, run_id: str, job: str, at: str, **parts: Any) -> RunEvent:
    run_facets = parts.pop("run_facets", {})
    job_facets = parts.pop("job_facets", {})
    return RunEvent(
        eventType=state,
        eventTime=at,
        run=Run(runId=run_id, facets=run_facets),
        job=Job(namespace=JOBS, name=job, facets=job_facets),
        producer=PRODUCER,
        **parts,
    )


@pytest.fixture
def server(store: LineageStore) -> Iterator[str]:
    with serving(create_app(Settings(), store=store)) as url:
        yield url


@pytest.fixture
def pipeline(server: str) -> dict[str, str]:
    """Extract features, train a model, score: START and COMPLETE apart, the scoring run's COMPLETE
    arriving before its START. Returns the run ids."""
    runs = {name: str(uuid.uuid4()) for name in ("dag", "extract", "train", "score")}
    parent = {
        "parent": parent_run.ParentRunFacet(
            run=parent_run.Run(runId=runs["dag"]), job=parent_run.Job(namespace=JOBS, name="churn_dag")
        )
    }
    code = {
        "sourceCodeLocation": source_code_location_job.SourceCodeLocationJobFacet(
            type="git", url="https://git.example/churn", version="abc123"
        )
    }
    params = {
        "executionParameters": execution_parameters_run.ExecutionParametersRunFacet(
            parameters=[execution_parameters_run.ExecutionParameter(key="learning_rate", value="0.1")]
        )
    }
    model_out = OutputDataset(namespace="mlflow://registry", name="churn", facets=MODEL)
    model_in = InputDataset(namespace="mlflow://registry", name="churn", facets=MODEL)
    client = openlineage_client(server)
    for sent in (
        event(
            RunState.START,
            runs["extract"],
            "extract_features",
            "2026-05-01T08:00:00Z",
            inputs=[ORDERS, CUSTOMERS],
        ),
        event(
            RunState.COMPLETE,
            runs["extract"],
            "extract_features",
            "2026-05-01T08:10:00Z",
            outputs=[FEATURES_OUT],
        ),
        event(
            RunState.START,
            runs["train"],
            "train_model",
            "2026-05-01T09:00:00Z",
            inputs=[FEATURES_IN],
            run_facets={**parent, **params},
            job_facets=code,
        ),
        event(
            RunState.COMPLETE,
            runs["train"],
            "train_model",
            "2026-05-01T09:30:00Z",
            inputs=[FEATURES_IN],
            outputs=[model_out],
            job_facets=code,
        ),
        event(
            RunState.COMPLETE,
            runs["score"],
            "score_customers",
            "2026-05-01T10:05:00Z",
            inputs=[model_in, FEATURES_IN],
            outputs=[SCORES],
        ),
        event(RunState.START, runs["score"], "score_customers", "2026-05-01T10:00:00Z", inputs=[model_in]),
    ):
        client.emit(sent)
    return runs


UPSTREAM = """
    query Upstream($uid: ID!) {
      upstream(uid: $uid) {
        nodes { uid kind name version source producedBy { uid } }
        edges { source target run }
        truncated
      }
    }
    """


def test_upstream_of_the_scores_is_every_input_of_the_pipeline(server: str, pipeline: dict[str, str]) -> None:
    features = f"feature:churn_features@{pipeline['extract']}"
    scores = "dataset:s3://lake/scores@2026-05-01"
    with gql_client(server) as session:
        answer = session.execute(GraphQLRequest(UPSTREAM, variable_values={"uid": scores}))["upstream"]
    nodes = {n["uid"]: n for n in answer["nodes"]}
    assert set(nodes) == {
        scores,
        "model:churn_model@3",
        features,
        "dataset:postgres://db:5432/public.orders@unversioned",
        "dataset:postgres://db:5432/public.customers@v7",
    }
    assert nodes[scores] == {
        "uid": scores,
        "kind": "DATASET",
        "name": "s3://lake/scores",
        "version": "2026-05-01",
        "source": LAKE,
        "producedBy": {"uid": pipeline["score"]},
    }
    assert nodes[features]["kind"] == "FEATURE"
    assert nodes[features]["producedBy"] == {"uid": pipeline["extract"]}
    assert nodes["model:churn_model@3"]["producedBy"] == {"uid": pipeline["train"]}
    assert nodes["dataset:postgres://db:5432/public.orders@unversioned"]["producedBy"] is None
    edges = {(e["source"], e["target"], e["run"]) for e in answer["edges"]}
    assert edges == {
        (scores, "model:churn_model@3", pipeline["score"]),
        (scores, features, pipeline["score"]),
        ("model:churn_model@3", features, pipeline["train"]),
        (features, "dataset:postgres://db:5432/public.orders@unversioned", pipeline["extract"]),
        (features, "dataset:postgres://db:5432/public.customers@v7", pipeline["extract"]),
    }
    assert answer["truncated"] is False


def test_downstream_impact_and_path_from_the_source_table(server: str, pipeline: dict[str, str]) -> None:
    orders = "dataset:postgres://db:5432/public.orders@unversioned"
    features = f"feature:churn_features@{pipeline['extract']}"
    scores = "dataset:s3://lake/scores@2026-05-01"
    query = """
        query FromOrders($uid: ID!, $to: ID!) {
          downstream(uid: $uid) { nodes { uid } }
          impact(uid: $uid) {
            total
            byKind { kind count nodes { depth node { uid } } }
            models { depth node { uid } }
            deployed { node { uid metadata } }
            names { kind name affectedVersions latest { uid } latestIsAffected }
          }
          path(fromUid: $uid, toUid: $to) { uid }
        }
        """
    with gql_client(server) as session:
        answer = session.execute(GraphQLRequest(query, variable_values={"uid": orders, "to": scores}))
    # nearest first, then by uid
    assert [n["uid"] for n in answer["downstream"]["nodes"]] == [
        orders,
        features,
        scores,
        "model:churn_model@3",
    ]
    impact = answer["impact"]
    assert impact["total"] == 3
    assert {
        k["kind"]: (k["count"], [(n["node"]["uid"], n["depth"]) for n in k["nodes"]])
        for k in impact["byKind"]
    } == {
        "DATASET": (1, [(scores, 2)]),
        "FEATURE": (1, [(features, 1)]),
        "MODEL": (1, [("model:churn_model@3", 2)]),
        "PREDICTION": (0, []),
    }
    assert impact["models"] == [{"depth": 2, "node": {"uid": "model:churn_model@3"}}]
    assert impact["deployed"] == [
        {"node": {"uid": "model:churn_model@3", "metadata": {"stage": "production"}}}
    ]
    assert {(n["kind"], n["name"]): (n["affectedVersions"], n["latest"]["uid"]) for n in impact["names"]} == {
        ("DATASET", "s3://lake/scores"): (["2026-05-01"], scores),
        ("FEATURE", "churn_features"): ([pipeline["extract"]], features),
        ("MODEL", "churn_model"): (["3"], "model:churn_model@3"),
    }
    assert [n["uid"] for n in answer["path"]] == [orders, features, scores]


def test_the_training_run_merges_its_start_and_complete(server: str, pipeline: dict[str, str]) -> None:
    query = """
        query Train($uid: ID!) {
          run(uid: $uid) {
            name status codeVersion parameters environment startedAt endedAt parentUid
            inputs { uid } outputs { uid }
          }
        }
        """
    with gql_client(server) as session:
        run = session.execute(GraphQLRequest(query, variable_values={"uid": pipeline["train"]}))["run"]
    assert run["name"] == "train_model"
    assert run["status"] == "COMPLETE"
    assert run["codeVersion"] == "git:abc123"
    assert run["parameters"] == {"learning_rate": "0.1"}
    assert run["environment"]["job_namespace"] == JOBS
    assert run["environment"]["source_code_location"]["url"] == "https://git.example/churn"
    assert (run["startedAt"], run["endedAt"]) == (
        "2026-05-01T09:00:00.000000Z",
        "2026-05-01T09:30:00.000000Z",
    )
    assert run["parentUid"] == pipeline["dag"]
    assert run["inputs"] == [{"uid": f"feature:churn_features@{pipeline['extract']}"}]
    assert run["outputs"] == [{"uid": "model:churn_model@3"}]


def test_complete_before_start_still_gives_one_run(server: str, pipeline: dict[str, str]) -> None:
    with gql_client(server) as session:
        run = session.execute(
            GraphQLRequest(
                "query Score($uid: ID!) { run(uid: $uid) { status startedAt endedAt outputUids } }",
                variable_values={"uid": pipeline["score"]},
            )
        )["run"]
    assert run == {
        "status": "COMPLETE",
        "startedAt": "2026-05-01T10:00:00.000000Z",
        "endedAt": "2026-05-01T10:05:00.000000Z",
        "outputUids": ["dataset:s3://lake/scores@2026-05-01"],
    }


def test_sending_the_pipeline_again_changes_nothing(
    server: str, store: LineageStore, pipeline: dict[str, str]
) -> None:
    before = list(store.export_records())
    client = openlineage_client(server)
    client.emit(
        event(
            RunState.START,
            pipeline["extract"],
            "extract_features",
            "2026-05-01T08:00:00Z",
            inputs=[ORDERS, CUSTOMERS],
        )
    )
    client.emit(
        event(
            RunState.COMPLETE,
            pipeline["extract"],
            "extract_features",
            "2026-05-01T08:10:00Z",
            outputs=[FEATURES_OUT],
        )
    )
    assert list(store.export_records()) == before


def test_a_client_configured_the_way_integrations_are(
    store: LineageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Airflow, Spark and dbt integrations configure the client from OPENLINEAGE_URL and
    OPENLINEAGE_API_KEY; so does this one, against a server that requires tokens."""
    run_id = str(uuid.uuid4())
    with serving(create_app(Settings(tokens=TOKENS), store=store)) as url:
        monkeypatch.setenv("OPENLINEAGE_URL", url)
        monkeypatch.setenv("OPENLINEAGE_API_KEY", RW_TOKEN)
        OpenLineageClient().emit(
            event(RunState.COMPLETE, run_id, "nightly", "2026-05-02T01:00:00Z", outputs=[SCORES])
        )
    run = store.get_run(run_id)
    assert run is not None and run.outputs == ("dataset:s3://lake/scores@2026-05-01",)
