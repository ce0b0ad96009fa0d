"""A ``GraphView`` as a pyvis network: vis-network nodes, edges and options, ready to embed in a page.

Every text a user supplied goes into vis-network as a plain string (labels are drawn on a canvas; since
vis-network 9 a string ``title`` is shown as text, not HTML) or into ``details``, which the page's script
puts into the side panel with ``textContent``. Nothing here is ever parsed as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pyvis.network import Network

from lineage.columns import WHOLE_DATASET, ColumnEdge, Field, column_text, transformation_text
from lineage.impact import ImpactReport, is_deployed
from lineage.ingest.ol_columns import job_facts
from lineage.model import Edge, IndirectEdge, Node, NodeKind, Run
from lineage.viz.style import AFFECTED, EDGE, INDIRECT_EDGE, KIND_STYLES, ROOT_BORDER
from lineage.viz.view import GraphView, RunFamily

# Above this many nodes vis-network's crossing reduction (edgeMinimization) grows to tens of seconds
# (measured: 0.25 s at 200 nodes, 1.6 s at 500, 13 s at 2,000), so large graphs skip it and curves.
TIDY_MAX_NODES = 300
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

GraphLink = Callable[[str], str | None]
"""Maps a node uid to the URL of its own graph page, or None where there is no server to link to."""


def build_network(
    view: GraphView,
    graph_link: GraphLink,
    impact_link: GraphLink,
    diff_link: Callable[[str, str], str | None] = lambda a, b: None,
) -> dict[str, Any]:
    """The vis-network data for the page: ``{"nodes": [...], "edges": [...], "options": {...}}``.
    ``diff_link`` links a model version to the diff page against its latest version, where one is newer."""
    net = Network(directed=True)
    latest = _latest_versions(view.impact)
    for node in view.nodes:
        net.add_node(
            node.uid,
            **_node_options(view, node, latest),
            details=_details(view, node),
            stale=_stale_text(view, node),
            href=graph_link(node.uid),
            impactHref=impact_link(node.uid),
            **_diff_options(view, node, diff_link),
        )
    for edge in view.edges:
        _add_edge(net, edge.target, edge.source, _edge_options(view, edge))
    for link in view.indirect:
        _add_edge(net, link.target, link.source, _indirect_options(link))
    nodes, edges, *_ = net.get_network_data()
    return {"nodes": nodes, "edges": edges, "options": network_options(len(nodes))}


def _add_edge(net: Network, origin: str, derived: str, options: dict[str, Any]) -> None:
    # Arrows follow the data: from what a node was derived from to the node derived from it.
    # Network.add_edge searches the node list for both ends of every edge (0.3 s for 2,000 nodes);
    # both ends are known to be drawn here, so the edge goes straight into the list it would append to.
    net.edges.append({"from": origin, "to": derived, "arrows": "to", **options})


def network_options(count: int) -> dict[str, Any]:
    tidy = count <= TIDY_MAX_NODES
    return {
        "layout": {
            "hierarchical": {
                "enabled": True,
                "direction": "LR",
                "levelSeparation": 250,
                "nodeSpacing": 100 if tidy else 60,
                "treeSpacing": 120,
                "blockShifting": True,
                "edgeMinimization": tidy,
                "parentCentralization": True,
            }
        },
        # The layout places every node; physics would only shuffle a tidy drawing and, for thousands of
        # nodes, keep the browser busy.
        "physics": {"enabled": False},
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "multiselect": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "font": {"face": FONT, "size": 14, "color": "#1b1b1b"},
            "margin": 10,
            "borderWidth": 1.5,
            "widthConstraint": {"maximum": 220},
        },
        "edges": {
            "color": {"color": EDGE, "highlight": "#1b1b1b", "hover": "#1b1b1b"},
            "width": 1.2,
            "selectionWidth": 1.5,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": (
                {"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45}
                if tidy
                else {"enabled": False}
            ),
        },
    }


def _node_options(view: GraphView, node: Node, latest: set[str]) -> dict[str, Any]:
    style = KIND_STYLES[node.kind]
    is_root = node.uid == view.root.uid
    border = ROOT_BORDER if is_root else style.border
    width = 1.5
    label = [node.name, node.version]
    if view.impact is not None and not is_root:
        border, width = AFFECTED, 2.5
    if is_deployed(node):
        label.insert(0, "DEPLOYED")
        width = 4
    if node.uid in latest and node.kind is not NodeKind.PREDICTION:
        label.append("(latest)")
    options: dict[str, Any] = {
        "label": "\n".join(label),
        "shape": style.shape,
        "color": {
            "background": style.fill,
            "border": border,
            "highlight": {"background": "#ffffff", "border": border},
            "hover": {"background": "#ffffff", "border": border},
        },
        "borderWidth": width,
        "level": view.levels[node.uid],
        "title": _hover_text(node),
        "kind": node.kind.value,
    }
    if node.kind is NodeKind.PREDICTION:
        options["size"] = 14
    elif node.kind is NodeKind.DATASET:
        # vis-network draws a database as a square as wide as its label: a smaller font keeps it compact.
        options.update(font={"size": 13}, margin=6)
    if is_deployed(node):
        options["shadow"] = _shadow("rgba(209,53,43,0.55)")
    if is_root:
        size = options.get("font", {}).get("size", 14) + 2
        options.update(borderWidth=5, shadow=_shadow("rgba(0,0,0,0.35)"), font={"size": size}, root=True)
    return options


def _shadow(colour: str) -> dict[str, Any]:
    return {"enabled": True, "size": 12, "x": 0, "y": 2, "color": colour}


def _hover_text(node: Node) -> str:
    lines = [node.uid]
    if node.description:
        lines.append(node.description)
    lines.append("Click for details")
    return "\n".join(lines)


def _edge_options(view: GraphView, edge: Edge) -> dict[str, Any]:
    run = view.runs.get(edge.run) if edge.run else None
    title = _run_text(edge.run, run)
    if edge.run in view.families:
        title += f"\ninside {_family_text(view.families[edge.run])}"
    options: dict[str, Any] = {"title": title}
    if view.impact is not None:
        options["color"] = {"color": AFFECTED, "highlight": "#1b1b1b", "hover": "#1b1b1b"}
    return options


def _indirect_options(link: IndirectEdge) -> dict[str, Any]:
    return {
        "title": f"{link.source} derives from {link.target} through {', '.join(link.via)} "
        "(hidden by the kinds filter)",
        "dashes": [6, 6],
        "color": {"color": INDIRECT_EDGE},
    }


def _run_text(uid: str | None, run: Run | None) -> str:
    if uid is None:
        return "derived from (no run recorded)"
    if run is None:
        return f"run {uid}"
    facts = [v for v in (run.code_version, run.status and run.status.value, run.started_at) if v]
    return f"run {uid}: {run.name}" + (f" ({', '.join(facts)})" if facts else "")


def _details(view: GraphView, node: Node) -> list[list[str]]:
    """The node's fields as (label, text) pairs for the side panel, every field shown, empty or not."""
    run_uid = view.produced_by.get(node.uid)
    fields: list[tuple[str, Any]] = [
        ("uid", node.uid),
        ("kind", node.kind.value),
        ("name", node.name),
        ("version", node.version),
        ("checksum", node.checksum),
        ("recorded at", node.recorded_at),
        ("created at", node.created_at),
        ("owner", node.owner),
        ("source", node.source),
        ("description", node.description),
        ("metadata", _json(node.metadata) if node.metadata else None),
    ]
    if node.kind is NodeKind.PREDICTION:
        fields += [("input digest", node.input_digest), ("output", _json(node.output))]
    fields += [
        ("produced by", _run_text(run_uid, view.runs.get(run_uid)) if run_uid else None),
        ("depth", _depth_text(view, node)),
    ]
    run = view.runs.get(run_uid) if run_uid else None
    if run is not None and (job := job_facts(run.environment)):
        fields.append(("job", job))
    if run_uid and run_uid in view.families:
        fields.append(("ran inside", _family_text(view.families[run_uid])))
    fields += _column_details(view.columns.get(node.uid, ()))
    return [[label, "—" if value in (None, "") else str(value)] for label, value in fields]


