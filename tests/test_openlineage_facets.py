"""The spec's facet semantics, on both backends: a facet sent again on a later event replaces the
earlier one of the same name for that run, job or dataset, whatever order the events arrive in, and
every replacement stays in the history."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.facets import current, history
from lineage.store import LineageStore
from tests.api_support import local_client
from tests.ol_events import (
    LAKE,
    WAREHOUSE,
    ds,
    engine,
    new_id,
    official,
    parameters,
    run_event,
    source_location,
)
from tests.test_openlineage_static import record

START, COMPLETE = "2026-05-01T08:00:00Z", "2026-05-01T09:00:00Z"


def spark_run(run_id: str) -> list[dict[str, Any]]:
    """A run whose engine, parameters and code changed between its START and its COMPLETE (a retry
    picked up a new deployment), the facets on both events."""
    return [
        run_event(
            run_id,
            "orders.aggregate",
            "START",
            at=START,
            run_facets={"processing_engine": engine("2.9.0"), "executionParameters": parameters(lr=0.1)},
            job_facets={"sourceCodeLocation": source_location("1f3e2a")},
        ),
        run_event(
            run_id,
            "orders.aggregate",
            "COMPLETE",
            at=COMPLETE,
            run_facets={"processing_engine": engine("2.10.1"), "executionParameters": parameters(lr=0.2)},
            job_facets={"sourceCodeLocation": source_location("9c0d4b")},
        ),
    ]


@pytest.mark.parametrize("order", ["in order", "reversed"])
def test_a_facet_sent_again_replaces_the_earlier_one_in_either_arrival_order(
    store: LineageStore, order: str
) -> None:
    run_id = new_id()
    events = spark_run(run_id)
    for payload in events if order == "in order" else reversed(events):
        record(store, payload)  # no 409: a later event's facet replaces the earlier one
    run = store.get_run(run_id)
    assert run is not None
    assert run.environment["processing_engine"] == {"name": "Airflow", "version": "2.10.1"}
    assert (run.parameters, run.code_version) == ({"lr": 0.2}, "git:9c0d4b")
    facets = store.facets(f"run:{run_id}")
    assert current(facets)["processing_engine"].value["version"] == "2.10.1"
    assert [(f.event_time[:19], f.value["version"]) for f in history(facets, "processing_engine")] == [
        ("2026-05-01T08:00:00", "2.9.0"),
        ("2026-05-01T09:00:00", "2.10.1"),
    ]
    job = store.facets("job:airflow://prod:orders.aggregate")
    assert [f.value["version"] for f in history(job, "sourceCodeLocation")] == ["1f3e2a", "9c0d4b"]


def test_input_and_output_facets_of_a_run_merge_the_same_way(store: LineageStore) -> None:
    run_id = new_id()
    stats = [official("1-0-2/OutputStatisticsOutputDatasetFacet", rowCount=n) for n in (10, 25)]
    for at, facet in ((COMPLETE, stats[1]), (START, stats[0])):
        output = {**ds(LAKE, "orders/daily"), "outputFacets": {"outputStatistics": facet}}
        record(store, run_event(run_id, "orders.aggregate", "RUNNING", at=at, outputs=[output]))
    subject = f"run:{run_id}:output:dataset:{LAKE}:orders/daily"
    assert current(store.facets(subject))["outputStatistics"].value["rowCount"] == 25
    assert [f.value["rowCount"] for f in history(store.facets(subject))] == [10, 25]


def test_a_version_s_content_never_changes_when_its_dataset_s_facets_do(store: LineageStore) -> None:
    """Facets describe a dataset's name: a version recorded once keeps its content."""
    versioned = official("1-0-1/DatasetVersionDatasetFacet", datasetVersion="snap@7")
    for at, columns in ((START, ["id"]), (COMPLETE, ["id", "amount"])):
        schema = official("1-1-1/SchemaDatasetFacet", fields=[{"name": c} for c in columns])
        dataset = ds(WAREHOUSE, "public.orders", version=versioned, schema=schema)
        record(store, run_event(new_id(), "orders.extract", at=at, inputs=[dataset]))
    # '@' ends the name in a uid, so a version holding one is stored with %40.
    node = store.get_node(f"dataset:{WAREHOUSE}/public.orders@snap%407")
    assert node is not None and node.metadata == {}
    facets = store.facets(f"node:dataset:{WAREHOUSE}/public.orders")
    assert [len(f.value["fields"]) for f in history(facets, "schema")] == [1, 2]


