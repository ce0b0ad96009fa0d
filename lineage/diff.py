"""What changed between two versions (of a model, or any two nodes): their histories side by side.

Each side is one upstream traversal (the node itself included) and the runs that produced it. A name
met on both sides at different versions is *changed*, and the runs that made those versions are
compared: code version, parameters, environment. What only one side holds is *only in a* or *only in
b*. Four store calls, whatever the depth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lineage.model import Node, NodeKind, Run, Subgraph
from lineage.query import MAX_DEPTH
from lineage.store.base import LineageStore


@dataclass(frozen=True)
class ValueChange:
    """One parameter or environment key whose value differs; ``None`` where a side does not set it."""

    key: str
    a: Any
    b: Any


@dataclass(frozen=True)
class RunChange:
    """How the runs that made two versions of one name differ."""

    a: Run | None
    b: Run | None
    code_version: tuple[str | None, str | None] | None
    parameters: tuple[ValueChange, ...]
    environment: tuple[ValueChange, ...]


@dataclass(frozen=True)
class Changed:
    """A name met on both sides, at other versions."""

    kind: NodeKind
    name: str
    a: tuple[Node, ...]
    b: tuple[Node, ...]
    runs: RunChange


@dataclass(frozen=True)
class LineageDiff:
    a: Subgraph
    b: Subgraph
    only_a: tuple[Node, ...]
    only_b: tuple[Node, ...]
    changed: tuple[Changed, ...]
    unchanged: tuple[Node, ...]

    @property
    def truncated(self) -> bool:
        """A history deeper than the traversal bound: what lies beyond was not compared."""
        return self.a.truncated or self.b.truncated


def diff(store: LineageStore, a: str, b: str, *, as_of: str | None = None) -> LineageDiff:
    """Compare the histories of ``a`` and ``b``. Raises NotFound for an unknown uid."""
    graph_a = store.upstream(a, depth=MAX_DEPTH, as_of=as_of)
    graph_b = store.upstream(b, depth=MAX_DEPTH, as_of=as_of)
    names_a, names_b = _by_name(graph_a), _by_name(graph_b)
    uids_a, uids_b = {n.uid for n in graph_a.nodes}, {n.uid for n in graph_b.nodes}
    changed_names = sorted(
        name for name in names_a.keys() & names_b.keys() if _uids(names_a[name]) != _uids(names_b[name])
    )
    runs = store.producing_runs(n.uid for name in changed_names for n in (*names_a[name], *names_b[name]))
    return LineageDiff(
        a=graph_a,
        b=graph_b,
        only_a=tuple(n for n in graph_a.nodes if (n.kind, n.name) not in names_b),
        only_b=tuple(n for n in graph_b.nodes if (n.kind, n.name) not in names_a),
        changed=tuple(
            Changed(
                kind=kind,
                name=name,
                a=tuple(names_a[(kind, name)]),
                b=tuple(names_b[(kind, name)]),
                runs=_run_change(names_a[(kind, name)], names_b[(kind, name)], runs),
            )
            for kind, name in changed_names
        ),
        unchanged=tuple(n for n in graph_b.nodes if n.uid in uids_a and n.uid in uids_b),
    )


def _by_name(graph: Subgraph) -> dict[tuple[NodeKind, str], list[Node]]:
    found: dict[tuple[NodeKind, str], list[Node]] = defaultdict(list)
    for node in graph.nodes:
        found[(node.kind, node.name)].append(node)
    return found


def _uids(nodes: list[Node]) -> set[str]:
    return {n.uid for n in nodes}


def _run_change(a: list[Node], b: list[Node], runs: Mapping[str, Run]) -> RunChange:
    """The runs that made the versions only one side holds (the first of each side's, by uid)."""
    common = _uids(a) & _uids(b)
    run_a = _first_run([n for n in a if n.uid not in common], runs)
    run_b = _first_run([n for n in b if n.uid not in common], runs)
    code_a = run_a.code_version if run_a else None
    code_b = run_b.code_version if run_b else None
    return RunChange(
        a=run_a,
        b=run_b,
        code_version=None if code_a == code_b else (code_a, code_b),
        parameters=_changes(run_a.parameters if run_a else {}, run_b.parameters if run_b else {}),
        environment=_changes(run_a.environment if run_a else {}, run_b.environment if run_b else {}),
    )


def _first_run(nodes: list[Node], runs: Mapping[str, Run]) -> Run | None:
    made = sorted(n.uid for n in nodes if n.uid in runs)
    return runs[made[0]] if made else None


def _changes(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[ValueChange, ...]:
    return tuple(
        ValueChange(key=key, a=a.get(key), b=b.get(key))
        for key in sorted(a.keys() | b.keys())
        if a.get(key) != b.get(key)
    )