def _diff_options(view: GraphView, node: Node, diff_link: Callable[[str, str], str | None]) -> dict[str, Any]:
    newer = view.newer.get(node.uid)
    href = diff_link(node.uid, newer.latest.uid) if newer else None
    return {"diffHref": href, "latest": newer.latest.uid} if newer and href else {}


def _stale_text(view: GraphView, node: Node) -> list[str]:
    """Why a model version is stale, one line per superseded version in its history (empty: not stale)."""
    found = view.stale.get(node.uid)
    if found is None:
        return []
    return [f"{s.node.uid} superseded by {s.latest.uid} (since {s.since})" for s in found.superseded]

def _column_details(columns: Sequence[tuple[Field, Sequence[ColumnEdge]]]) -> list[tuple[str, Any]]:
    """One row per column: its name, type and description, then each input column it was derived
    from. The label is only "column": a long column name there would squeeze every value."""
    rows: list[tuple[str, Any]] = []
    for found, sources in columns:
        name = "(whole dataset)" if found.name == WHOLE_DATASET else found.name
        about = " — ".join(p for p in (found.type, found.description) if p)
        lines = [f"{name}: {about}" if about else name]
        for edge in sources:
            how = transformation_text(edge.transformations)
            lines.append(f"← {column_text(edge.target, edge.target_field)}" + (f" [{how}]" if how else ""))
        rows.append(("column", "\n".join(lines)))
    return rows


def _family_text(family: RunFamily) -> str:
    parent = family.parent_run
    head = f"run {family.parent}" + (f": {parent.name}" if parent else " (not recorded)")
    if not family.siblings:
        return head
    tasks = ", ".join(f"{r.name} ({r.status.value if r.status else 'no status'})" for r in family.siblings)
    return f"{head}, with {len(family.siblings)} other task(s): {tasks}"


def _depth_text(view: GraphView, node: Node) -> str:
    depth = view.depths[node.uid]
    if depth == 0:
        return "0 (the root of this graph)"
    return f"{depth} {view.sides[node.uid]}"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _latest_versions(report: ImpactReport | None) -> set[str]:
    """In the impact view: the uids that are the newest version of their name."""
    return {name.latest.uid for name in report.names} if report else set()
