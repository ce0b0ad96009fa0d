"""recordRun and recordPredictions through a GraphQL client over HTTP, on both backends: what they
write is read back through the queries, and a refused call leaves the store exactly as it was."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore
from tests.api_support import gql_client, serving

RECORD_RUN = """
mutation Record($input: RecordRunInput!) {
  recordRun(input: $input) {
    run { uid name status codeVersion parameters startedAt endedAt inputUids outputUids }
    written { createdNodes createdEdges unchanged }
  }
}
"""

RECORD_PREDICTIONS = """
mutation Predict($input: RecordPredictionsInput!) {
  recordPredictions(input: $input) {
    predictions { uid kind inputDigest output createdAt recordedAt }
    written { createdNodes createdEdges unchanged }
  }
}
"""


def execute(session: Any, query: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = session.execute(GraphQLRequest(query, variable_values=variables))
    return result


def refused(session: Any, query: str, **variables: Any) -> dict[str, Any]:
    with pytest.raises(TransportQueryError) as caught:
        execute(session, query, **variables)
    errors = caught.value.errors or []
    assert len(errors) == 1, errors
    problem: dict[str, Any] = errors[0]
    return problem


@pytest.fixture
def url(store: LineageStore) -> Iterator[str]:
    with serving(create_app(store=store)) as url:
        yield url


@pytest.fixture
def session(url: str) -> Iterator[Any]:
    with gql_client(url) as session:
        yield session


def training(**run: Any) -> dict[str, Any]:
    return {
        "run": {
            "uid": "train-1",
            "name": "train_churn",
            "codeVersion": "git:abc123",
            "parameters": {"depth": 6},
            "startedAt": "2026-03-01T10:00:00+01:00",
            "status": "START",
            **run,
        },
        "inputs": [
            {"uid": "dataset:events@2026-02", "checksum": "sha256:aa", "owner": "data-eng"},
            {"uid": "feature:activity@1", "description": "Sessions per week"},
        ],
        "outputs": [{"uid": "model:churn@1", "metadata": {"auc": 0.9}}],
    }


def test_record_run_writes_nodes_edges_and_run(session: Any, store: LineageStore) -> None:
    answer = execute(session, RECORD_RUN, input=training())["recordRun"]
    assert answer["written"] == {"createdNodes": 3, "createdEdges": 2, "unchanged": 0}
    assert answer["run"] == {
        "uid": "train-1",
        "name": "train_churn",
        "status": "START",
        "codeVersion": "git:abc123",
        "parameters": {"depth": 6},
        "startedAt": "2026-03-01T09:00:00.000000Z",
        "endedAt": None,
        "inputUids": ["dataset:events@2026-02", "feature:activity@1"],
        "outputUids": ["model:churn@1"],
    }
    graph = store.upstream("model:churn@1")
    assert {(e.source, e.target, e.run) for e in graph.edges} == {
        ("model:churn@1", "dataset:events@2026-02", "train-1"),
        ("model:churn@1", "feature:activity@1", "train-1"),
    }
    events = store.get_node("dataset:events@2026-02")
    assert events is not None and (events.checksum, events.owner) == ("sha256:aa", "data-eng")
    model = store.get_node("model:churn@1")
    assert model is not None and model.metadata == {"auc": 0.9}


def test_reporting_the_run_again_completes_it(session: Any) -> None:
    execute(session, RECORD_RUN, input=training())
    done = training(status="COMPLETE", endedAt="2026-03-01T11:00:00Z")
    answer = execute(session, RECORD_RUN, input=done)["recordRun"]
    assert answer["written"] == {"createdNodes": 0, "createdEdges": 0, "unchanged": 5}
    assert (answer["run"]["status"], answer["run"]["endedAt"]) == ("COMPLETE", "2026-03-01T11:00:00.000000Z")
    assert answer["run"]["startedAt"] == "2026-03-01T09:00:00.000000Z"


def test_a_node_given_by_uid_alone_is_matched_or_created(session: Any, store: LineageStore) -> None:
    execute(session, RECORD_RUN, input=training())
    retrain = {
        "run": {"uid": "train-2", "name": "train_churn"},
        "inputs": [{"uid": "dataset:events@2026-02"}, {"uid": "dataset:labels@3"}],
        "outputs": [{"uid": "model:churn@2"}],
    }
    answer = execute(session, RECORD_RUN, input=retrain)["recordRun"]
    assert answer["written"]["createdNodes"] == 2  # labels@3 and churn@2; events@2026-02 was matched
    events = store.get_node("dataset:events@2026-02")
    assert events is not None and events.owner == "data-eng"  # the stored version, untouched
    labels = store.get_node("dataset:labels@3")
    assert labels is not None and (labels.owner, labels.metadata) == (None, {})


def test_a_conflicting_run_writes_nothing(session: Any, store: LineageStore) -> None:
    execute(session, RECORD_RUN, input=training())
    before = list(store.export_records())
    changed = training()
    changed["run"]["uid"] = "train-again"
    changed["inputs"].append({"uid": "dataset:extra@1"})
    changed["outputs"] = [{"uid": "model:churn@1", "metadata": {"auc": 0.5}}]
    problem = refused(session, RECORD_RUN, input=changed)
    assert problem["extensions"]["code"] == "CONFLICT"
    assert "model:churn@1 is already recorded with different metadata" in problem["message"]
    assert list(store.export_records()) == before


def test_a_run_without_outputs_or_with_a_bad_uid_is_refused(session: Any, store: LineageStore) -> None:
    no_outputs = {"run": {"uid": "r", "name": "n"}, "inputs": [{"uid": "dataset:a@1"}], "outputs": []}
    assert "no outputs given" in refused(session, RECORD_RUN, input=no_outputs)["message"]
    bad_uid = {"run": {"uid": "r", "name": "n"}, "outputs": [{"uid": "model-without-version"}]}
    problem = refused(session, RECORD_RUN, input=bad_uid)
    assert problem["extensions"]["code"] == "BAD_USER_INPUT"
    assert "malformed uid 'model-without-version'" in problem["message"]
    bad_metadata = {"run": {"uid": "r", "name": "n"}, "outputs": [{"uid": "model:m@1", "metadata": [1, 2]}]}
    assert (
        "model:m@1: metadata must be a JSON object"
        in refused(session, RECORD_RUN, input=bad_metadata)["message"]
    )
    assert store.stats()["runs"] == 0


def test_record_predictions_with_features_and_chained_parents(session: Any, store: LineageStore) -> None:
    execute(session, RECORD_RUN, input=training())
    scores = {
        "modelUid": "model:churn@1",
        "run": {"uid": "score-1", "name": "score_customers", "status": "COMPLETE"},
        "predictions": [
            {
                "name": "churn_risk",
                "version": "c-1",
                "inputDigest": "sha256:in-1",
                "output": {"risk": 0.2},
                "features": ["feature:activity@1"],
                "createdAt": "2026-03-02T08:00:00Z",
            }
        ],
    }
    first = execute(session, RECORD_PREDICTIONS, input=scores)["recordPredictions"]
    assert first["written"] == {"createdNodes": 1, "createdEdges": 2, "unchanged": 0}
    [prediction] = first["predictions"]
    assert {k: prediction[k] for k in ("uid", "kind", "inputDigest", "output", "createdAt")} == {
        "uid": "prediction:churn_risk@c-1",
        "kind": "PREDICTION",
        "inputDigest": "sha256:in-1",
        "output": {"risk": 0.2},
        "createdAt": "2026-03-02T08:00:00.000000Z",
    }
    assert prediction["recordedAt"].endswith("Z")
    chained = {
        "modelUid": "model:churn@1",
        "predictions": [
            {
                "name": "retention_offer",
                "version": "c-1",
                "inputDigest": "sha256:in-2",
                "output": 15,
                "parents": ["prediction:churn_risk@c-1"],
            }
        ],
    }
    execute(session, RECORD_PREDICTIONS, input=chained)
    graph = store.upstream("prediction:retention_offer@c-1", depth=1)
    assert {e.target for e in graph.edges} == {"model:churn@1", "prediction:churn_risk@c-1"}
    run = store.get_run("score-1")
    assert run is not None and run.outputs == ("prediction:churn_risk@c-1",)


@pytest.mark.parametrize(
    ("change", "code", "message"),
    [
        ({"modelUid": "dataset:events@2026-02"}, "BAD_USER_INPUT", "is not a model"),
        ({"features": ["feature:unknown@9"]}, "NOT_FOUND", "names unknown node feature:unknown@9"),
        ({"predictions": []}, "BAD_USER_INPUT", "no predictions given"),
    ],
)
def test_refused_predictions_write_nothing(
    session: Any, store: LineageStore, change: dict[str, Any], code: str, message: str
) -> None:
    execute(session, RECORD_RUN, input=training())
    before = list(store.export_records())
    prediction = {
        "name": "p",
        "version": "1",
        "inputDigest": "d",
        "output": 1,
        "features": change.get("features", []),
    }
    given = {"modelUid": "model:churn@1", "predictions": [prediction]}
    given.update((k, v) for k, v in change.items() if k != "features")
    problem = refused(session, RECORD_PREDICTIONS, input=given)
    assert problem["extensions"]["code"] == code
    assert message in problem["message"]
    assert list(store.export_records()) == before


def test_a_batch_over_the_limit_is_refused(store: LineageStore) -> None:
    predictions = [{"name": "p", "version": str(i), "inputDigest": "d", "output": i} for i in range(3)]
    with serving(create_app(Settings(max_predictions=2), store=store)) as url, gql_client(url) as session:
        problem = refused(
            session, RECORD_PREDICTIONS, input={"modelUid": "model:m@1", "predictions": predictions}
        )
    assert problem["message"] == "3 predictions in one call: at most 2"
    assert store.stats()["prediction"] == 0


def test_the_client_can_use_the_schema_it_fetches(url: str) -> None:
    """A typed client (gql with schema validation) accepts the served schema and validates against it."""
    with Client(transport=gql_client(url).transport, fetch_schema_from_transport=True) as session:
        answer = execute(session, "query { nodes(kind: MODEL) { totalCount } }")
        assert answer == {"nodes": {"totalCount": 0}}
        with pytest.raises(Exception, match="Cannot query field 'nope'"):
            execute(session, "query { nodes { nope } }")
