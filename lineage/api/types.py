"""The GraphQL object types of the lineage graph, and the traversal every one of them shares.

``LineageNode``, ``LineageEdge`` and ``Subgraph`` are views: their source objects are the model's own
``Node``, ``Edge`` (or ``IndirectEdge``) and ``Subgraph`` (whose ``links`` are the ``edges`` field),
whose attributes carry the types' field names, so a 5,000-node
answer is served without first copying every node into an answer object (their ``from_model`` only
tells the type checker). Their scalar fields are plain fields, which ``lineage.api.execution``
completes in bulk. Only the fields that need the store have resolvers; they read their node through
``strawberry.Parent`` and never cost a store call per node:

- a traversal looks at what its query selects and, when its nodes ask for ``producedBy`` or
  ``versions``, fetches those for the whole subgraph in the same thread-pool call (two or three store
  queries) into the request's ``Prefetched``; the executor then takes them from there for the whole
  list of nodes at once (``BULK``), or, where their selection is not all plain fields, the resolvers
  answer synchronously from it, so graphql-core completes the list without an asyncio task per node;
- anywhere else (``node``, a run's inputs, a page of ``nodes``) the resolvers go through the
  per-request DataLoaders, one store call per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal, cast

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import SelectedField, Selection

from lineage import model
from lineage.api.columns import Field
from lineage.api.context import Context, Prefetched
from lineage.api.execution import BULK
from lineage.api.facets import (
    Facet,
    current_field,
    dataset_facets_field,
    history_field,
    node_subject,
    run_subject,
)
from lineage.api.scalars import JSON, DateTime, NodeKind, RunStatus, as_datetime
from lineage.columns import WHOLE_DATASET
from lineage.model import parse_uid
from lineage.query import DEFAULT_DEPTH
from lineage.store.base import validate_limit

Info = strawberry.Info[Context, None]
Direction = Literal["upstream", "downstream"]

KINDS = (
    "Keep the root and the nodes of these kinds; `edges` then links them through the others too, as "
    "`indirect` edges naming the hidden nodes in `via`."
)
FIRST = (
    "At most this many nodes besides the root, nearest first: the search stops there, and `truncated` "
    "says it did."
)


def _traversal_of_node(direction: Direction, description: str) -> Any:
    """The ``upstream`` or ``downstream`` field of a node: the same traversal as the query's."""

    async def resolve(
        parent: strawberry.Parent[model.Node],
        info: Info,
        depth: int = DEFAULT_DEPTH,
        kinds: Annotated[list[NodeKind] | None, strawberry.argument(description=KINDS)] = None,
        as_of: DateTime | None = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
    ) -> Subgraph:
        return await traverse(info, direction, parent.uid, depth, kinds, as_of, first)

    return strawberry.field(resolver=resolve, description=description)


def _prefetched_runs(context: Context, nodes: Sequence[model.Node]) -> list[Run | None] | None:
    """``producedBy`` of a whole list of nodes, when a traversal prefetched it for every one."""
    runs = context.prefetched.runs
    return [runs[n.uid] for n in nodes] if all(n.uid in runs for n in nodes) else None


def _prefetched_versions(context: Context, nodes: Sequence[model.Node]) -> list[list[model.Node]] | None:
    """``versions`` of a whole list of nodes, when a traversal prefetched it for every one."""
    versions = context.prefetched.versions
    keys = [(n.kind, n.name) for n in nodes]
    return [versions[key] for key in keys] if all(key in versions for key in keys) else None


