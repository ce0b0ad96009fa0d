"""GET /api/v1/lineage in the shape Marquez answers, against a graph recorded from OpenLineage events,
on both backends: node ids, edges, depth counted in jobs, declared feeds in or out, errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore
from tests.api_support import RO_TOKEN, TOKENS, local_client
from tests.ol_events import LAKE, WAREHOUSE, ds, job_event, job_type, new_id, run_event, schema_facet

ENDPOINT = "/api/v1/lineage"
ORDERS = f"dataset:{WAREHOUSE}:public.orders"
CUSTOMERS = f"dataset:{WAREHOUSE}:public.customers"
DAILY = f"dataset:{LAKE}:orders/daily"
REVENUE = f"dataset:{LAKE}:reports/revenue"
FORECAST = f"dataset:{LAKE}:ml/forecast"
LOAD, REPORT, TRAIN = (f"job:airflow://prod:{n}" for n in ("orders.load", "reports.build", "ml.train"))


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    """orders -> [orders.load] -> daily -> [reports.build] -> revenue -> [ml.train] -> forecast, and
    customers declared as an input of orders.load that no run has read."""
    events = [
        job_event(
            "orders.load",
            inputs=[ds(WAREHOUSE, "public.orders"), ds(WAREHOUSE, "public.customers")],
            outputs=[ds(LAKE, "orders/daily")],
            jobType=job_type(),
        ),
        run_event(
            new_id(),
            "orders.load",
            inputs=[ds(WAREHOUSE, "public.orders", schema=schema_facet("id", "amount"))],
            outputs=[ds(LAKE, "orders/daily")],
        ),
        run_event(
            new_id(),
            "reports.build",
            inputs=[ds(LAKE, "orders/daily")],
            outputs=[ds(LAKE, "reports/revenue")],
        ),
        run_event(
            new_id(), "ml.train", inputs=[ds(LAKE, "reports/revenue")], outputs=[ds(LAKE, "ml/forecast")]
        ),
    ]
    with local_client(create_app(store=store)) as client:
        for event in events:
            assert client.post(ENDPOINT, json=event).status_code == 201
        yield client


def graph(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get(ENDPOINT, params=params)
    assert response.status_code == 200, response.text
    return {node["id"]: node for node in response.json()["graph"]}


def test_a_dataset_s_lineage_in_marquez_s_shape(client: TestClient) -> None:
    nodes = graph(client, nodeId=ORDERS, depth=0)
    assert set(nodes) == {ORDERS, CUSTOMERS, LOAD, DAILY}
    load = nodes[LOAD]
    assert list(load) == ["id", "type", "data", "inEdges", "outEdges"]
    assert load["type"] == "JOB"
    assert load["inEdges"] == [
        {"origin": CUSTOMERS, "destination": LOAD},
        {"origin": ORDERS, "destination": LOAD},
    ]
    assert load["outEdges"] == [{"origin": LOAD, "destination": DAILY}]
    data = load["data"]
    assert data["id"] == {"namespace": "airflow://prod", "name": "orders.load"}
    assert (data["type"], data["declaredOnly"]) == ("BATCH", [CUSTOMERS])
    assert data["outputs"] == [{"namespace": LAKE, "name": "orders/daily"}]
    orders = nodes[ORDERS]
    assert orders["type"] == "DATASET"
    assert orders["data"]["id"] == {"namespace": WAREHOUSE, "name": "public.orders"}
    assert [f["name"] for f in orders["data"]["fields"]] == ["id", "amount"]
    assert orders["outEdges"] == [{"origin": ORDERS, "destination": LOAD}]


def test_depth_counts_jobs_from_the_node(client: TestClient) -> None:
    assert set(graph(client, nodeId=ORDERS, depth=1)) == {ORDERS, CUSTOMERS, LOAD, DAILY, REPORT, REVENUE}
    assert set(graph(client, nodeId=REPORT, depth=0)) == {REPORT, DAILY, REVENUE}
    assert set(graph(client, nodeId=REPORT, depth=1)) == {
        REPORT,
        DAILY,
        REVENUE,
        LOAD,
        ORDERS,
        CUSTOMERS,
        TRAIN,
        FORECAST,
    }
    assert len(graph(client, nodeId=FORECAST)) == 8  # Marquez's default depth, 20, reaches everything


def test_declared_feeds_no_run_confirmed_can_be_left_out(client: TestClient) -> None:
    nodes = graph(client, nodeId=ORDERS, depth=0, declared="false")
    assert CUSTOMERS not in nodes
    assert nodes[LOAD]["inEdges"] == [{"origin": ORDERS, "destination": LOAD}]
    assert nodes[LOAD]["data"]["declaredOnly"] == []


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({}, 400, "nodeId is required"),
        ({"nodeId": "table:x"}, 400, "must start with 'dataset:' or 'job:'"),
        ({"nodeId": ORDERS, "depth": "-1"}, 400, "depth '-1' out of range"),
        ({"nodeId": ORDERS, "depth": "51"}, 400, "depth '51' out of range: a whole number from 0 to 50"),
        ({"nodeId": ORDERS, "declared": "maybe"}, 400, "declared must be true or false"),
        ({"nodeId": "dataset:nowhere:nothing"}, 404, "no job or dataset 'dataset:nowhere:nothing'"),
    ],
)
def test_a_bad_request_says_what_is_wrong(
    client: TestClient, params: dict[str, str], status: int, message: str
) -> None:
    response = client.get(ENDPOINT, params=params)
    assert response.status_code == status
    assert message in response.json()["error"]


def test_reading_needs_the_read_scope(store: LineageStore) -> None:
    with local_client(create_app(Settings(tokens=TOKENS), store=store)) as client:
        assert client.get(ENDPOINT, params={"nodeId": ORDERS}).status_code == 401
        authorised = client.get(
            ENDPOINT, params={"nodeId": ORDERS}, headers={"Authorization": f"Bearer {RO_TOKEN}"}
        )
        assert authorised.status_code == 404  # let in; nothing recorded in this store


def test_the_cli_answers_the_same_graph(client: TestClient, store: LineageStore) -> None:
    from click.testing import CliRunner

    from lineage.cli import main

    over_http = client.get(ENDPOINT, params={"nodeId": ORDERS, "depth": 0, "declared": "false"}).json()
    args = ["--store", store.url, "ol-lineage", ORDERS, "--depth", "0", "--no-declared", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == over_http
    table = CliRunner().invoke(main, ["--store", store.url, "ol-lineage", ORDERS, "--depth", "0"])
    assert table.exit_code == 0 and "declared only" in table.output
