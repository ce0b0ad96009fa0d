"""The ``lineage`` command, driven as a user would, against every backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lineage.cli import main


def lineage(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--store", store_url, *args], catch_exceptions=False)


@pytest.fixture
def demo_url(store_url: str) -> str:
    assert lineage(store_url, "demo").exit_code == 0
    return store_url


def test_demo_loads_the_credit_scoring_graph_and_stats_count_it(demo_url: str) -> None:
    counts = json.loads(lineage(demo_url, "stats", "--json").output)
    assert counts == {"dataset": 6, "feature": 2, "model": 4, "prediction": 8, "runs": 8, "edges": 28}
    table = lineage(demo_url, "stats").output
    assert "prediction" in table and "28" in table


def test_upstream_answers_what_fed_the_model(demo_url: str) -> None:
    result = lineage(demo_url, "upstream", "model:credit_limit_model@2", "--json")
    graph = json.loads(result.output)
    assert {n["uid"]: n["depth"] for n in graph["nodes"]} == {
        "model:credit_limit_model@2": 0,
        "model:scoring_model@2": 1,
        "dataset:cost_risk_function@v1": 1,
        "dataset:market_conditions@2026-Q2": 1,
        "feature:purchase_analysis@2": 2,
        "dataset:customer_data@2026-04": 3,
        "dataset:historic_data@2025": 3,
    }
    assert {
        "source": "model:credit_limit_model@2",
        "target": "model:scoring_model@2",
        "run": "run-train-limit-2",
    } in [{k: e[k] for k in ("source", "target", "run")} for e in graph["edges"]]


def test_downstream_table_with_kind_filter_and_depth(demo_url: str) -> None:
    output = lineage(
        demo_url, "downstream", "dataset:customer_data@2026-04", "--kind", "model", "--depth", "2"
    ).output
    assert "scoring_model" in output
    assert "credit_limit_model" not in output  # three hops away
    assert "cut off by the depth bound or --limit" in output


def test_a_kind_filter_keeps_the_links_through_what_it_hides(demo_url: str) -> None:
    args = ("upstream", "model:credit_limit_model@2", "--kind", "dataset", "--kind", "model")
    graph = json.loads(lineage(demo_url, *args, "--json").output)
    assert {n["kind"] for n in graph["nodes"]} == {"dataset", "model"}
    indirect = [(e["source"], e["target"], e["via"], e["run"]) for e in graph["edges"] if e["indirect"]]
    assert indirect == [
        ("model:scoring_model@2", target, ["feature:purchase_analysis@2"], None)
        for target in ("dataset:customer_data@2026-04", "dataset:historic_data@2025")
    ]
    direct = [e for e in graph["edges"] if not e["indirect"]]
    assert len(direct) == 3 and all(e["via"] == [] and e["run"] for e in direct)
    assert "5 nodes, 5 edges (2 through nodes of the kinds left out)" in lineage(demo_url, *args).output


def test_a_depth_out_of_range_is_refused_in_the_words_of_every_surface(demo_url: str) -> None:
    for depth, shown in (("51", "51"), ("0", "0"), ("two", "'two'")):
        refused = lineage(demo_url, "upstream", "model:credit_limit_model@2", "--depth", depth)
        assert refused.exit_code == 2
        assert f"depth {shown} out of range: a whole number from 1 to 50" in refused.output


def test_limit_keeps_the_nearest_nodes_and_says_it_cut(demo_url: str) -> None:
    result = lineage(demo_url, "upstream", "model:credit_limit_model@2", "--limit", "3", "--json")
    graph = json.loads(result.output)
    assert sorted(n["depth"] for n in graph["nodes"]) == [0, 1, 1, 1]  # the root and its three inputs
    assert graph["truncated"] is True
    refused = lineage(demo_url, "upstream", "model:credit_limit_model@2", "--limit", "0")
    assert refused.exit_code == 2 and "--limit" in refused.output


def test_path_prints_the_chain(demo_url: str) -> None:
    output = lineage(demo_url, "path", "dataset:historic_data@2025", "model:scoring_model@1").output
    assert output.split() == [
        "dataset:historic_data@2025",
        "->",
        "feature:purchase_analysis@1",
        "->",
        "model:scoring_model@1",
    ]
    unconnected = lineage(demo_url, "path", "model:scoring_model@1", "model:scoring_model@2").output
    assert "not connected" in unconnected


def test_audit_names_the_model_the_chain_and_what_was_superseded(demo_url: str) -> None:
    output = lineage(demo_url, "audit", "prediction:credit_offer@c-1001-g1").output
    assert output.splitlines()[0] == "prediction:credit_offer@c-1001-g1: made by model:credit_limit_model@1"
    assert "chained from prediction:customer_score@c-1001-g1" in output
    assert "superseded: dataset:customer_data@2026-01 -> dataset:customer_data@2026-04" in output
    report = json.loads(lineage(demo_url, "audit", "prediction:credit_offer@c-1001-g2", "--json").output)
    assert report["made_by"] == "model:credit_limit_model@2" and report["reproducible"] is True
    refused = lineage(demo_url, "audit", "dataset:historic_data@2025")
    assert refused.exit_code == 1 and "not a prediction" in refused.output


def test_export_and_import_with_a_summary(demo_url: str, tmp_path: Path) -> None:
    target = tmp_path / "graph.jsonl"
    assert "exported 91 records" in lineage(demo_url, "export", str(target)).output
    copy = f"ladybug://{tmp_path / 'copy'}"
    output = lineage(copy, "import", str(target)).output
    assert "20 new nodes, 28 new edges, 8 runs" in output


def test_cypher_reads_with_params_and_refuses_writes(demo_url: str) -> None:
    result = lineage(
        demo_url, "cypher", "MATCH (n:Node {kind: $k}) RETURN count(n) AS c", "--param", 'k="model"', "--json"
    )
    assert json.loads(result.output)["rows"] == [{"c": 4}]
    refused = lineage(demo_url, "cypher", "CREATE (:Node {uid: 'dataset:x@1'})")
    assert refused.exit_code == 1
    assert "read-only" in refused.output
    assert json.loads(lineage(demo_url, "stats", "--json").output)["dataset"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["upstream", "no-kind"], "malformed uid 'no-kind'"),
        (["upstream", "dataset:ghost@1"], "no node dataset:ghost@1"),
        (["downstream", "dataset:customer_data@2026-04", "--as-of", "soon"], "invalid time 'soon'"),
    ],
)
def test_errors_are_one_clear_line(demo_url: str, args: list[str], message: str) -> None:
    result = lineage(demo_url, *args)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {message}" or message in result.output.strip().splitlines()[-1]
    assert "Traceback" not in result.output


def test_a_bad_store_url_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    cases = [
        ("mysql://x", "unknown store URL"),
        ("bolt://127.0.0.1:9", "cannot reach Neo4j"),
        ("bolt://127.0.0.1:port", "malformed store URL"),
        ("ladybug:///proc/no-such-dir/graph", "cannot open the embedded store"),
    ]
    for url, message in cases:
        result = lineage(url, "stats")
        assert result.exit_code == 1
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_a_password_in_the_store_url_never_reaches_a_message() -> None:
    for url in ("bolt://neo4j:s3cret-pass@db:99999", "bolt2://neo4j:s3cret-pass@db:7687"):
        result = lineage(url, "stats")
        assert result.exit_code == 1
        assert "s3cret-pass" not in result.output and "neo4j:***@db" in result.output
