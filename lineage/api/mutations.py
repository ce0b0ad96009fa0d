"""The write side: ``recordRun`` and ``recordPredictions``, each one atomic store batch.

Both need a read-write token. A node given by uid alone is matched: the stored version is used when
there is one, and a bare version (kind, name and version only) is recorded when there is not. A node
given with content is recorded, or matched when the stored version has the same content; different
content is a CONFLICT, and then nothing of the call is written.
"""

from __future__ import annotations

from dataclasses import fields

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage import columns, model
from lineage.api.auth import CanWrite
from lineage.api.scalars import JSON, DateTime, RunStatus
from lineage.api.types import Info, LineageNode, Run
from lineage.errors import InvalidInput
from lineage.ingest.batches import Prediction, merge, run_batch
from lineage.model import WriteResult
from lineage.store.base import LineageStore, Transaction


@strawberry.input(description="A node version: its uid, and its content when it is new.")
class NodeInput:
    uid: strawberry.ID
    checksum: str | None = None
    created_at: DateTime | None = None
    owner: str | None = None
    source: str | None = None
    description: str | None = None
    metadata: JSON | None = None
    input_digest: str | None = None
    output: JSON | None = None

    def content(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "uid"}


@strawberry.input(description="A run. Reporting a run again fills in what was unset and moves its status on.")
class RunInput:
    uid: strawberry.ID
    name: str
    code_version: str | None = None
    code_dirty: bool | None = None
    parameters: JSON | None = None
    environment: JSON | None = None
    started_at: DateTime | None = None
    ended_at: DateTime | None = None
    status: RunStatus | None = None
    user: str | None = None
    parent: strawberry.ID | None = None

    def to_model(self) -> model.Run:
        return model.Run(
            uid=self.uid,
            name=self.name,
            code_version=self.code_version,
            code_dirty=self.code_dirty,
            parameters=_object(self.parameters, "parameters"),
            environment=_object(self.environment, "environment"),
            started_at=self.started_at,
            ended_at=self.ended_at,
            status=self.status,
            user=self.user,
            parent=self.parent,
        )


@strawberry.input(description="One way an output column was made from an input column.")
class TransformationInput:
    type: str | None = strawberry.field(default=None, description="DIRECT or INDIRECT.")
    subtype: str | None = strawberry.field(default=None, description="IDENTITY, AGGREGATION, FILTER, ...")
    description: str | None = None
    masking: bool | None = None


@strawberry.input(description="A column of one of the run's inputs or outputs, with its schema.")
class FieldInput:
    node: strawberry.ID
    name: str
    type: str | None = None
    description: str | None = None


@strawberry.input(description="Column outputField of output was computed from column inputField of input.")
class ColumnEdgeInput:
    output: strawberry.ID = strawberry.field(description="One of the run's outputs.")
    output_field: str
    input: strawberry.ID = strawberry.field(description="One of the run's inputs.")
    input_field: str
    transformations: list[TransformationInput] = strawberry.field(default_factory=list)


@strawberry.input
class RecordRunInput:
    run: RunInput
    inputs: list[NodeInput] = strawberry.field(default_factory=list, description="What the run read.")
    outputs: list[NodeInput] = strawberry.field(
        description="What it produced; each derives from every input."
    )
    fields: list[FieldInput] = strawberry.field(
        default_factory=list, description="Columns of the inputs and outputs (their schema)."
    )
    columns: list[ColumnEdgeInput] = strawberry.field(
        default_factory=list, description="Column lineage: which input columns each output column came from."
    )


@strawberry.input(description="One prediction of the model version.")
class PredictionInput:
    name: str
    version: str
    input_digest: str
    output: JSON
    features: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The feature versions it read (already recorded)."
    )
    parents: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Predictions it consumed: a chained model's inputs."
    )
    created_at: DateTime | None = None
    metadata: JSON | None = None


@strawberry.input
class RecordPredictionsInput:
    model_uid: strawberry.ID = strawberry.field(description="The model version that made them.")
    predictions: list[PredictionInput]
    run: RunInput | None = strawberry.field(default=None, description="The scoring run, if any.")


@strawberry.type
class WriteCounts:
    created_nodes: int
    created_edges: int
    unchanged: int = strawberry.field(description="Nodes and edges that were already recorded as given.")

    @classmethod
    def from_model(cls, result: WriteResult) -> WriteCounts:
        return cls(
            created_nodes=result.created_nodes, created_edges=result.created_edges, unchanged=result.unchanged
        )


@strawberry.type
class RecordRunPayload:
    run: Run = strawberry.field(description="The run as stored now, merged with earlier reports.")
    written: WriteCounts


@strawberry.type
class RecordPredictionsPayload:
    predictions: list[LineageNode]
    written: WriteCounts


