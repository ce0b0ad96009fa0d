"""``lineage graph UID -o file.html``: the graph page as a file to attach to a ticket."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lineage.cli import main
from tests.test_cli import demo_url, lineage
from tests.test_viz_page import embedded_data

UID = "model:credit_limit_model@2"
__all__ = ["demo_url"]  # a fixture: imported so that pytest finds it here


def drawn(page: str) -> dict[str, dict]:
    return {n["id"]: n for n in embedded_data(page)["nodes"]}


def test_graph_writes_a_standalone_page(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "limit.html"
    result = lineage(demo_url, "graph", UID, "-o", str(out), "--direction", "upstream", "--kind", "dataset")
    assert result.exit_code == 0, result.output
    assert f"wrote the lineage graph of {UID} to {out}" in result.output
    page = out.read_text(encoding="utf-8")
    nodes = drawn(page)
    assert set(nodes) == {
        UID,
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
        "dataset:cost_risk_function@v1",
        "dataset:market_conditions@2026-Q2",
    }
    # a file has no server to link to: no links and no controls, the query stated instead
    assert 'href="/' not in page and all(n["href"] is None for n in nodes.values())
    assert "upstream · depth 10 ·\n  dataset" in page


def test_graph_impact_view_with_links_to_a_server(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "impact.html"
    args = ["graph", "dataset:historic_data@2025", "-o", str(out), "--view", "impact"]
    result = lineage(demo_url, *args, "--server", "http://lineage.internal:8000/")
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'id="impact-summary"' in page
    assert len(drawn(page)) == 15
    assert drawn(page)[UID]["href"] == f"http://lineage.internal:8000/graph/{UID}"
    assert 'href="http://lineage.internal:8000/graphql?query=' in page


def test_graph_errors_are_one_line_and_write_nothing(demo_url: str, tmp_path: Path) -> None:
    out = tmp_path / "none.html"
    result = CliRunner().invoke(main, ["--store", demo_url, "graph", "model:missing@1", "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no node model:missing@1"
    assert not out.exists()
    result = CliRunner().invoke(
        main, ["--store", demo_url, "graph", UID, "-o", str(out), "--server", "file:///etc"]
    )
    assert result.exit_code == 1 and "expected http://host[:port][/prefix]" in result.output
