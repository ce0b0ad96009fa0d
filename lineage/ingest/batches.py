"""Builds store batches from the two things pipelines report: a run, and a set of predictions.

The GraphQL mutations, the demo and the OpenLineage endpoint all come through here, so "a run's
outputs derive from its inputs" is said in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from lineage.errors import InvalidInput
from lineage.model import Batch, Edge, Node, NodeKind, Prediction, Run, parse_uid

MAX_EDGES_PER_RUN = 100_000
"""A run's outputs each derive from each of its inputs; past this many pairs one write would be huge."""


def check_fan_out(run_uid: str, inputs: int, outputs: int) -> None:
    """Refuse a run whose inputs x outputs would exceed MAX_EDGES_PER_RUN edges."""
    if inputs * outputs > MAX_EDGES_PER_RUN:
        raise InvalidInput(
            f"run {run_uid}: {inputs} inputs x {outputs} outputs make more than {MAX_EDGES_PER_RUN} "
            "DERIVED_FROM edges; split the run into steps"
        )


def run_batch(run: Run, inputs: Sequence[Node | str], outputs: Sequence[Node]) -> Batch:
    """A run with its input and output nodes: every output DERIVED_FROM every input, through the run.

    Inputs given as uids must already be in the store; inputs given as nodes are recorded (or matched).
    """
    input_uids = [i if isinstance(i, str) else i.uid for i in inputs]
    output_uids = [o.uid for o in outputs]
    check_fan_out(run.uid, len(input_uids), len(output_uids))
    return Batch(
        nodes=(*(i for i in inputs if isinstance(i, Node)), *outputs),
        runs=(replace(run, inputs=(*run.inputs, *input_uids), outputs=(*run.outputs, *output_uids)),),
        edges=tuple(Edge(source=o, target=i, run=run.uid) for o in output_uids for i in input_uids),
    )


def predictions_batch(model_uid: str, predictions: Iterable[Prediction], *, run: Run | None = None) -> Batch:
    """Prediction nodes deriving from the model version, their feature versions and parent predictions."""
    kind, _, _ = parse_uid(model_uid)
    if kind is not NodeKind.MODEL:
        raise InvalidInput(f"{model_uid} is not a model: predictions derive from a model version")
    nodes, edges = [], []
    run_uid = run.uid if run else None
    for p in predictions:
        node = Node(
            kind=NodeKind.PREDICTION,
            name=p.name,
            version=p.version,
            input_digest=p.input_digest,
            output=p.output,
            created_at=p.created_at,
            metadata=p.metadata,
        )
        nodes.append(node)
        for target in (model_uid, *p.features, *p.parents):
            edges.append(Edge(source=node.uid, target=target, run=run_uid))
    runs: tuple[Run, ...] = ()
    if run:
        inputs = {e.target for e in edges}
        runs = (
            replace(
                run, inputs=(*run.inputs, *sorted(inputs)), outputs=(*run.outputs, *(n.uid for n in nodes))
            ),
        )
    return Batch(nodes=tuple(nodes), runs=runs, edges=tuple(edges))


def merge(*batches: Batch) -> Batch:
    """One batch holding all of several, so they land together."""
    return Batch(
        nodes=tuple(n for b in batches for n in b.nodes),
        runs=tuple(r for b in batches for r in b.runs),
        edges=tuple(e for b in batches for e in b.edges),
        fields=tuple(f for b in batches for f in b.fields),
        column_edges=tuple(c for b in batches for c in b.column_edges),
        aliases=tuple(a for b in batches for a in b.aliases),
    )
