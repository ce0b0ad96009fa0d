"""The graph a page draws: the store's subgraph, filtered by kind, cut to a size a browser can hold, and
laid out in columns so that data sits on the left and predictions on the right.

Nothing here knows about HTML; ``lineage.viz.network`` turns a ``GraphView`` into vis-network data.
"""

from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from lineage.columns import ColumnEdge, Field
from lineage.errors import InvalidInput
from lineage.impact import ImpactReport, impact_of
from lineage.model import Edge, IndirectEdge, Node, NodeKind, Run
from lineage.query import keep_kinds
from lineage.stale import StaleNode, Supersession, newer_versions, stale_among
from lineage.store.base import LineageStore
from lineage.viz.query import GraphQuery

DEFAULT_MAX_NODES = 2000
MAX_NODES_VARIABLE = "LINEAGE_GRAPH_MAX_NODES"


def max_nodes_from_environment() -> int:
    """The node cap: ``LINEAGE_GRAPH_MAX_NODES``, else 2,000 (a browser draws that in well under a second)."""
    text = os.environ.get(MAX_NODES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_NODES
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise InvalidInput(f"{MAX_NODES_VARIABLE}={text!r}: expected a whole number of nodes, at least 1")
    return int(text)


@dataclass(frozen=True)
class RunFamily:
    """The run a run ran inside (an Airflow DAG run, say; ``None`` when it is not recorded) and the
    other runs inside it (its sibling tasks)."""

    parent: str
    parent_run: Run | None
    siblings: tuple[Run, ...]


@dataclass(frozen=True)
class GraphView:
    """What one graph page shows, and what it left out.

    Attributes:
        nodes: the nodes drawn, nearest to the root first (the root first of all).
        edges: DERIVED_FROM edges among them; ``indirect``: links through nodes the kinds filter hides,
            as the store's traversal gives them (``lineage.query.keep_kinds``).
        depths: hops from the root; ``sides``: "root", "upstream" or "downstream".
        levels: the column of each node, 0 on the left, so that every edge points rightwards.
        matched: how many nodes the query matched before the cap; ``cut``: what the cap left out, by kind.
        complete_depth: the depth up to which every matched node is drawn (None when nothing was cut).
        truncated: the depth bound stopped the traversal (there is more beyond it).
        runs: the runs named by the drawn edges and the runs that produced the drawn nodes.
        produced_by: node uid -> run uid.
        impact: the impact report (impact view only), over everything downstream, before any cut.
    """

    query: GraphQuery
    root: Node
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    indirect: tuple[IndirectEdge, ...]
    depths: Mapping[str, int]
    sides: Mapping[str, str]
    levels: Mapping[str, int]
    matched: int
    cut: Mapping[NodeKind, int]
    complete_depth: int | None
    truncated: bool
    runs: Mapping[str, Run]
    produced_by: Mapping[str, str]
    impact: ImpactReport | None
    max_nodes: int

    matched_more: bool = False
    """Whether the query matches more than ``matched``: the store stopped counting."""

    stale: Mapping[str, StaleNode] = field(default_factory=dict)
    """The stale model versions among the nearest ``STALE_CHECKED`` drawn, and why (``lineage.stale``)."""

    newer: Mapping[str, Supersession] = field(default_factory=dict)
    """The drawn model versions a newer version of their name has replaced, with the latest."""

    columns: Mapping[str, Sequence[tuple[Field, Sequence[ColumnEdge]]]] = field(default_factory=dict)
    """node uid -> its columns, each with the edges to the input columns it was derived from."""

    families: Mapping[str, RunFamily] = field(default_factory=dict)
    """run uid -> the run it ran inside and that run's other children, for runs that have a parent."""

    @property
    def was_cut(self) -> bool:
        return self.matched > len(self.nodes)


STALE_CHECKED = 25
"""How many drawn model versions, nearest first, a page checks for staleness: each check is an upstream
traversal of its own."""

COUNTED = 10
"""How many times the cap a page asks the store for, to say how much it left out."""


def build_view(store: LineageStore, query: GraphQuery, *, max_nodes: int = DEFAULT_MAX_NODES) -> GraphView:
    """Ask the store for the query's subgraph and shape it for drawing."""
    if max_nodes < 1:
        raise InvalidInput(f"max_nodes {max_nodes} out of range: at least 1")
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str], Edge] = {}
    links: dict[tuple[str, str], IndirectEdge] = {}
    depths: dict[str, int] = {}
    sides: dict[str, str] = {}
    truncated = matched_more = False
    report = None
    # The store stops at a multiple of the cap, so a page costs about what it draws even when a million
    # predictions lie downstream, and the page can still say how much it left out (or that it is more
    # than that). The impact view counts everything downstream, so it asks for all of it.
    impact_view = query.view == "impact"
    limit = None if impact_view else max_nodes * COUNTED
    # The kinds filter means what it means in GraphQL and the CLI: the store's traversal with kinds is
    # keep_kinds over its traversal without them, nodes and indirect edges alike. The page filters
    # after the traversal, with that same function, because the impact report counts every kind and
    # whether the limit cut the traversal shows in the unfiltered node count.
    for direction in query.directions:
        traverse = store.upstream if direction == "upstream" else store.downstream
        graph = traverse(query.uid, depth=query.depth, limit=limit, as_of=query.as_of)
        if impact_view and direction == "downstream":
            report = impact_of(store, graph, as_of=query.as_of)
        limited = limit is not None and graph.truncated and len(graph.nodes) > limit
        matched_more = matched_more or limited
        truncated = truncated or (graph.truncated and not limited)
        graph = keep_kinds(graph, query.kinds)
        for node in graph.nodes:
            nodes.setdefault(node.uid, node)
            depth = graph.depths[node.uid]
            if node.uid not in depths or depth < depths[node.uid]:
                depths[node.uid] = depth
                sides[node.uid] = direction if depth else "root"
        for edge in graph.edges:
            edges.setdefault(edge.key, edge)
        for link in graph.indirect:
            links.setdefault(link.key, link)
    root = graph.root  # the version itself, when the page was asked for it by an alias

    kept = sorted(nodes.values(), key=lambda n: (depths[n.uid], n.uid))
    shown = kept[:max_nodes]
    shown_uids = {n.uid for n in shown}
    cut = Counter(n.kind for n in kept[max_nodes:])
    direct = tuple(e for e in edges.values() if e.source in shown_uids and e.target in shown_uids)
    indirect = tuple(e for e in links.values() if e.source in shown_uids and e.target in shown_uids)

    produced_by = store.produced_by(shown_uids)
    models = [n for n in shown if n.kind is NodeKind.MODEL]
    run_uids = {e.run for e in direct if e.run} | set(produced_by.values())
    runs = store.get_runs(run_uids)
    return GraphView(
        query=query,
        root=root,
        nodes=tuple(shown),
        edges=direct,
        indirect=indirect,
        depths={u: depths[u] for u in shown_uids},
        sides={u: sides[u] for u in shown_uids},
        levels=spread(columns(shown_uids, [*(e.key for e in direct), *(e.key for e in indirect)])),
        matched=len(kept),
        cut=dict(cut),
        complete_depth=_complete_depth(kept, shown, depths),
        truncated=truncated,
        runs=runs,
        produced_by=produced_by,
        impact=report,
        max_nodes=max_nodes,
        matched_more=matched_more,
        stale=stale_among(store, models[:STALE_CHECKED], as_of=query.as_of),
        newer=newer_versions(store, models, as_of=query.as_of),
        columns=store.column_sources(shown_uids),
        families=_families(store, runs.values()),
    )


