"""The GraphQL queries against the demo graph, on both backends: answers checked node by node, pages
walked to the end with a real GraphQL client over HTTP, and every way a query can be refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from gql import GraphQLRequest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore
from tests.api_support import CountingStore, gql_client, graphql, local_client, serving

LIMIT_MODEL = "model:credit_limit_model@2"


@pytest.fixture
def client(demo_store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=demo_store)) as client:
        yield client


def ok(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    data: dict[str, Any] = answer["data"]
    return data


def error(answer: dict[str, Any]) -> dict[str, Any]:
    assert len(answer.get("errors") or []) == 1, answer
    found: dict[str, Any] = answer["errors"][0]
    return found


# --- look-ups ---------------------------------------------------------------------------------------


def test_node_gives_every_field_of_a_version(client: TestClient, demo_store: LineageStore) -> None:
    query = """{ node(uid: "model:scoring_model@1") {
        uid kind name version checksum recordedAt createdAt owner source description metadata
        inputDigest output
    } }"""
    node = ok(graphql(client, query))["node"]
    stored = demo_store.get_node("model:scoring_model@1")
    assert stored is not None
    assert node == {
        "uid": "model:scoring_model@1",
        "kind": "MODEL",
        "name": "scoring_model",
        "version": "1",
        "checksum": None,
        "recordedAt": stored.recorded_at,
        "createdAt": None,
        "owner": "credit-risk-team",
        "source": None,
        "description": "Gradient-boosted customer score",
        "metadata": {"auc": 0.81},
        "inputDigest": None,
        "output": None,
    }
    assert len(node["recordedAt"]) == len("2026-01-31T12:00:00.000000Z") and node["recordedAt"].endswith("Z")


def test_a_prediction_shows_its_input_digest_output_and_creation_time(client: TestClient) -> None:
    query = '{ node(uid: "prediction:credit_offer@c-1001-g1") { inputDigest output createdAt } }'
    assert ok(graphql(client, query))["node"] == {
        "inputDigest": "sha256:offer-c-1001-1",
        "output": {"credit_limit": 5000},
        "createdAt": "2026-02-10T09:00:00.000000Z",
    }


def test_unknown_uids_give_null_not_errors(client: TestClient) -> None:
    data = ok(graphql(client, '{ node(uid: "model:nope@1") { uid } run(uid: "no-such-run") { uid } }'))
    assert data == {"node": None, "run": None}


def test_a_malformed_uid_is_a_clear_error(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": '{ node(uid: "not a uid") { uid } }'})
    assert response.status_code == 200
    problem = error(response.json())
    assert problem["extensions"]["code"] == "BAD_USER_INPUT"
    assert "malformed uid 'not a uid'" in problem["message"]


def test_versions_and_produced_by(client: TestClient) -> None:
    query = """{ node(uid: "model:credit_limit_model@1") {
        versions { uid }
        producedBy { uid name codeVersion parameters status startedAt inputs { uid } outputs { uid } }
    } }"""
    node = ok(graphql(client, query))["node"]
    assert [v["uid"] for v in node["versions"]] == [
        "model:credit_limit_model@1",
        "model:credit_limit_model@2",
    ]
    assert node["producedBy"] == {
        "uid": "run-train-limit-1",
        "name": "train_credit_limit_model",
        "codeVersion": "git:e4f5a6b",
        "parameters": {"max_limit": 20000},
        "status": "COMPLETE",
        "startedAt": "2026-02-03T08:00:00.000000Z",
        "inputs": [
            {"uid": "dataset:cost_risk_function@v1"},
            {"uid": "dataset:market_conditions@2026-Q1"},
            {"uid": "model:scoring_model@1"},
        ],
        "outputs": [{"uid": "model:credit_limit_model@1"}],
    }


def test_recent_runs_are_newest_first(client: TestClient) -> None:
    runs = ok(graphql(client, "{ recentRuns(limit: 3) { uid recordedAt } }"))["recentRuns"]
    assert len(runs) == 3
    assert [r["recordedAt"] for r in runs] == sorted((r["recordedAt"] for r in runs), reverse=True)


# --- pages ------------------------------------------------------------------------------------------

PAGE = """
query Page($first: Int!, $after: String, $kind: NodeKind, $search: String) {
  nodes(first: $first, after: $after, kind: $kind, search: $search) {
    totalCount
    edges { cursor node { uid } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def walk(session: Any, first: int, **filters: Any) -> tuple[list[str], set[int]]:
    """Every uid, page by page, as a client would fetch them; and the totals each page reported."""
    uids, totals, after = [], set(), None
    for _ in range(100):
        request = GraphQLRequest(PAGE, variable_values={"first": first, "after": after, **filters})
        page = session.execute(request)["nodes"]
        uids += [e["node"]["uid"] for e in page["edges"]]
        totals.add(page["totalCount"])
        if page["edges"]:
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        if not page["pageInfo"]["hasNextPage"]:
            return uids, totals
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("pagination never ended")


def test_pagination_walks_every_node_exactly_once(demo_store: LineageStore) -> None:
    every = sorted(r["uid"] for r in demo_store.export_records() if r["type"] == "node")
    with serving(create_app(store=demo_store)) as url, gql_client(url) as session:
        uids, totals = walk(session, 4)
        models, model_totals = walk(session, 1, kind="MODEL")
        offers, _ = walk(session, 2, search="OFFER")
    assert uids == every
    assert totals == {len(every)}
    assert models == [u for u in every if u.startswith("model:")] and model_totals == {4}
    assert offers == [u for u in every if "credit_offer" in u]


def test_a_bad_cursor_or_page_size_is_refused(client: TestClient) -> None:
    bad_cursor = error(graphql(client, PAGE, {"first": 2, "after": "!!not-a-cursor!!"}))
    assert bad_cursor["extensions"]["code"] == "BAD_USER_INPUT"
    assert "endCursor of the previous page" in bad_cursor["message"]
    too_big = error(graphql(client, PAGE, {"first": 1001}))
    assert "page size 1001 out of range: 1 to 1000" in too_big["message"]


# --- traversals -------------------------------------------------------------------------------------


def test_upstream_node_by_node_over_http(demo_store: LineageStore) -> None:
    query = """query Up($uid: ID!) { upstream(uid: $uid, depth: 2) {
        root { uid } nodes { uid kind version } edges { source target run } truncated
    } }"""
    with serving(create_app(store=demo_store)) as url, gql_client(url) as session:
        graph = session.execute(GraphQLRequest(query, variable_values={"uid": LIMIT_MODEL}))["upstream"]
    assert graph["root"] == {"uid": LIMIT_MODEL}
    assert graph["nodes"] == [
        {"uid": LIMIT_MODEL, "kind": "MODEL", "version": "2"},
        {"uid": "dataset:cost_risk_function@v1", "kind": "DATASET", "version": "v1"},
        {"uid": "dataset:market_conditions@2026-Q2", "kind": "DATASET", "version": "2026-Q2"},
        {"uid": "model:scoring_model@2", "kind": "MODEL", "version": "2"},
        {"uid": "feature:purchase_analysis@2", "kind": "FEATURE", "version": "2"},
    ]
    assert sorted((e["source"], e["target"], e["run"]) for e in graph["edges"]) == [
        (LIMIT_MODEL, "dataset:cost_risk_function@v1", "run-train-limit-2"),
        (LIMIT_MODEL, "dataset:market_conditions@2026-Q2", "run-train-limit-2"),
        (LIMIT_MODEL, "model:scoring_model@2", "run-train-limit-2"),
        ("model:scoring_model@2", "feature:purchase_analysis@2", "run-train-scoring-2"),
    ]
    assert graph["truncated"] is True  # the datasets behind the analysis are three hops away


def test_downstream_filtered_by_kind_links_the_kept_nodes_through_the_hidden(client: TestClient) -> None:
    query = """{ downstream(uid: "dataset:customer_data@2026-01", kinds: [MODEL]) {
        nodes { uid } edges { source target run indirect via }
    } }"""
    graph = ok(graphql(client, query))["downstream"]
    assert [n["uid"] for n in graph["nodes"]] == [
        "dataset:customer_data@2026-01",
        "model:scoring_model@1",
        "model:credit_limit_model@1",
    ]
    assert graph["edges"] == [
        {
            "source": "model:credit_limit_model@1",
            "target": "model:scoring_model@1",
            "run": "run-train-limit-1",
            "indirect": False,
            "via": [],
        },
        {
            "source": "model:scoring_model@1",
            "target": "dataset:customer_data@2026-01",
            "run": None,
            "indirect": True,
            "via": ["feature:purchase_analysis@1"],
        },
    ]


def test_nested_traversals_from_a_node(client: TestClient) -> None:
    query = """{ node(uid: "feature:purchase_analysis@1") {
        upstream(depth: 1) { nodes { uid } }
        downstream(depth: 1, kinds: [MODEL]) { nodes { uid } }
    } }"""
    node = ok(graphql(client, query))["node"]
    assert [n["uid"] for n in node["upstream"]["nodes"]] == [
        "feature:purchase_analysis@1",
        "dataset:customer_data@2026-01",
        "dataset:historic_data@2025",
    ]
    assert [n["uid"] for n in node["downstream"]["nodes"]] == [
        "feature:purchase_analysis@1",
        "model:scoring_model@1",
    ]


def test_first_keeps_the_nearest_nodes_and_says_the_search_stopped(client: TestClient) -> None:
    query = """{ upstream(uid: "model:credit_limit_model@2", first: 3) {
        nodes { uid } edges { source target } truncated
    } }"""
    graph = ok(graphql(client, query))["upstream"]
    assert [n["uid"] for n in graph["nodes"]] == [
        "model:credit_limit_model@2",
        "dataset:cost_risk_function@v1",
        "dataset:market_conditions@2026-Q2",
        "model:scoring_model@2",
    ]
    assert graph["truncated"] is True
    assert len(graph["edges"]) == 3
    whole = ok(graphql(client, '{ upstream(uid: "model:credit_limit_model@2", first: 6) { truncated } }'))
    assert whole["upstream"]["truncated"] is False
    refused = '{ upstream(uid: "model:credit_limit_model@2", first: 0) { truncated } }'
    problem = error(graphql(client, refused))
    assert problem["extensions"]["code"] == "BAD_USER_INPUT" and "first 0 out of range" in problem["message"]


def test_as_of_before_the_graph_existed_finds_nothing(client: TestClient) -> None:
    query = '{ upstream(uid: "model:credit_limit_model@1", asOf: "2000-01-01") { nodes { uid } } }'
    problem = error(graphql(client, query))
    assert problem["extensions"]["code"] == "NOT_FOUND"
    assert "after 2000-01-01T00:00:00.000000Z" in problem["message"]
    later = (
        '{ upstream(uid: "model:credit_limit_model@1", asOf: "2999-01-01T00:00:00+02:00") { nodes { uid } } }'
    )
    assert len(ok(graphql(client, later))["upstream"]["nodes"]) == 7


def test_an_unreadable_as_of_is_refused(client: TestClient) -> None:
    problem = error(
        graphql(client, '{ upstream(uid: "model:credit_limit_model@1", asOf: "yesterday") { truncated } }')
    )
    assert "invalid time 'yesterday'" in problem["message"]


def test_path_and_its_absence(client: TestClient) -> None:
    query = """{
      connected: path(fromUid: "model:credit_limit_model@2", toUid: "dataset:customer_data@2026-04") { uid }
      apart: path(fromUid: "dataset:historic_data@2025", toUid: "dataset:cost_risk_function@v1") { uid }
    }"""
    data = ok(graphql(client, query))
    assert [n["uid"] for n in data["connected"]] == [
        "model:credit_limit_model@2",
        "model:scoring_model@2",
        "feature:purchase_analysis@2",
        "dataset:customer_data@2026-04",
    ]
    assert data["apart"] is None


def test_impact_groups_by_kind_with_depths_and_latest_versions(client: TestClient) -> None:
    query = """{ impact(uid: "dataset:market_conditions@2026-Q1") {
        root { uid } total truncated
        byKind { kind count nodes { depth node { uid } } }
        models { depth node { uid } }
        deployed { node { uid } }
        names { kind name affectedVersions latest { uid } latestIsAffected }
    } }"""
    report = ok(graphql(client, query))["impact"]
    assert report["root"] == {"uid": "dataset:market_conditions@2026-Q1"}
    assert (report["total"], report["truncated"]) == (2, False)
    assert report["byKind"] == [
        {"kind": "DATASET", "count": 0, "nodes": []},
        {"kind": "FEATURE", "count": 0, "nodes": []},
        {"kind": "MODEL", "count": 1, "nodes": [{"depth": 1, "node": {"uid": "model:credit_limit_model@1"}}]},
        {
            "kind": "PREDICTION",
            "count": 1,
            "nodes": [{"depth": 2, "node": {"uid": "prediction:credit_offer@c-1001-g1"}}],
        },
    ]
    assert report["models"] == [{"depth": 1, "node": {"uid": "model:credit_limit_model@1"}}]
    assert report["deployed"] == []  # version 2, the deployed one, was trained on 2026-Q2
    assert report["names"] == [
        {
            "kind": "MODEL",
            "name": "credit_limit_model",
            "affectedVersions": ["1"],
            "latest": {"uid": "model:credit_limit_model@2"},
            "latestIsAffected": False,
        },
    ]  # predictions are events, not versions with a latest one: they are counted, not named


# --- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        '{ upstream(uid: "model:nope@1") { truncated } }',
        '{ downstream(uid: "model:nope@1") { truncated } }',
        '{ impact(uid: "model:nope@1") { total } }',
        '{ path(fromUid: "model:nope@1", toUid: "model:credit_limit_model@2") { uid } }',
    ],
)
def test_traversing_from_an_unknown_uid_is_not_found(client: TestClient, query: str) -> None:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    problem = error(response.json())
    assert problem["extensions"]["code"] == "NOT_FOUND"
    assert problem["message"] == "no node model:nope@1"


def test_audit_takes_a_prediction_and_names_what_else_it_got(client: TestClient) -> None:
    query = '{ audit(predictionUid: "%s") { madeBy { uid } reproducible } }'
    answer = ok(client.post("/graphql", json={"query": query % "prediction:credit_offer@c-1003-g2"}).json())
    assert answer["audit"] == {"madeBy": {"uid": "model:credit_limit_model@2"}, "reproducible": True}
    wrong_kind = error(client.post("/graphql", json={"query": query % "model:scoring_model@2"}).json())
    assert (
        wrong_kind["message"]
        == "model:scoring_model@2 is a model, not a prediction: audit takes a prediction uid"
    )
    missing = error(client.post("/graphql", json={"query": query % "prediction:nope@1"}).json())
    assert missing["extensions"]["code"] == "NOT_FOUND"


def test_depth_beyond_the_store_cap_is_refused(client: TestClient) -> None:
    problem = error(graphql(client, f'{{ upstream(uid: "{LIMIT_MODEL}", depth: 51) {{ truncated }} }}'))
    assert problem["extensions"]["code"] == "BAD_USER_INPUT"
    assert problem["message"] == "depth 51 out of range: a whole number from 1 to 50"
    zero = error(graphql(client, f'{{ impact(uid: "{LIMIT_MODEL}", depth: 0) {{ total }} }}'))
    assert "depth 0 out of range" in zero["message"]


def test_the_server_depth_cap_is_configurable(demo_store: LineageStore) -> None:
    with local_client(create_app(Settings(max_depth=2), store=demo_store)) as client:
        allowed = ok(graphql(client, f'{{ upstream(uid: "{LIMIT_MODEL}", depth: 2) {{ truncated }} }}'))
        refused = error(
            graphql(client, f'{{ node(uid: "{LIMIT_MODEL}") {{ upstream(depth: 3) {{ truncated }} }} }}')
        )
    assert allowed["upstream"]["truncated"] is True
    assert refused["message"] == "depth 3 out of range: a whole number from 1 to 2"


def test_a_deeply_nested_query_is_refused_before_it_runs(client: TestClient) -> None:
    nested = "uid"
    for _ in range(8):
        nested = f"upstream {{ nodes {{ {nested} }} }}"
    problem = error(graphql(client, f'{{ node(uid: "{LIMIT_MODEL}") {{ {nested} }} }}'))
    assert problem["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "exceeds maximum operation depth of 12" in problem["message"]


def test_parsed_and_validated_queries_are_reused_but_never_past_a_servers_own_limits(
    demo_store: LineageStore,
) -> None:
    """Documents and their verdicts are cached across requests; each server keeps its own limits."""
    nested = "upstream { nodes { upstream { nodes { uid } } } }"
    query = f'{{ node(uid: "{LIMIT_MODEL}") {{ {nested} }} }}'
    with (
        local_client(create_app(store=demo_store)) as roomy,
        local_client(create_app(Settings(max_query_depth=3), store=demo_store)) as strict,
    ):
        for _ in range(2):
            assert "errors" not in graphql(roomy, query)
            assert "exceeds maximum operation depth of 3" in error(graphql(strict, query))["message"]


def test_an_oversized_query_is_refused(client: TestClient) -> None:
    fields = " ".join(["uid"] * 2100)
    problem = error(graphql(client, f'{{ node(uid: "{LIMIT_MODEL}") {{ {fields} }} }}'))
    assert (
        "exceeds the maximum number of tokens" in problem["message"].lower() or "2000" in problem["message"]
    )


def test_many_aliased_traversals_are_refused(client: TestClient) -> None:
    aliases = " ".join(f'a{i}: upstream(uid: "{LIMIT_MODEL}") {{ truncated }}' for i in range(16))
    problem = error(graphql(client, f"{{ {aliases} }}"))
    assert "aliases" in problem["message"].lower()


def test_too_many_traversals_in_one_request_are_refused(demo_store: LineageStore) -> None:
    query = """{ nodes(first: 30) { edges { node { upstream(depth: 1) { truncated } } } } }"""
    counting = CountingStore(demo_store)
    with local_client(create_app(Settings(max_traversals=5), store=counting)) as client:
        answer = graphql(client, query)
    counting.wait_idle()
    # at most the budget ran (the refusal may cancel some of those before their turn in the thread pool)
    assert 1 <= counting.traversals <= 5
    messages = {e["message"] for e in answer["errors"]}
    assert messages == {
        "this request asks for more than 5 traversals (upstream, downstream, impact, audit or path); "
        "ask for fewer in one request"
    }


def test_graphiql_is_served_to_a_browser(client: TestClient) -> None:
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "GraphiQL" in response.text


def test_queries_run_over_get_but_mutations_do_not(client: TestClient, demo_store: LineageStore) -> None:
    answer = client.get("/graphql", params={"query": f'{{ node(uid: "{LIMIT_MODEL}") {{ kind }} }}'})
    assert answer.json() == {"data": {"node": {"kind": "MODEL"}}}
    before = demo_store.stats()
    mutation = """mutation {
        recordRun(input: {run: {uid: "r", name: "n"}, outputs: [{uid: "dataset:x@1"}]}) { run { uid } }
    }"""
    refused = client.get("/graphql", params={"query": mutation})
    assert refused.status_code == 400
    assert refused.json() == {"error": "mutations are not allowed when using GET"}
    assert demo_store.stats() == before
