"""Column lineage, schema fields, aliases and the run hierarchy through the surfaces users meet: GraphQL
(events posted to the OpenLineage endpoint, then asked about), the CLI and the browse page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.cli import main
from lineage.store import LineageStore
from tests.api_support import graphql, local_client
from tests.test_openlineage_columns import (
    CLEAN,
    CLEAN_RUN,
    DAG_RUN,
    FEATURE_RUN,
    FEATURES,
    RAW,
    clean_orders_event,
    features_event,
)


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=store)) as client:
        for event in (clean_orders_event(), features_event()):
            response = client.post("/api/v1/lineage", json=event)
            assert response.status_code == 201, response.text
        yield client


def data(answer: dict) -> dict:  # type: ignore[type-arg]
    assert "errors" not in answer, answer
    return answer["data"]  # type: ignore[no-any-return]


def test_column_lineage_in_graphql_both_ways(client: TestClient) -> None:
    query = """query($uid: ID!, $field: String!, $direction: Direction!) {
      columnLineage(uid: $uid, field: $field, direction: $direction, depth: 2) {
        root { node name }
        fields { node name type }
        edges {
          source sourceField target targetField run
          transformations { type subtype description masking }
        }
        truncated
      }
    }"""
    up = data(graphql(client, query, {"uid": FEATURES, "field": "total_spend", "direction": "UPSTREAM"}))
    up = up["columnLineage"]
    assert [(f["node"], f["name"]) for f in up["fields"]] == [
        (FEATURES, "total_spend"),
        (CLEAN, "amount_eur"),
        (RAW, "amount"),
    ]
    first = next(e for e in up["edges"] if e["source"] == FEATURES)
    assert (first["targetField"], first["run"]) == ("amount_eur", FEATURE_RUN)
    assert first["transformations"] == [
        {"type": "DIRECT", "subtype": "AGGREGATION", "description": "sum(amount_eur)", "masking": False}
    ]
    down = data(graphql(client, query, {"uid": RAW, "field": "amount", "direction": "DOWNSTREAM"}))
    assert [f["name"] for f in down["columnLineage"]["fields"]] == ["amount", "amount_eur", "total_spend"]
    missing = graphql(client, query, {"uid": RAW, "field": "nope", "direction": "UPSTREAM"})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "has no recorded field 'nope'" in missing["errors"][0]["message"]


def test_schema_fields_and_an_alias_in_graphql(client: TestClient) -> None:
    answer = data(
        graphql(
            client,
            """{ node(uid: "dataset:hive://metastore:9083/raw.orders@unversioned") {
                   uid fields { name type description } } }""",
        )
    )
    assert answer["node"]["uid"] == RAW
    assert answer["node"]["fields"][:2] == [
        {"name": "amount", "type": "decimal(12,2)", "description": "Order value"},
        {"name": "customer_id", "type": "bigint", "description": "Customer key"},
    ]


def test_a_dag_run_with_its_task_runs_in_graphql(client: TestClient) -> None:
    answer = data(
        graphql(
            client,
            "query($uid: ID!) { run(uid: $uid) { parent { uid name children { uid name } } } }",
            {"uid": CLEAN_RUN},
        )
    )
    parent = answer["run"]["parent"]
    assert parent["uid"] == DAG_RUN and parent["name"] == "daily_features"
    assert {c["uid"] for c in parent["children"]} == {CLEAN_RUN, FEATURE_RUN}


def test_the_browse_page_finds_runs_by_sql_and_job_type_and_nodes_by_owner(client: TestClient) -> None:
    page = client.get("/", params={"search": "sum(amount_eur)"}).text
    assert "Runs matching" in page and FEATURE_RUN in page and CLEAN_RUN not in page
    assert "BATCH DBT MODEL · team:growth · select customer_id, sum(amount_eur) as total_spend" in page
    page = client.get("/", params={"search": "team:payments"}).text
    assert f'href="/graph/{quote(CLEAN, safe=":@")}"' in page


def test_the_cli_answers_column_lineage(demo_store: LineageStore) -> None:
    runner = CliRunner()
    base = ["--store", demo_store.url, "columns"]
    text = runner.invoke(main, [*base, "feature:purchase_analysis@2", "days_since_last_order"])
    assert text.exit_code == 0, text.output
    assert (
        "feature:purchase_analysis@2#days_since_last_order <- dataset:historic_data@2025#order_date  "
        "[DIRECT/TRANSFORMATION: snapshot date - max]  (run run-features-2)"
    ) in text.output
    down = runner.invoke(
        main, [*base, "dataset:customer_data@2026-04", "status", "--direction", "down", "--json"]
    )
    answer = json.loads(down.output)
    assert [(f["node"], f["name"], f["depth"]) for f in answer["fields"]] == [
        ("dataset:customer_data@2026-04", "status", 0),
        ("feature:purchase_analysis@2", "", 1),
    ]
    assert answer["edges"][0]["transformations"] == [
        {"type": "INDIRECT", "subtype": "FILTER", "description": "active customers only"}
    ]
    unknown = runner.invoke(main, [*base, "feature:purchase_analysis@2", "nope"])
    assert unknown.exit_code != 0 and "has no recorded field 'nope'" in unknown.output


def test_record_run_takes_columns_and_their_lineage(store: LineageStore) -> None:
    """Not OpenLineage: a pipeline reports its columns with the run, through GraphQL."""
    mutation = (
        """mutation($input: RecordRunInput!) { recordRun(input: $input) { written { createdNodes } } }"""
    )
    given = {
        "run": {"uid": "run-encode-1", "name": "encode"},
        "inputs": [{"uid": "dataset:users@1"}],
        "outputs": [{"uid": "feature:user_vectors@1"}],
        "fields": [{"node": "dataset:users@1", "name": "country", "type": "string"}],
        "columns": [
            {
                "output": "feature:user_vectors@1",
                "outputField": "country_onehot",
                "input": "dataset:users@1",
                "inputField": "country",
                "transformations": [
                    {"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "one-hot"}
                ],
            }
        ],
    }
    with local_client(create_app(store=store)) as client:
        data(graphql(client, mutation, {"input": given}))
        backwards = {**given, "columns": [{**given["columns"][0], "output": "dataset:users@1"}]}
        refused = graphql(
            client, mutation, {"input": {**backwards, "run": {"uid": "run-encode-2", "name": "encode"}}}
        )
        assert "must join an output of the run to an input of it" in refused["errors"][0]["message"]
    graph = store.column_lineage("feature:user_vectors@1", "country_onehot")
    assert [(f.node, f.name, f.type) for f in graph.fields] == [
        ("feature:user_vectors@1", "country_onehot", None),
        ("dataset:users@1", "country", "string"),
    ]
    assert graph.edges[0].run == "run-encode-1"
    assert graph.edges[0].transformations == (
        {"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "one-hot"},
    )
    assert store.get_run("run-encode-2") is None


def test_the_graph_page_opens_an_alias_and_groups_a_dag_runs_tasks(client: TestClient) -> None:
    alias = "dataset:hive://metastore:9083/raw.orders@unversioned"
    page = client.get(f"/graph/{quote(alias, safe=':@')}")
    assert page.status_code == 200
    assert f"<title>Lineage of {RAW} ·" in page.text
    page = client.get(f"/graph/{quote(CLEAN, safe=':@')}", params={"direction": "upstream"}).text
    # The edge into the clean table, and its panel, name the DAG run and the other task in it.
    family = f"run {DAG_RUN}: daily_features, with 1 other task(s): daily_features.customer_spend (COMPLETE)"
    assert f"inside {family}" in page
    assert f'["ran inside","{family}"]' in page
    assert '["job","BATCH SPARK SQL_JOB · SELECT customer_id, amount * fx AS amount_eur FROM raw"]' in page
