"""The graph page without a browser: what it draws, what it cuts, what it escapes, on every backend."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest

from lineage.errors import InvalidInput
from lineage.model import NodeKind
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from lineage.viz.page import notices, render_graph_page
from lineage.viz.query import GraphQuery
from lineage.viz.templating import script_json
from lineage.viz.view import build_view, columns, max_nodes_from_environment, spread
from tests.viz_graphs import HOSTILE_NAME, HOSTILE_SCRIPT, HOSTILE_UID, fan_out_batch, hostile_batch

SERVED = Links(base="")
LIMIT_MODEL = "model:credit_limit_model@2"


def embedded_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


def inline_scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, re.S)


# --- escaping -----------------------------------------------------------------------------------------


def test_script_json_cannot_end_its_script_block() -> None:
    value = {"a": HOSTILE_SCRIPT, "b": "<!-- x --> & \u2028\u2029"}
    text = str(script_json(value))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


def test_hostile_text_reaches_the_page_only_escaped(store: LineageStore) -> None:
    store.write(hostile_batch())
    page = render_graph_page(store, GraphQuery(uid=HOSTILE_UID), links=SERVED)
    assert "<img" not in page and "<svg onload" not in page and "<b onmouseover" not in page
    assert "<style>body{display:none}" not in page
    assert page.count("</script>") == len(inline_scripts(page)) + 1  # ours, and the data block's
    assert html.escape(HOSTILE_NAME, quote=False) in page
    data = embedded_data(page)
    root = next(n for n in data["nodes"] if n["id"] == HOSTILE_UID)
    assert root["label"] == f"{HOSTILE_NAME}\n1"
    fields = dict(root["details"])
    assert fields["metadata"] == json.dumps(
        {"<key>": "<img src=y onerror=window.__pwned=1>", "note": HOSTILE_SCRIPT}, indent=2, sort_keys=True
    )
    assert fields["source"] == "javascript:window.__pwned=1"
    # Links are built from the quoted uid: no quote or angle bracket can leave the attribute.
    assert root["href"] == "/graph/dataset:%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E@1"


def test_the_page_fetches_nothing_and_allows_only_its_own_scripts(demo_store: LineageStore) -> None:
    page = render_graph_page(demo_store, GraphQuery(uid=LIMIT_MODEL), links=SERVED)
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", page)
    assert '<link rel="stylesheet"' not in page and "@import" not in page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    directives = html.unescape(policy.group(1))
    allowed = set(re.findall(r"'sha256-([^']+)'", directives.split("style-src")[0]))
    digests = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline_scripts(page)}
    assert digests == allowed and len(digests) == 2  # vis-network and the page's script
    assert "default-src 'none'" in directives


# --- what is drawn ------------------------------------------------------------------------------------


def test_data_is_drawn_left_of_models_and_predictions(demo_store: LineageStore) -> None:
    view = build_view(demo_store, GraphQuery(uid=LIMIT_MODEL))
    assert view.levels["dataset:customer_data@2026-04"] == 0
    assert view.levels["feature:purchase_analysis@2"] == 1
    assert view.levels["model:scoring_model@2"] == 2
    assert view.levels[LIMIT_MODEL] == 3
    assert view.levels["prediction:credit_offer@c-1001-g2"] == 4
    assert view.sides["dataset:customer_data@2026-04"] == "upstream"
    assert view.sides["prediction:credit_offer@c-1001-g2"] == "downstream"
    # every arrow points rightwards
    assert all(view.levels[e.target] < view.levels[e.source] for e in view.edges)


def test_the_page_marks_the_root_labels_edges_by_run_and_links_each_node(demo_store: LineageStore) -> None:
    data = embedded_data(render_graph_page(demo_store, GraphQuery(uid=LIMIT_MODEL), links=SERVED))
    nodes = {n["id"]: n for n in data["nodes"]}
    assert [uid for uid, n in nodes.items() if n.get("root")] == [LIMIT_MODEL]
    assert nodes[LIMIT_MODEL]["borderWidth"] > nodes["model:scoring_model@2"]["borderWidth"]
    assert nodes[LIMIT_MODEL]["label"].startswith("DEPLOYED\n")  # metadata stage: production
    assert {n["shape"] for n in nodes.values()} == {"database", "box", "ellipse", "diamond"}
    edge = next(e for e in data["edges"] if e["to"] == "feature:purchase_analysis@2")
    assert edge["from"].startswith("dataset:")  # data flows from the source to what derives from it
    assert edge["title"].startswith("run run-features-2: extract_purchase_features (git:c7d8e9f, COMPLETE")
    assert nodes["model:scoring_model@2"]["href"] == "/graph/model:scoring_model@2"
    assert nodes["model:scoring_model@2"]["impactHref"] == "/graph/model:scoring_model@2?view=impact"
    fields = dict(nodes["model:scoring_model@2"]["details"])
    assert fields["metadata"] == '{\n  "auc": 0.84\n}'
    assert fields["produced by"].startswith("run run-train-scoring-2: train_scoring_model")
    assert fields["depth"] == "1 upstream"


def test_the_page_draws_the_stores_own_filtered_traversal(demo_store: LineageStore) -> None:
    uid, kinds = "prediction:credit_offer@c-1002-g2", (NodeKind.DATASET, NodeKind.MODEL)
    view = build_view(demo_store, GraphQuery(uid=uid, direction="upstream", kinds=kinds))
    graph = demo_store.upstream(uid, kinds=kinds)
    assert view.nodes == graph.nodes
    assert set(view.edges) == set(graph.edges)
    assert view.indirect == graph.indirect
    # the offer's score (a prediction) and the analysis (a feature) are hidden and bridged
    assert (uid, "model:scoring_model@2", ("prediction:customer_score@c-1002-g2",)) in {
        (e.source, e.target, e.via) for e in graph.indirect
    }


def test_kinds_filter_links_what_remains_through_what_it_hides(demo_store: LineageStore) -> None:
    uid = "prediction:credit_offer@c-1002-g2"
    view = build_view(demo_store, GraphQuery(uid=uid, direction="upstream", kinds=(NodeKind.DATASET,)))
    assert {n.kind for n in view.nodes} == {NodeKind.DATASET, NodeKind.PREDICTION}
    assert view.edges == ()
    # the four datasets reach the offer through the feature, the models and the score
    assert {(link.source, link.target) for link in view.indirect} == {
        (uid, f"dataset:{name}")
        for name in (
            "customer_data@2026-04",
            "historic_data@2025",
            "cost_risk_function@v1",
            "market_conditions@2026-Q2",
        )
    }
    page = render_graph_page(demo_store, view.query, links=SERVED)
    assert sum(1 for e in embedded_data(page)["edges"] if e.get("dashes")) == 4


def test_impact_view_counts_every_kind_and_calls_out_deployed_and_latest(demo_store: LineageStore) -> None:
    query = GraphQuery(uid="dataset:customer_data@2026-01", view="impact")
    page = render_graph_page(demo_store, query, links=SERVED)
    summary = page[page.index('id="impact-summary"') : page.index('class="panel legend"')]
    counts = dict(re.findall(r'data-kind="(\w+)">(\d+)<', summary))
    assert counts == {"dataset": "0", "feature": "1", "model": "2", "prediction": "2"}
    assert "None: no affected model version is marked deployed" in summary
    # the first generation is affected; the newest scoring model is not, and the page says so
    assert re.search(r"model:scoring_model</td>\s*<td>1</td>\s*<td>2 <em>\(not affected\)</em>", summary)
    nodes = {n["id"]: n for n in embedded_data(page)["nodes"]}
    assert all(n["color"]["border"] == "#d1352b" for uid, n in nodes.items() if uid != query.uid)

    deployed = render_graph_page(demo_store, query.changed(uid="dataset:historic_data@2025"), links=SERVED)
    assert re.search(r'class="deployed">\s*<li><a href="/graph/model:credit_limit_model@2">', deployed)
    labels = {n["id"]: n["label"] for n in embedded_data(deployed)["nodes"]}
    assert labels["model:credit_limit_model@2"] == "DEPLOYED\ncredit_limit_model\n2\n(latest)"
    assert labels["model:scoring_model@1"] == "scoring_model\n1"


@pytest.mark.parametrize(("kinds", "max_nodes"), [((NodeKind.DATASET,), None), ((), 3)])
def test_impact_view_names_a_deployed_model_the_page_does_not_draw(
    demo_store: LineageStore, kinds: tuple[NodeKind, ...], max_nodes: int | None
) -> None:
    query = GraphQuery(uid="feature:purchase_analysis@2", view="impact", kinds=kinds)
    page = render_graph_page(demo_store, query, links=SERVED, max_nodes=max_nodes)
    drawn = {n["id"] for n in embedded_data(page)["nodes"]}
    assert "model:credit_limit_model@2" not in drawn
    assert re.search(r'class="deployed">\s*<li><a href="/graph/model:credit_limit_model@2">', page)


def test_standalone_page_has_no_links_and_states_its_query(demo_store: LineageStore) -> None:
    query = GraphQuery(uid=LIMIT_MODEL, direction="upstream", depth=2, kinds=(NodeKind.MODEL,))
    page = render_graph_page(demo_store, query, links=Links(base=None))
    assert 'href="/' not in page and '<form class="controls"' not in page
    assert "upstream · depth 2 ·\n  model" in page
    assert all(n["href"] is None for n in embedded_data(page)["nodes"])


# --- large graphs -------------------------------------------------------------------------------------


def test_beyond_the_cap_the_nearest_nodes_are_kept_and_the_page_says_what_was_cut(
    store: LineageStore,
) -> None:
    root, batch = fan_out_batch(300)
    store.write(batch)
    view = build_view(store, GraphQuery(uid=root), max_nodes=100)
    assert len(view.nodes) == 100 and view.matched == 300
    assert view.nodes[0].uid == root
    assert view.cut == {NodeKind.PREDICTION: 200}
    assert view.complete_depth == 1  # the dataset and its 10 features; depth 2 only in part
    assert all(e.source in view.levels and e.target in view.levels for e in view.edges)
    [notice] = notices(view, SERVED)
    assert "matches 300" in notice.text and "leaves out 200 predictions" in notice.text
    assert dict(notice.suggestions) == {
        "depth 1": f"/graph/{root}?depth=1",
        "without predictions": f"/graph/{root}?kinds=dataset%2Cfeature%2Cmodel",
    }


def test_far_beyond_the_cap_the_store_stops_early_and_the_page_says_more(store: LineageStore) -> None:
    """A page asks the store for ten times its cap, no more: a huge downstream costs what is drawn."""
    root, batch = fan_out_batch(300)
    store.write(batch)
    view = build_view(store, GraphQuery(uid=root), max_nodes=20)
    assert len(view.nodes) == 20 and view.matched == 201 and view.matched_more
    assert not view.truncated  # the depth bound cut nothing; the node limit did
    [notice] = notices(view, SERVED)
    # which of the boundary level's nodes the store returns is its own choice; that there are more is not
    assert "matches more than 201" in notice.text
    assert re.search(r"leaves out [\d,]+ [a-z ,\d]+ and more\.", notice.text)


def test_the_depth_bound_is_reported_with_a_wider_query(demo_store: LineageStore) -> None:
    view = build_view(
        demo_store, GraphQuery(uid="dataset:historic_data@2025", direction="downstream", depth=1)
    )
    assert view.truncated
    [notice] = notices(view, SERVED)
    assert "depth bound (1) stopped the traversal" in notice.text
    assert notice.suggestions == (
        ("depth 2", "/graph/dataset:historic_data@2025?direction=downstream&depth=2"),
    )


def test_crowded_columns_are_split_side_by_side() -> None:
    levels = {"root": 0, **{f"p{i:04d}": 1 for i in range(2000)}}
    spread_levels = spread(levels)
    assert spread_levels["root"] == 0
    per_column: dict[int, int] = {}
    for uid, level in spread_levels.items():
        if uid != "root":
            per_column[level] = per_column.get(level, 0) + 1
    assert min(per_column) == 1 and max(per_column.values()) == 82  # ceil(sqrt(3.3 * 2000))
    assert len(per_column) == 25
    assert spread({"a": 0, "b": 1}) == {"a": 0, "b": 1}


def test_columns_survive_a_cycle() -> None:
    levels = columns(["a", "b", "c", "d"], [("b", "a"), ("c", "b"), ("b", "c"), ("d", "a")])
    assert levels["a"] == 0 and levels["d"] == 1
    assert levels["b"] == levels["c"] == 2  # on the cycle: right of everything placed


def test_the_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINEAGE_GRAPH_MAX_NODES", raising=False)
    assert max_nodes_from_environment() == 2000
    monkeypatch.setenv("LINEAGE_GRAPH_MAX_NODES", "500")
    assert max_nodes_from_environment() == 500
    monkeypatch.setenv("LINEAGE_GRAPH_MAX_NODES", "lots")
    with pytest.raises(InvalidInput, match="LINEAGE_GRAPH_MAX_NODES='lots'"):
        max_nodes_from_environment()


# --- the query ----------------------------------------------------------------------------------------


def test_query_string_round_trip_and_graphql_text() -> None:
    query = GraphQuery.from_params(
        LIMIT_MODEL, {"direction": ["Upstream"], "depth": ["3"], "kinds": ["model,DATASET", "feature"]}
    )
    assert query.kinds == (NodeKind.DATASET, NodeKind.FEATURE, NodeKind.MODEL)
    assert query.query_string() == "direction=upstream&depth=3&kinds=dataset%2Cfeature%2Cmodel"
    assert query.graphql() == (
        "{\n"
        '  upstream(uid: "model:credit_limit_model@2", depth: 3, kinds: [DATASET, FEATURE, MODEL]) '
        "{ root { uid } truncated nodes { uid kind name version checksum recordedAt createdAt owner source "
        "description metadata } edges { source target run indirect via } }\n"
        "}\n"
    )
    both = GraphQuery(uid=LIMIT_MODEL, kinds=tuple(NodeKind))
    assert both.kinds == () and both.query_string() == ""
    assert [line.split("(")[0].strip() for line in both.graphql().splitlines()[1:-1]] == [
        "upstream",
        "downstream",
    ]
    impact_query = GraphQuery(uid=LIMIT_MODEL, view="impact", direction="upstream")
    assert impact_query.direction == "downstream" and impact_query.query_string() == "view=impact"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"depth": ["0"]}, "depth 0 out of range: a whole number from 1 to 50"),
        ({"depth": ["51"]}, "depth 51 out of range"),
        ({"depth": ["two"]}, "depth 'two' out of range: a whole number from 1 to 50"),
        ({"direction": ["sideways"]}, "direction 'sideways' is not one of both, upstream, downstream"),
        ({"view": ["3d"]}, "view '3d' is not one of lineage, impact"),
        ({"kinds": ["model,table"]}, "kinds: unknown kind 'table'"),
    ],
)
def test_bad_query_parameters_are_named(params: dict[str, list[str]], message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        GraphQuery.from_params(LIMIT_MODEL, params)


def test_links_encode_every_character_that_would_leave_the_uid() -> None:
    uid = "dataset:team/../secret?x=1#frag&y@v 1"
    assert SERVED.graph(uid) == "/graph/dataset:team%2F..%2Fsecret%3Fx%3D1%23frag%26y@v%201"
    assert Links(base="/lineage").graph(uid, "depth=2").startswith("/lineage/graph/dataset:team%2F")
    assert Links.to_server("https://lineage.example/").home() == "https://lineage.example/"
    with pytest.raises(InvalidInput, match="expected http"):
        Links.to_server("javascript:alert(1)")