@strawberry.type
class Mutation:
    @strawberry.mutation(
        permission_classes=[CanWrite], description="Record a run with its input and output nodes."
    )
    async def record_run(self, info: Info, input: RecordRunInput) -> RecordRunPayload:
        store = info.context.store
        stored_run, result = await run_in_threadpool(_record_run, store, input)
        return RecordRunPayload(run=Run.from_model(stored_run), written=WriteCounts.from_model(result))

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Record a batch of predictions of one model version, with the inputs of each.",
    )
    async def record_predictions(self, info: Info, input: RecordPredictionsInput) -> RecordPredictionsPayload:
        limit = info.context.settings.max_predictions
        if len(input.predictions) > limit:
            raise InvalidInput(f"{len(input.predictions)} predictions in one call: at most {limit}")
        if not input.predictions:
            raise InvalidInput("no predictions given")
        predictions = [_prediction(p) for p in input.predictions]
        run = input.run.to_model() if input.run else None
        nodes, result = await run_in_threadpool(
            _record_predictions, info.context.store, input.model_uid, predictions, run
        )
        return RecordPredictionsPayload(
            predictions=[LineageNode.from_model(n) for n in nodes], written=WriteCounts.from_model(result)
        )


def _record_run(store: LineageStore, given: RecordRunInput) -> tuple[model.Run, WriteResult]:
    if not given.outputs:
        raise InvalidInput(f"run {given.run.uid}: no outputs given; a run records what it produced")
    run = given.run.to_model()
    bare = [
        n.uid for n in (*given.inputs, *given.outputs) if not any(v is not None for v in n.content().values())
    ]

    def record(tx: Transaction) -> tuple[model.Run, WriteResult]:
        # Matched, written and read back in one transaction: a bare uid is matched to what is stored
        # when the write happens, and the run read back is the one this call wrote.
        stored = tx.get_nodes(bare)
        inputs = [_node(n, stored) for n in given.inputs]
        outputs = [_node(n, stored) for n in given.outputs]
        result = tx.write(merge(run_batch(run, inputs, outputs), _columns(given)))
        written = tx.get_run(run.uid)
        assert written is not None  # just written
        return written, result

    return store.transaction(record)


def _columns(given: RecordRunInput) -> model.Batch:
    """The run's fields and column edges: a column edge joins an output of the run to an input of it."""
    named = {n.uid for n in (*given.inputs, *given.outputs)}
    inputs, outputs = {n.uid for n in given.inputs}, {n.uid for n in given.outputs}
    for f in given.fields:
        if f.node not in named:
            raise InvalidInput(f"field {f.node}#{f.name}: {f.node} is not an input or output of the run")
    for c in given.columns:
        if c.output not in outputs or c.input not in inputs:
            raise InvalidInput(
                f"column edge {c.output}#{c.output_field} <- {c.input}#{c.input_field}: it must join an "
                "output of the run to an input of it"
            )
    return model.Batch(
        fields=tuple(
            columns.Field(node=f.node, name=f.name, type=f.type, description=f.description)
            for f in given.fields
        ),
        column_edges=tuple(
            columns.ColumnEdge(
                source=c.output,
                source_field=c.output_field,
                target=c.input,
                target_field=c.input_field,
                run=given.run.uid,
                transformations=[
                    {k: v for k, v in vars(t).items() if v is not None} for t in c.transformations
                ],
            )
            for c in given.columns
        ),
    )


def _node(given: NodeInput, stored: dict[str, model.Node]) -> model.Node:
    if given.uid in stored:
        return stored[given.uid]
    content = given.content()
    content["metadata"] = _object(given.metadata, f"{given.uid}: metadata")
    return model.Node.from_uid(given.uid, **content)


def _prediction(given: PredictionInput) -> Prediction:
    return Prediction(
        name=given.name,
        version=given.version,
        input_digest=given.input_digest,
        output=given.output,
        features=list(given.features),
        parents=list(given.parents),
        created_at=given.created_at,
        metadata=_object(given.metadata, f"prediction {given.name}@{given.version}: metadata"),
    )


def _object(value: object, what: str) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object")
    return value


def _record_predictions(
    store: LineageStore, model_uid: str, predictions: list[Prediction], run: model.Run | None
) -> tuple[list[model.Node], WriteResult]:
    """Record the predictions through the store's bulk path, then read them back as stored."""
    result = store.record_predictions(model_uid, predictions, run=run)
    uids = [model.make_uid(model.NodeKind.PREDICTION, p.name, p.version) for p in predictions]
    uids = list(dict.fromkeys(uids))
    found = store.get_nodes(uids)
    return [found[uid] for uid in uids if uid in found], result
