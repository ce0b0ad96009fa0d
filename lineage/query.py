"""What a lineage question means, in one place for the store, GraphQL, the CLI and the pages: the depth
a traversal may take, what a kinds filter keeps (and the links it keeps through what it hides), and
which version of a name is the latest. The same question then gets the same answer on every surface.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable
from typing import Protocol

from lineage.errors import InvalidInput
from lineage.model import Edge, IndirectEdge, Node, NodeKind, Subgraph, parse_time

DEFAULT_DEPTH = 10
MAX_DEPTH = 50
"""The deepest traversal any store runs; a server may allow less (``Settings.max_depth``)."""


def validate_depth(depth: object, maximum: int = MAX_DEPTH) -> int:
    """``depth`` when it is a whole number from 1 to ``maximum``, else InvalidInput saying so. Query
    strings pass their text as it is, so a word gets the same answer as a number out of range."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= maximum:
        raise InvalidInput(f"depth {depth!r} out of range: a whole number from 1 to {maximum}")
    return depth


def default_depth(maximum: int = MAX_DEPTH) -> int:
    """The depth of a question that names none, within a server's cap set below the default."""
    return min(DEFAULT_DEPTH, maximum)


# --- the kinds filter ---------------------------------------------------------------------------------


def keep_kinds(graph: Subgraph, kinds: Iterable[NodeKind] | None) -> Subgraph:
    """``graph`` with only the nodes of ``kinds`` and the root (whatever its kind): the recorded edges
    among them, and one ``IndirectEdge`` for each pair that no recorded edge links but a chain of
    hidden nodes does, so "datasets only" still shows which dataset fed which.

    Works on the traversal's own nodes and edges, so it costs what the answer does: each hidden node's
    surroundings are searched once, and a diamond of hidden nodes gives one link, not one per path."""
    wanted = {NodeKind(k) for k in kinds} if kinds else set(NodeKind)
    if wanted == set(NodeKind):
        return graph
    kept = {n.uid for n in graph.nodes if n.kind in wanted or n.uid == graph.root.uid}
    return Subgraph(
        root=graph.root,
        nodes=tuple(n for n in graph.nodes if n.uid in kept),
        edges=tuple(e for e in graph.edges if e.source in kept and e.target in kept),
        depths={u: d for u, d in graph.depths.items() if u in kept},
        truncated=graph.truncated,
        indirect=_links_through_hidden(graph.edges, kept),
    )


def _links_through_hidden(edges: Iterable[Edge], kept: set[str]) -> tuple[IndirectEdge, ...]:
    origins: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        origins[edge.source].append(edge.target)
    hidden = _HiddenReach(origins, kept)
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for source in kept:
        direct = set(origins[source])
        behind = {h for origin in direct if origin not in kept for h in hidden.reach(origin)}
        for node in behind:
            for target in hidden.kept_behind(node):
                if target != source and target not in direct:
                    links[(source, target)].add(node)
    return tuple(
        IndirectEdge(source=s, target=t, via=tuple(sorted(via))) for (s, t), via in sorted(links.items())
    )


class _HiddenReach:
    """From each hidden node: the hidden nodes it derives from through hidden nodes only (itself
    included), and the kept nodes at the end of those chains. Each computed once; a cycle of hidden
    nodes ends the search, as the visited set sees it again."""

    def __init__(self, origins: dict[str, list[str]], kept: set[str]) -> None:
        self.origins, self.kept = origins, kept
        self._reach: dict[str, frozenset[str]] = {}
        self._kept: dict[str, frozenset[str]] = {}

    def reach(self, start: str) -> frozenset[str]:
        if start not in self._reach:
            seen, found, stack = {start}, set(), [start]
            while stack:
                for origin in self.origins[stack.pop()]:
                    if origin in self.kept:
                        found.add(origin)
                    elif origin not in seen:
                        seen.add(origin)
                        stack.append(origin)
            self._reach[start], self._kept[start] = frozenset(seen), frozenset(found)
        return self._reach[start]

    def kept_behind(self, start: str) -> frozenset[str]:
        """The kept nodes ``start`` derives from through hidden nodes only; ``start`` one of ``reach``."""
        self.reach(start)
        return self._kept[start]


# --- the latest version -------------------------------------------------------------------------------


class VersionReader(Protocol):
    """A store, or a write transaction: anything that lists the versions of names, oldest recorded first."""

    def versions_of(
        self, names: Iterable[tuple[NodeKind, str]]
    ) -> dict[tuple[NodeKind, str], list[Node]]: ...


def latest_versions(
    reader: VersionReader,
    names: Iterable[tuple[NodeKind, str]],
    *,
    excluding: Container[str] = (),
    as_of: str | None = None,
) -> dict[tuple[NodeKind, str], Node]:
    """The latest version of each name: the one recorded last (by ``as_of``, when given), leaving out
    the uids in ``excluding``. A name with no such version is absent. The names are read together
    (``versions_of``), not one after another."""
    latest = {}
    for name, history in recorded_by(reader.versions_of(names), as_of).items():
        candidates = [n for n in history if n.uid not in excluding]
        if candidates:
            latest[name] = candidates[-1]
    return latest


def recorded_by(
    versions: dict[tuple[NodeKind, str], list[Node]], as_of: str | None
) -> dict[tuple[NodeKind, str], list[Node]]:
    """Each name's versions recorded by ``as_of`` (all of them without it); a name with none is left out."""
    if not as_of:
        return versions
    cutoff = parse_time(as_of)
    kept = {
        name: [v for v in history if (v.recorded_at or "") <= cutoff] for name, history in versions.items()
    }
    return {name: history for name, history in kept.items() if history}