def test_event_times_in_lower_case_are_accepted(store: LineageStore) -> None:
    run_id = new_id()
    record(store, run_event(run_id, "orders.extract", "START", at="2026-05-01t08:00:00.5z"))
    run = store.get_run(run_id)
    assert run is not None and run.started_at == "2026-05-01T08:00:00.500000Z"


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=store)) as client:
        yield client


def test_graphql_answers_the_facets_that_stand_and_their_history(client: TestClient) -> None:
    run_id = new_id()
    for payload in reversed(spark_run(run_id)):
        assert client.post("/api/v1/lineage", json=payload).status_code == 201
    query = """query($uid: ID!) { run(uid: $uid) {
        facets { name value eventTime }
        facetHistory(name: "executionParameters") { value eventTime deleted } } }"""
    answer = client.post("/graphql", json={"query": query, "variables": {"uid": run_id}}).json()
    run = answer["data"]["run"]
    assert {f["name"]: f["eventTime"] for f in run["facets"]} == {
        "executionParameters": "2026-05-01T09:00:00.000000Z",
        "processing_engine": "2026-05-01T09:00:00.000000Z",
    }
    assert [(h["value"]["parameters"][0]["value"], h["deleted"]) for h in run["facetHistory"]] == [
        (0.1, False),
        (0.2, False),
    ]


def test_graphql_answers_a_job_s_facets_by_its_openlineage_id(client: TestClient) -> None:
    for payload in spark_run(new_id()):
        client.post("/api/v1/lineage", json=payload)
    query = """{ openLineageName(id: "job:airflow://prod:orders.aggregate") {
        kind namespace name facets { name value } facetHistory { name } } }"""
    job = client.post("/graphql", json={"query": query}).json()["data"]["openLineageName"]
    assert (job["kind"], job["namespace"], job["name"]) == ("job", "airflow://prod", "orders.aggregate")
    assert [f["value"]["version"] for f in job["facets"]] == ["9c0d4b"]
    assert [h["name"] for h in job["facetHistory"]] == ["sourceCodeLocation"] * 2
    missing = '{ openLineageName(id: "job:nowhere:nothing") { name } }'
    assert client.post("/graphql", json={"query": missing}).json()["data"] == {"openLineageName": None}


def test_graphql_answers_a_node_s_facets(client: TestClient) -> None:
    dataset = ds(WAREHOUSE, "public.orders", schema=official("1-1-1/SchemaDatasetFacet", fields=[]))
    client.post("/api/v1/lineage", json=run_event(new_id(), "orders.extract", inputs=[dataset]))
    query = f'{{ node(uid: "dataset:{WAREHOUSE}/public.orders@unversioned") {{ facets {{ name }} }} }}'
    assert client.post("/graphql", json={"query": query}).json()["data"]["node"]["facets"] == [
        {"name": "schema"}
    ]


def test_graphql_answers_a_run_s_output_facets_of_a_dataset(client: TestClient) -> None:
    run_id = new_id()
    for at, rows in ((COMPLETE, 25), (START, 10)):
        statistics = official("1-0-2/OutputStatisticsOutputDatasetFacet", rowCount=rows)
        output = {**ds(LAKE, "orders/daily"), "outputFacets": {"outputStatistics": statistics}}
        client.post(
            "/api/v1/lineage", json=run_event(run_id, "orders.aggregate", "RUNNING", at=at, outputs=[output])
        )
    query = """query($uid: ID!, $dataset: ID!) { run(uid: $uid) {
        outputFacets(dataset: $dataset) { name value } inputFacets(dataset: $dataset) { name } } }"""
    variables = {"uid": run_id, "dataset": f"dataset:{LAKE}:orders/daily"}
    run = client.post("/graphql", json={"query": query, "variables": variables}).json()["data"]["run"]
    assert [(f["name"], f["value"]["rowCount"]) for f in run["outputFacets"]] == [("outputStatistics", 25)]
    assert run["inputFacets"] == []
