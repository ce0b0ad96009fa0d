"""The diff page (``/diff?a=..&b=..``): the union of two versions' histories drawn as one graph, each
node marked by where it stands (only in a, only in b, a's or b's version of a changed name, in both),
beside the list of what changed in the runs that made them. It draws through the graph page's own
machinery (``GraphView``, ``build_network``, graph.js)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lineage.diff import LineageDiff, diff
from lineage.model import Edge, Node
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from lineage.viz.network import FONT, build_network
from lineage.viz.query import GraphQuery
from lineage.viz.style import KIND_STYLES
from lineage.viz.templating import render, script_json
from lineage.viz.view import GraphView, columns, spread


@dataclass(frozen=True)
class Mark:
    """How the page marks a node that stands in one place of the diff."""

    label: str
    text: str
    colour: str
    dashes: bool = False


MARKS = {
    "only-a": Mark("only in a", "only a's history holds this name", "#d1352b", dashes=True),
    "only-b": Mark("only in b", "only b's history holds this name", "#1a7f37"),
    "changed-a": Mark("a's version", "a's version of a name b holds at another", "#8a63d2", dashes=True),
    "changed-b": Mark("b's version", "b's version of a name a holds at another", "#8a63d2"),
    "same": Mark("in both", "the same version in both histories", "#7c838c"),
}


def places(found: LineageDiff) -> dict[str, str]:
    """Each node of either history, by uid: its key in ``MARKS``."""
    placed = {n.uid: "only-a" for n in found.only_a} | {n.uid: "only-b" for n in found.only_b}
    for changed in found.changed:
        b_uids = {n.uid for n in changed.b}
        a_uids = {n.uid for n in changed.a}
        placed.update((n.uid, "same" if n.uid in b_uids else "changed-a") for n in changed.a)
        placed.update((n.uid, "same" if n.uid in a_uids else "changed-b") for n in changed.b)
    placed.update((n.uid, "same") for n in found.unchanged)
    return placed


def render_diff_page(store: LineageStore, a: str, b: str, *, links: Links, as_of: str | None = None) -> str:
    found = diff(store, a, b, as_of=as_of)
    view = _union_view(store, found, as_of)
    placed = places(found)
    at = GraphQuery(uid=b, as_of=as_of)
    graph_links = {n.uid: links.graph(n.uid, at.changed(uid=n.uid).query_string()) for n in view.nodes}
    data = build_network(
        view,
        graph_link=graph_links.__getitem__,
        impact_link=lambda uid: links.graph(uid, at.changed(uid=uid, view="impact").query_string()),
    )
    for node in data["nodes"]:
        _mark(node, MARKS[placed[node["id"]]], a_root=node["id"] == a)
    counts = Counter(placed[n.uid] for n in view.nodes)
    return render(
        "diff.html",
        scripts=("vis-network", "graph.js"),
        home=links.home(),
        root=view.root,
        a=found.a.root,
        b=found.b.root,
        as_of=as_of,
        found=found,
        nodes=view.nodes,
        edge_count=len(data["edges"]),
        marks=[(MARKS[key], counts[key]) for key in MARKS],
        graph_links=graph_links,
        graphql_href=links.graphql(_graphql(a, b, as_of)),
        styles=KIND_STYLES,
        data=script_json({"root": b, "font": FONT, **data}),
    )


def _union_view(store: LineageStore, found: LineageDiff, as_of: str | None) -> GraphView:
    """Both histories as one ``GraphView``, b's root as the root, every node upstream of it or of a."""
    nodes: dict[str, Node] = {n.uid: n for graph in (found.b, found.a) for n in graph.nodes}
    edges: dict[tuple[str, str], Edge] = {e.key: e for graph in (found.a, found.b) for e in graph.edges}
    depths = {**found.a.depths}
    for uid, depth in found.b.depths.items():
        depths[uid] = min(depth, depths.get(uid, depth))
    ordered = tuple(sorted(nodes.values(), key=lambda n: (depths[n.uid], n.uid)))
    produced_by = store.produced_by(nodes)
    return GraphView(
        query=GraphQuery(uid=found.b.root.uid, direction="upstream", as_of=as_of),
        root=found.b.root,
        nodes=ordered,
        edges=tuple(edges.values()),
        indirect=(),
        depths=depths,
        sides={uid: "root" if depth == 0 else "upstream" for uid, depth in depths.items()},
        levels=spread(columns(nodes, edges.keys())),
        matched=len(nodes),
        cut={},
        complete_depth=None,
        truncated=found.truncated,
        runs=store.get_runs({e.run for e in edges.values() if e.run} | set(produced_by.values())),
        produced_by=produced_by,
        impact=None,
        max_nodes=len(nodes),
    )


def _mark(node: dict[str, Any], mark: Mark, *, a_root: bool) -> None:
    """Border colour and dashes by place, the place first in the label and in the panel."""
    colour: Mapping[str, Any] = node["color"]
    node["color"] = {
        **colour,
        "border": mark.colour,
        "highlight": {**colour["highlight"], "border": mark.colour},
        "hover": {**colour["hover"], "border": mark.colour},
    }
    node["borderWidth"] = max(node["borderWidth"], 3)
    if mark.dashes:
        node["shapeProperties"] = {"borderDashes": [6, 4]}
    first = "a: " + mark.label if a_root else mark.label
    node["label"] = f"{first.upper()}\n{node['label']}"
    node["details"] = [["in the diff", mark.text], *node["details"]]


def _graphql(a: str, b: str, as_of: str | None) -> str:
    arguments = f"a: {json.dumps(a)}, b: {json.dumps(b)}" + (f", asOf: {json.dumps(as_of)}" if as_of else "")
    return (
        f"{{\n  diff({arguments}) {{\n    onlyInA {{ uid }} onlyInB {{ uid }} unchanged {{ uid }}\n"
        "    changed { kind name a { version } b { version } "
        "runs { codeVersionChanged a { codeVersion } b { codeVersion } parameters { key a b } } }\n  }\n}\n"
    )
