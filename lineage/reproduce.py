"""The recipe that rebuilds a model or a prediction: the runs of its history in an order that can be
replayed (every run after the runs that made its inputs), and the source versions they start from.

One upstream traversal of the target (its whole history) and one look-up of the runs that produced
those nodes: two store calls, whatever the depth. What stands in the way of a faithful rebuild (data
without a checksum, code without a clean version, a node no recorded run made) is said, not guessed.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lineage.audit import parents_of, reproduction_gaps
from lineage.model import Node, NodeKind, Run, Subgraph
from lineage.query import MAX_DEPTH
from lineage.store.base import LineageStore


@dataclass(frozen=True)
class Step:
    """One run to replay: what it reads (within the target's history) and what it makes there."""

    run: Run
    inputs: tuple[Node, ...]
    outputs: tuple[Node, ...]


@dataclass(frozen=True)
class Recipe:
    """How to rebuild ``target``: fetch ``sources`` (nodes no recorded run made), then replay ``steps``
    in order. ``gaps`` says what stands in the way; none means it can be rebuilt as recorded."""

    target: Node
    sources: tuple[Node, ...]
    steps: tuple[Step, ...]
    gaps: tuple[str, ...]

    @property
    def reproducible(self) -> bool:
        return not self.gaps

    @property
    def artifacts(self) -> tuple[Node, ...]:
        """Every version the recipe reads or makes, sources first, each once."""
        seen = {n.uid: n for n in self.sources}
        for step in self.steps:
            seen.update((n.uid, n) for n in (*step.inputs, *step.outputs))
        return tuple(seen.values())


def reproduce(store: LineageStore, uid: str) -> Recipe:
    """The recipe of ``uid``. Raises NotFound for an unknown uid, InvalidInput for a malformed one."""
    graph = store.upstream(uid, depth=MAX_DEPTH)
    return recipe_of(graph, store.producing_runs(n.uid for n in graph.nodes))


def recipe_of(graph: Subgraph, produced_by: Mapping[str, Run]) -> Recipe:
    """The recipe of an upstream subgraph already in hand, given the run that produced each node."""
    nodes = {n.uid: n for n in graph.nodes}
    runs = {run.uid: run for run in produced_by.values()}
    made_by: dict[str, list[str]] = defaultdict(list)
    for node_uid, run in produced_by.items():
        made_by[run.uid].append(node_uid)
    parents = parents_of(graph.edges)
    steps = [
        Step(
            run=runs[run_uid],
            inputs=tuple(nodes[u] for u in sorted(_inputs(made_by[run_uid], parents))),
            outputs=tuple(nodes[u] for u in sorted(made_by[run_uid])),
        )
        for run_uid in _replay_order(runs, made_by, graph)
    ]
    sources = tuple(n for n in graph.nodes if n.uid not in produced_by)
    unmade = [
        f"{n.uid} was recorded without the run that made it: it cannot be rebuilt, only fetched"
        for n in sources
        if n.kind is not NodeKind.DATASET
    ]
    return Recipe(
        target=graph.root,
        sources=tuple(sorted(sources, key=lambda n: n.uid)),
        steps=tuple(steps),
        gaps=(*reproduction_gaps(graph, runs.values()), *unmade),
    )


def _inputs(outputs: Iterable[str], parents: Mapping[str, set[str]]) -> set[str]:
    """What a run read that the target's history holds: the parents of the outputs it made there. A
    batch scoring run reads thousands of feature versions; only these matter to this target."""
    made = set(outputs)
    return {p for uid in made for p in parents.get(uid, ()) if p not in made}


def _replay_order(runs: Mapping[str, Run], made_by: Mapping[str, list[str]], graph: Subgraph) -> list[str]:
    """Runs in topological order, inputs first; among runs ready at once, the earliest started first
    (then by uid), so the order is the same every time. Runs on a cycle (lineage has none, but data
    can be wrong) follow the rest in that same order rather than being dropped."""
    producer = {node: run for run, outputs in made_by.items() for node in outputs}
    needs: dict[str, set[str]] = {run: set() for run in runs}
    for edge in graph.edges:
        before, after = producer.get(edge.target), producer.get(edge.source)
        if before and after and before != after:
            needs[after].add(before)
    feeds: dict[str, set[str]] = defaultdict(set)
    for run, earlier in needs.items():
        for other in earlier:
            feeds[other].add(run)

    def key(run: str) -> tuple[str, str]:
        return (runs[run].started_at or "", run)

    waiting = {run: len(earlier) for run, earlier in needs.items()}
    ready = [key(run) for run, count in waiting.items() if not count]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, run = heapq.heappop(ready)
        order.append(run)
        for later in feeds[run]:
            waiting[later] -= 1
            if not waiting[later]:
                heapq.heappush(ready, key(later))
    placed = set(order)
    return order + sorted((r for r in runs if r not in placed), key=key)
