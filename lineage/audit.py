"""A prediction's audit: the questions asked when an offer is wrong, answered from its lineage.

Which model version made it, from which inputs? Were other models chained in, and what were they
trained on, with which code and parameters? Is any of that data superseded? Did the prediction read a
different version of a feature than its model was trained on? Can it be reproduced?

Everything comes from one upstream traversal of the prediction (its whole history), the runs that
produced those nodes, and the newest version of each name: three store calls, whatever the depth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lineage.errors import InvalidInput
from lineage.model import Edge, Node, NodeKind, Run, Subgraph, parse_uid
from lineage.query import MAX_DEPTH, latest_versions
from lineage.store.base import LineageStore


@dataclass(frozen=True)
class Superseded:
    """A version that a newer version of the same name has replaced."""

    node: Node
    latest: Node


@dataclass(frozen=True)
class FeatureSkew:
    """A prediction read ``read`` while its model was trained on ``trained_on``, another version of the
    same feature: the feature extraction changed between training and serving."""

    prediction: Node
    model: Node
    read: Node
    trained_on: Node


@dataclass(frozen=True)
class ModelUse:
    """A model version involved in the prediction: the run that trained it, everything it was trained
    on, and which of those (the model itself included) a newer version has replaced."""

    model: Node
    training_run: Run | None
    trained_on: tuple[Node, ...]
    superseded: tuple[Superseded, ...]


@dataclass(frozen=True)
class PredictionAudit:
    prediction: Node
    made_by: Node | None
    run: Run | None
    inputs: tuple[Node, ...]
    chained: tuple[Node, ...]
    models: tuple[ModelUse, ...]
    skew: tuple[FeatureSkew, ...]
    gaps: tuple[str, ...]

    @property
    def reproducible(self) -> bool:
        """Every data version has a checksum and every run a clean, known code version."""
        return not self.gaps


def audit(store: LineageStore, uid: str) -> PredictionAudit:
    """Audit the prediction ``uid``. Raises InvalidInput for a uid of another kind, NotFound for an
    unknown one."""
    kind, _, _ = parse_uid(uid)
    if kind is not NodeKind.PREDICTION:
        raise InvalidInput(f"{uid} is a {kind.value}, not a prediction: audit takes a prediction uid")
    graph = store.upstream(uid, depth=MAX_DEPTH)
    nodes = {n.uid: n for n in graph.nodes}
    parents = parents_of(graph.edges)
    produced_by = store.producing_runs(nodes)
    latest = latest_versions(
        store, {(n.kind, n.name) for n in graph.nodes if n.kind is not NodeKind.PREDICTION}
    )

    made_by = {
        n.uid: _model_parent(n.uid, parents, nodes) for n in graph.nodes if n.kind is NodeKind.PREDICTION
    }
    chained = tuple(n for n in graph.nodes if n.kind is NodeKind.PREDICTION and n.uid != uid)
    models = tuple(
        _model_use(n, _upstream_of(n.uid, parents), nodes, produced_by.get(n.uid), latest)
        for n in graph.nodes
        if n.kind is NodeKind.MODEL
    )
    return PredictionAudit(
        prediction=graph.root,
        made_by=made_by[uid],
        run=produced_by.get(uid),
        inputs=tuple(
            nodes[p] for p in sorted(parents[uid]) if nodes[p].kind in (NodeKind.FEATURE, NodeKind.DATASET)
        ),
        chained=chained,
        models=models,
        skew=tuple(_skew(graph, parents, made_by, models)),
        gaps=tuple(reproduction_gaps(graph, produced_by.values())),
    )


def parents_of(edges: Iterable[Edge]) -> Mapping[str, set[str]]:
    """What each node derives from, among ``edges`` (shared with ``lineage.reproduce``)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        parents[edge.source].add(edge.target)
    return parents


def _model_parent(prediction: str, parents: Mapping[str, set[str]], nodes: Mapping[str, Node]) -> Node | None:
    """The model version a prediction derives from directly (the first by uid, should there be two)."""
    models = sorted(p for p in parents[prediction] if nodes[p].kind is NodeKind.MODEL)
    return nodes[models[0]] if models else None


def _upstream_of(uid: str, parents: Mapping[str, set[str]]) -> list[str]:
    """Everything ``uid`` derives from, within the traversal already in hand."""
    seen: dict[str, None] = {}
    frontier = [uid]
    while frontier:
        frontier = [p for u in frontier for p in sorted(parents.get(u, ())) if p not in seen and p != uid]
        seen.update(dict.fromkeys(frontier))
    return list(seen)


def _model_use(
    model: Node,
    upstream: list[str],
    nodes: Mapping[str, Node],
    training_run: Run | None,
    latest: Mapping[tuple[NodeKind, str], Node],
) -> ModelUse:
    trained_on = tuple(nodes[u] for u in upstream)
    superseded = tuple(
        Superseded(node=n, latest=latest[(n.kind, n.name)])
        for n in (model, *trained_on)
        if (n.kind, n.name) in latest and latest[(n.kind, n.name)].uid != n.uid
    )
    return ModelUse(model=model, training_run=training_run, trained_on=trained_on, superseded=superseded)


def _skew(
    graph: Subgraph,
    parents: Mapping[str, set[str]],
    made_by: Mapping[str, Node | None],
    models: tuple[ModelUse, ...],
) -> Iterable[FeatureSkew]:
    by_model = {use.model.uid: use for use in models}
    nodes = {n.uid: n for n in graph.nodes}
    for prediction in (n for n in graph.nodes if n.kind is NodeKind.PREDICTION):
        model = made_by[prediction.uid]
        if model is None:
            continue
        trained = {n.name: n for n in by_model[model.uid].trained_on if n.kind is NodeKind.FEATURE}
        for read in sorted(parents[prediction.uid]):
            feature = nodes[read]
            if (
                feature.kind is NodeKind.FEATURE
                and feature.name in trained
                and trained[feature.name].uid != read
            ):
                yield FeatureSkew(
                    prediction=prediction, model=model, read=feature, trained_on=trained[feature.name]
                )


def reproduction_gaps(graph: Subgraph, runs: Iterable[Run]) -> Iterable[str]:
    """What stands between the root of an upstream ``graph`` and a reproduction of it, given the runs
    that produced its nodes (shared with ``lineage.reproduce``)."""
    if graph.truncated:
        yield f"its history is deeper than {MAX_DEPTH} hops: what lies beyond was not checked"
    for node in graph.nodes:
        if node.kind is NodeKind.DATASET and not node.checksum:
            yield f"{node.uid} has no checksum: its content cannot be verified"
    for run in sorted({r.uid: r for r in runs}.values(), key=lambda r: r.uid):
        if not run.code_version:
            yield f"run {run.uid} ({run.name}) records no code version"
        elif run.code_dirty:
            yield f"run {run.uid} ({run.name}) ran uncommitted code ({run.code_version}, dirty)"