@strawberry.type(description="One immutable version of a dataset, feature, model or prediction.")
class LineageNode:
    uid: strawberry.ID = strawberry.field(description="kind:name@version")
    kind: NodeKind
    name: str
    version: str
    checksum: str | None = strawberry.field(description="Content digest, when known (sha256:<hex>).")
    recorded_at: DateTime = strawberry.field(description="When the store learned of this version.")
    created_at: DateTime | None = strawberry.field(description="When it came to be, if known.")
    owner: str | None
    source: str | None = strawberry.field(description="Where it was collected.")
    description: str | None
    metadata: JSON = strawberry.field(description="Free-form JSON object.")
    input_digest: str | None = strawberry.field(description="Predictions: the digest of the inputs.")
    output: JSON | None = strawberry.field(description="Predictions: the output value.")

    # Synchronous on purpose: a prefetched answer is returned as it is; otherwise the coroutine that
    # loads it is returned, and graphql-core awaits it like any awaitable result.
    @strawberry.field(
        description="The run that produced this version (the first recorded, if several).",
        metadata={BULK: _prefetched_runs},
    )
    @staticmethod
    def produced_by(parent: strawberry.Parent[model.Node], info: Info) -> Run | None:
        runs = info.context.prefetched.runs
        if parent.uid in runs:
            return runs[parent.uid]
        return _load_producing_run(info, parent.uid)  # type: ignore[return-value]

    @strawberry.field(
        description="Every version of this name, oldest recorded first (this one included).",
        metadata={BULK: _prefetched_versions},
    )
    @staticmethod
    def versions(parent: strawberry.Parent[model.Node], info: Info) -> list[LineageNode]:
        key = (parent.kind, parent.name)
        versions = info.context.prefetched.versions
        if key in versions:
            return LineageNode.from_models(versions[key])
        return _load_versions(info, key)  # type: ignore[return-value]

    @strawberry.field(
        description="Its columns, by name, with type and description from its schema; with "
        'wholeDataset, also the "" field that column lineage affecting every row (joins, filters) leads to.'
    )
    @staticmethod
    async def fields(
        parent: strawberry.Parent[model.Node], info: Info, whole_dataset: bool = False
    ) -> list[Field]:
        found = await info.context.loaders.fields.load(parent.uid)
        return [Field.from_model(f) for f in found if whole_dataset or f.name != WHOLE_DATASET]

    facets: list[Facet] = current_field(node_subject)
    facet_history: list[Facet] = history_field(node_subject)

    upstream: Subgraph = _traversal_of_node("upstream", "What this version was derived from.")
    downstream: Subgraph = _traversal_of_node("downstream", "What was derived from this version.")

    @staticmethod
    def from_model(node: model.Node) -> LineageNode:
        """The answer for ``node``: the node itself (see the module docstring)."""
        return cast(LineageNode, node)

    @staticmethod
    def from_models(nodes: Iterable[model.Node]) -> list[LineageNode]:
        return cast(list[LineageNode], list(nodes))


async def _load_producing_run(info: Info, uid: str) -> Run | None:
    run = await info.context.loaders.produced_by.load(uid)
    return None if run is None else Run.from_model(run)


async def _load_versions(info: Info, key: tuple[model.NodeKind, str]) -> list[LineageNode]:
    return LineageNode.from_models(await info.context.loaders.versions.load(key))


@strawberry.type(description="An activity that read some node versions and produced others.")
class Run:
    uid: strawberry.ID
    name: str = strawberry.field(description="The pipeline step or job.")
    code_version: str | None = strawberry.field(description="git:<commit> or any VCS id.")
    code_dirty: bool | None = strawberry.field(description="Whether the working tree had changes.")
    parameters: JSON
    environment: JSON
    started_at: DateTime | None
    ended_at: DateTime | None
    status: RunStatus | None
    user: str | None
    parent_uid: strawberry.ID | None = strawberry.field(description="The run this one ran inside.")
    recorded_at: DateTime | None
    input_uids: list[strawberry.ID]
    output_uids: list[strawberry.ID]

    facets: list[Facet] = current_field(run_subject)
    facet_history: list[Facet] = history_field(run_subject)
    input_facets: list[Facet] = dataset_facets_field("input")
    output_facets: list[Facet] = dataset_facets_field("output")

    @strawberry.field(description="The node versions the run read.")
    async def inputs(self, info: Info) -> list[LineageNode]:
        return await _nodes(info, self.input_uids)

    @strawberry.field(description="The node versions the run produced.")
    async def outputs(self, info: Info) -> list[LineageNode]:
        return await _nodes(info, self.output_uids)

    @strawberry.field(description="The run this one ran inside, when it is recorded.")
    async def parent(self, info: Info) -> Run | None:
        if self.parent_uid is None:
            return None
        run = await info.context.loaders.run.load(self.parent_uid)
        return None if run is None else Run.from_model(run)

    @strawberry.field(description="The runs that ran inside this one (an orchestrator's tasks), by uid.")
    async def children(self, info: Info) -> list[Run]:
        runs = await run_in_threadpool(info.context.store.child_runs, self.uid)
        return [Run.from_model(r) for r in runs]

    @classmethod
    def from_model(cls, run: model.Run) -> Run:
        return cls(
            uid=strawberry.ID(run.uid),
            name=run.name,
            code_version=run.code_version,
            code_dirty=run.code_dirty,
            parameters=dict(run.parameters),
            environment=dict(run.environment),
            started_at=as_datetime(run.started_at),
            ended_at=as_datetime(run.ended_at),
            status=None if run.status is None else run.status.value,  # type: ignore[arg-type]
            user=run.user,
            parent_uid=None if run.parent is None else strawberry.ID(run.parent),
            recorded_at=as_datetime(run.recorded_at),
            input_uids=[strawberry.ID(u) for u in run.inputs],
            output_uids=[strawberry.ID(u) for u in run.outputs],
        )


