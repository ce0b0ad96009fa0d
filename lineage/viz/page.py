"""The interactive graph page of one node: its lineage, or the impact of changing it, as one HTML file
that needs no network (vis-network and the page's own script and style are inlined)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lineage.model import NodeKind
from lineage.query import MAX_DEPTH
from lineage.store.base import LineageStore
from lineage.viz.links import Links
from lineage.viz.network import FONT, build_network
from lineage.viz.query import DIRECTIONS, GraphQuery
from lineage.viz.style import AFFECTED, KIND_STYLES
from lineage.viz.templating import render, script_json
from lineage.viz.view import GraphView, build_view, max_nodes_from_environment


@dataclass(frozen=True)
class Notice:
    """A message above the graph, with links to narrower or wider queries."""

    level: str  # "warning" or "info"
    text: str
    suggestions: tuple[tuple[str, str], ...] = ()


def render_graph_page(
    store: LineageStore, query: GraphQuery, *, links: Links, max_nodes: int | None = None
) -> str:
    """The page for ``query``. ``max_nodes`` defaults to ``LINEAGE_GRAPH_MAX_NODES`` (else 2,000)."""
    view = build_view(store, query, max_nodes=max_nodes or max_nodes_from_environment())
    return render_view(view, links=links)


def render_view(view: GraphView, *, links: Links) -> str:
    query = view.query
    lineage_query = query.changed(view="lineage", direction="both") if query.view == "impact" else query
    # The impact panel names deployed models that the kinds filter or the cap may have left undrawn.
    deployed = view.impact.deployed if view.impact else ()
    # Links to other nodes' pages stay at the same point in time.
    at = query.as_of
    graph_links = {
        n.uid: links.graph(n.uid, GraphQuery(uid=n.uid, as_of=at).query_string())
        for n in (*view.nodes, *deployed)
    }
    data = build_network(
        view,
        graph_link=graph_links.__getitem__,
        impact_link=lambda uid: links.graph(uid, GraphQuery(uid=uid, view="impact", as_of=at).query_string()),
        diff_link=lambda a, b: links.diff(a, b, at),
    )
    counts = Counter(n.kind for n in view.nodes)
    return render(
        "graph.html",
        scripts=("vis-network", "graph.js"),
        home=links.home(),
        root=view.root,
        query=query,
        impact=view.impact,
        nodes=view.nodes,
        depths=view.depths,
        edge_count=len(data["edges"]),
        has_indirect=bool(view.indirect),
        has_stale=bool(view.stale),
        graph_links=graph_links,
        form_action=links.graph(query.uid),
        lineage_href=links.graph(query.uid, lineage_query.query_string()),
        impact_href=links.graph(query.uid, query.changed(view="impact").query_string()),
        now_href=links.graph(query.uid, query.changed(as_of=None).query_string()),
        graphql_href=links.graphql(query.graphql()),
        directions=DIRECTIONS,
        all_kinds=list(NodeKind),
        max_depth=MAX_DEPTH,
        styles=KIND_STYLES,
        affected_colour=AFFECTED,
        legend=[(kind, KIND_STYLES[kind], counts[kind]) for kind in NodeKind if counts[kind]],
        notices=notices(view, links),
        data=script_json({"root": view.root.uid, "font": FONT, **data}),
    )


def notices(view: GraphView, links: Links) -> list[Notice]:
    """What the page left out and how to narrow (or widen) the query to see it."""
    query = view.query
    found: list[Notice] = []
    if view.was_cut:
        cut = ", ".join(f"{count:,} {KIND_STYLES[kind].plural}" for kind, count in _by_count(view.cut))
        shown = f"the {len(view.nodes):,} nearest to the root"
        if view.complete_depth:
            shown += f" (everything within depth {view.complete_depth})"
        text = (
            f"Too many nodes to draw: this query matches {'more than ' if view.matched_more else ''}"
            f"{view.matched:,}, the page shows {shown} and leaves out {cut}"
            f"{' and more' if view.matched_more else ''}. Narrow the query with a lower depth or fewer "
            f"kinds to see the rest; the cap is {view.max_nodes:,} nodes (LINEAGE_GRAPH_MAX_NODES)."
        )
        suggestions = []
        if view.complete_depth:
            suggestions.append(
                (f"depth {view.complete_depth}", query.changed(depth=view.complete_depth).query_string())
            )
        most_cut = _by_count(view.cut)[0][0]
        fewer = tuple(k for k in (query.kinds or tuple(NodeKind)) if k != most_cut)
        if fewer:
            suggestions.append(
                (f"without {KIND_STYLES[most_cut].plural}", query.changed(kinds=fewer).query_string())
            )
        found.append(Notice("warning", text, _linked(links, query.uid, suggestions)))
    if view.truncated:
        wider = min(MAX_DEPTH, query.depth * 2)
        text = f"The depth bound ({query.depth}) stopped the traversal: there is more beyond it."
        suggestions = (
            [(f"depth {wider}", query.changed(depth=wider).query_string())] if wider > query.depth else []
        )
        found.append(Notice("info", text, _linked(links, query.uid, suggestions)))
    return found


def _by_count(counts: dict[NodeKind, int]) -> list[tuple[NodeKind, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].value))


def _linked(links: Links, uid: str, suggestions: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Suggestions as links; a standalone file has no server to ask, so it names them only in the text."""
    pairs = ((label, links.graph(uid, query_string)) for label, query_string in suggestions)
    return tuple((label, href) for label, href in pairs if href)