MAX_FAMILIES = 20
"""Parent runs a page looks up the children of: each costs one keyed query."""


def _families(store: LineageStore, runs: Iterable[Run]) -> dict[str, RunFamily]:
    """Each run's parent and sibling runs, one look-up per distinct parent (a page's runs mostly share
    one DAG run), at most MAX_FAMILIES parents."""
    by_parent: dict[str, list[str]] = defaultdict(list)
    for run in runs:
        if run.parent:
            by_parent[run.parent].append(run.uid)
    parents = sorted(by_parent)[:MAX_FAMILIES]
    found = store.get_runs(parents)
    families = {}
    for parent in parents:
        children = tuple(store.child_runs(parent))
        for uid in by_parent[parent]:
            siblings = tuple(c for c in children if c.uid != uid)
            families[uid] = RunFamily(parent=parent, parent_run=found.get(parent), siblings=siblings)
    return families


def _complete_depth(kept: list[Node], shown: list[Node], depths: Mapping[str, int]) -> int | None:
    """The deepest depth whose nodes are all shown, when the cap cut something off."""
    if len(shown) == len(kept):
        return None
    first_missing = depths[kept[len(shown)].uid]
    return first_missing - 1


def columns(uids: Iterable[str], derived_from: Iterable[tuple[str, str]]) -> dict[str, int]:
    """A column per node: 0 for nodes derived from nothing drawn, else one right of the furthest node it
    derives from. Data therefore sits on the left and predictions on the right, whichever way the
    traversal ran, and every arrow points rightwards. Nodes on a cycle (lineage should have none) go one
    column right of everything else rather than breaking the layout."""
    nodes = list(uids)
    origins: dict[str, set[str]] = {u: set() for u in nodes}
    derived: dict[str, set[str]] = {u: set() for u in nodes}
    for source, target in derived_from:
        if source in origins and target in origins and source != target:
            origins[source].add(target)
            derived[target].add(source)
    waiting = {u: len(origins[u]) for u in nodes}
    level = dict.fromkeys(nodes, 0)
    ready = [u for u in nodes if not waiting[u]]
    placed = set()
    while ready:
        uid = ready.pop()
        placed.add(uid)
        for child in derived[uid]:
            level[child] = max(level[child], level[uid] + 1)
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    beyond = max((level[u] for u in placed), default=-1) + 1
    return {u: level[u] if u in placed else beyond for u in nodes}


CROWDED = 60


def spread(levels: Mapping[str, int]) -> dict[str, int]:
    """Split crowded columns into several side by side.

    2,000 predictions of one model in one column make a drawing 40 times taller than wide, which a
    browser window shows as a vertical hairline. Side by side, at about ``sqrt(3.3 * n)`` nodes each, a
    column of ``n`` nodes is roughly as wide as it is tall, which suits a screen. Every arrow still
    points rightwards: the parts of a column have no edges between them.
    """
    by_column: dict[int, list[str]] = defaultdict(list)
    for uid, level in sorted(levels.items(), key=lambda item: (item[1], item[0])):
        by_column[level].append(uid)
    largest = max((len(uids) for uids in by_column.values()), default=0)
    if largest <= CROWDED:
        return dict(levels)
    height = max(CROWDED, math.ceil(math.sqrt(3.3 * largest)))
    spread_levels: dict[str, int] = {}
    offset = 0
    for level in sorted(by_column):
        uids = by_column[level]
        for index, uid in enumerate(uids):
            spread_levels[uid] = offset + index // height
        offset += math.ceil(len(uids) / height)
    return spread_levels