async def _nodes(info: Info, uids: list[strawberry.ID]) -> list[LineageNode]:
    found = await info.context.loaders.node.load_many(uids)
    return LineageNode.from_models(n for n in found if n is not None)


@strawberry.type(
    description="source DERIVED_FROM target: recorded, through run when the run is known; or indirect, "
    "through nodes of the kinds a traversal's kinds filter left out."
)
class LineageEdge:
    source: strawberry.ID
    target: strawberry.ID
    run: strawberry.ID | None = strawberry.field(description="Null for an indirect edge.")
    recorded_at: DateTime | None = strawberry.field(description="Null for an indirect edge.")
    indirect: bool = strawberry.field(
        description="source derives from target only through nodes the kinds filter hides (via)."
    )
    via: list[strawberry.ID] = strawberry.field(
        description="The hidden nodes on the chains from source to target, in uid order; empty for a "
        "recorded edge."
    )


@strawberry.type(
    description="The distinct nodes a traversal reached (root included) and the edges among them."
)
class Subgraph:
    root: LineageNode
    nodes: list[LineageNode] = strawberry.field(description="Nearest first, the root first of all.")
    links: list[LineageEdge] = strawberry.field(
        name="edges",
        description="The recorded edges among the nodes, in the order of their sources among `nodes`, "
        "then, with kinds, one indirect edge for each pair of nodes linked only through nodes of the "
        "kinds left out.",
    )
    truncated: bool = strawberry.field(description="The depth bound cut the traversal off.")

    @strawberry.field(description="How many hops from the root each of `nodes` lies, in their order.")
    @staticmethod
    def depths(parent: strawberry.Parent[model.Subgraph]) -> list[int]:
        return [parent.depths[n.uid] for n in parent.nodes]

    @staticmethod
    def from_model(graph: model.Subgraph) -> Subgraph:
        """The answer for ``graph``: the graph itself, its nodes and edges as they are."""
        return cast(Subgraph, graph)


async def traverse(
    info: Info,
    direction: Direction,
    uid: str,
    depth: int,
    kinds: list[NodeKind] | None,
    as_of: str | None,
    first: int | None = None,
) -> Subgraph:
    """One traversal is one store call, whatever the size of the answer; what its nodes ask for is
    fetched with it, in bulk."""
    context = info.context
    context.check_depth(depth)
    validate_limit(first, "first")
    parse_uid(uid)
    context.count_traversal()
    walk = context.store.upstream if direction == "upstream" else context.store.downstream
    wanted = _asked_of_nodes(info.selected_fields)

    def work() -> tuple[model.Subgraph, Prefetched]:
        graph = walk(uid, depth=depth, kinds=kinds or None, as_of=as_of, limit=first)
        return graph, prefetch(context.store, graph.nodes, wanted)

    graph, prefetched = await run_in_threadpool(work)
    context.prefetched.add(prefetched)
    return Subgraph.from_model(graph)


PREFETCHABLE = frozenset({"producedBy", "versions"})


def prefetch(store: Any, nodes: Sequence[model.Node], wanted: set[str]) -> Prefetched:
    """Blocking: call it in the thread pool."""
    fetched = Prefetched()
    if "producedBy" in wanted:
        fetched.runs = _runs_by_node(nodes, store.producing_runs(n.uid for n in nodes))
    if "versions" in wanted:
        names = {(n.kind, n.name) for n in nodes}
        fetched.versions = {name: [] for name in names} | store.versions_of(names)
    return fetched


def _runs_by_node(nodes: Sequence[model.Node], found: Mapping[str, model.Run]) -> dict[str, Run | None]:
    """Each node's producing run (``None``: no run did), one answer object per run."""
    answers: dict[str, Run] = {}
    for run in found.values():
        if run.uid not in answers:
            answers[run.uid] = Run.from_model(run)
    return {n.uid: answers[found[n.uid].uid] if n.uid in found else None for n in nodes}


def _asked_of_nodes(selected: Iterable[Selection]) -> set[str]:
    """Which prefetchable fields the query selects on the nodes (or root) of this subgraph."""
    asked: set[str] = set()
    for field in _fields(selected):  # the traversal field itself
        for part in _fields(field.selections):
            if part.name in ("nodes", "root"):
                asked |= {f.name for f in _fields(part.selections)} & PREFETCHABLE
    return asked


def _fields(selections: Iterable[Selection]) -> list[SelectedField]:
    """The fields of a selection set, looking through fragments."""
    found = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:
            found += _fields(selection.selections)
    return found
