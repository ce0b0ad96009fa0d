"""The GraphQL object types of the lineage graph, and the traversal every one of them shares.

``LineageNode`` is the hot type: a 5,000-node subgraph resolves its scalar fields 50,000+ times, so
they are plain fields (strawberry hands them to graphql-core without a resolver wrapper), and ``kind``
holds the enum's plain value, which graphql-core maps to its name by dictionary look-up. Only the fields
that need the store have resolvers, and they never cost a store call per node:

- a traversal looks at what its query selects and, when its nodes ask for ``producedBy`` or
  ``versions``, fetches those for the whole subgraph in the same thread-pool call (two or three store
  queries); the resolvers then answer synchronously from what was fetched, so graphql-core completes
  the list without an asyncio task per node;
- anywhere else (``node``, a run's inputs, a page of ``nodes``) the resolvers go through the
  per-request DataLoaders, one store call per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import strawberry
from starlette.concurrency import run_in_threadpool
from strawberry.types.nodes import SelectedField, Selection

from lineage import model
from lineage.api.context import Context
from lineage.api.scalars import JSON, DateTime, NodeKind, RunStatus, as_datetime
from lineage.model import parse_uid

Info = strawberry.Info[Context, None]
Direction = Literal["upstream", "downstream"]

DEFAULT_DEPTH = 10


def _traversal_of_node(direction: Direction, description: str) -> Any:
    """The ``upstream`` or ``downstream`` field of a node: the same traversal as the query's."""

    async def resolve(
        self: LineageNode,
        info: Info,
        depth: int = DEFAULT_DEPTH,
        kinds: list[NodeKind] | None = None,
        as_of: DateTime | None = None,
    ) -> Subgraph:
        return await traverse(info, direction, self.uid, depth, kinds, as_of)

    return strawberry.field(resolver=resolve, description=description)


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
    prefetched: strawberry.Private[Prefetched | None] = None

    # Synchronous on purpose: a prefetched answer is returned as it is; otherwise the coroutine that
    # loads it is returned, and graphql-core awaits it like any awaitable result.
    @strawberry.field(description="The run that produced this version (the first recorded, if several).")
    def produced_by(self, info: Info) -> Run | None:
        if self.prefetched is not None and self.prefetched.runs is not None:
            return self.prefetched.runs.get(self.uid)
        return _load_producing_run(info, self.uid)  # type: ignore[return-value]

    @strawberry.field(description="Every version of this name, oldest recorded first (this one included).")
    def versions(self, info: Info) -> list[LineageNode]:
        if self.prefetched is not None and self.prefetched.versions is not None:
            return self.prefetched.versions.get((self.kind, self.name), [])
        return _load_versions(info, NodeKind(self.kind), self.name)  # type: ignore[return-value]

    upstream: Subgraph = _traversal_of_node("upstream", "What this version was derived from.")
    downstream: Subgraph = _traversal_of_node("downstream", "What was derived from this version.")

    @classmethod
    def from_model(cls, node: model.Node, prefetched: Prefetched | None = None) -> LineageNode:
        return cls(
            uid=strawberry.ID(node.uid),
            kind=node.kind.value,  # type: ignore[arg-type]  # the value: see the module docstring
            name=node.name,
            version=node.version,
            checksum=node.checksum,
            recorded_at=as_datetime(node.recorded_at) or DateTime(""),
            created_at=as_datetime(node.created_at),
            owner=node.owner,
            source=node.source,
            description=node.description,
            metadata=dict(node.metadata),
            input_digest=node.input_digest,
            output=node.output,
            prefetched=prefetched,
        )


async def _load_producing_run(info: Info, uid: str) -> Run | None:
    run = await info.context.loaders.produced_by.load(uid)
    return None if run is None else Run.from_model(run)


async def _load_versions(info: Info, kind: NodeKind, name: str) -> list[LineageNode]:
    history = await info.context.loaders.versions.load((kind, name))
    return [LineageNode.from_model(n) for n in history]


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
    return [LineageNode.from_model(n) for n in found if n is not None]


@strawberry.type(description="source DERIVED_FROM target, through run when the run is known.")
class LineageEdge:
    source: strawberry.ID
    target: strawberry.ID
    run: strawberry.ID | None
    recorded_at: DateTime | None


@strawberry.type(
    description="The distinct nodes a traversal reached (root included) and the edges among them."
)
class Subgraph:
    root: LineageNode
    nodes: list[LineageNode] = strawberry.field(description="Nearest first, the root first of all.")
    edges: list[LineageEdge]
    truncated: bool = strawberry.field(description="The depth bound cut the traversal off.")

    @classmethod
    def from_model(cls, graph: model.Subgraph, prefetched: Prefetched | None = None) -> Subgraph:
        nodes = [LineageNode.from_model(n, prefetched) for n in graph.nodes]
        root = nodes[0] if nodes and nodes[0].uid == graph.root.uid else None
        return cls(
            root=root or LineageNode.from_model(graph.root, prefetched),
            nodes=nodes,
            edges=[
                LineageEdge(
                    source=strawberry.ID(e.source),
                    target=strawberry.ID(e.target),
                    run=None if e.run is None else strawberry.ID(e.run),
                    recorded_at=as_datetime(e.recorded_at),
                )
                for e in graph.edges
            ],
            truncated=graph.truncated,
        )


async def traverse(
    info: Info,
    direction: Direction,
    uid: str,
    depth: int,
    kinds: list[NodeKind] | None,
    as_of: str | None,
) -> Subgraph:
    """One traversal is one store call, whatever the size of the answer; what its nodes ask for is
    fetched with it, in bulk."""
    context = info.context
    context.check_depth(depth)
    parse_uid(uid)
    context.count_traversal()
    walk = context.store.upstream if direction == "upstream" else context.store.downstream
    wanted = _asked_of_nodes(info.selected_fields)

    def work() -> tuple[model.Subgraph, Prefetched | None]:
        graph = walk(uid, depth=depth, kinds=kinds or None, as_of=as_of)
        return graph, prefetch(context.store, graph.nodes, wanted)

    graph, prefetched = await run_in_threadpool(work)
    return Subgraph.from_model(graph, prefetched)


@dataclass(frozen=True)
class Prefetched:
    """Nested answers fetched for a whole subgraph; ``None`` where the query did not ask."""

    runs: Mapping[str, Run] | None  # node uid -> the run that produced it
    versions: Mapping[tuple[str, str], list[LineageNode]] | None  # (kind value, name) -> versions


PREFETCHABLE = frozenset({"producedBy", "versions"})


def prefetch(store: Any, nodes: Sequence[model.Node], wanted: set[str]) -> Prefetched | None:
    """Blocking: call it in the thread pool."""
    if not wanted:
        return None
    runs = None
    if "producedBy" in wanted:
        by_uid: dict[str, Run] = {}  # one answer object per run, however many nodes it produced
        runs = {
            node: by_uid.setdefault(run.uid, Run.from_model(run))
            for node, run in store.producing_runs(n.uid for n in nodes).items()
        }
    versions = None
    if "versions" in wanted:
        history = store.versions_of((n.kind, n.name) for n in nodes)
        versions = {
            (k.value, name): [LineageNode.from_model(n) for n in h] for (k, name), h in history.items()
        }
    return Prefetched(runs=runs, versions=versions)


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
