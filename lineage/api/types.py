"""The GraphQL object types of the lineage graph, and the traversal every one of them shares.

``LineageNode`` is the hot type: a 5,000-node subgraph resolves its scalar fields 50,000+ times, so
they are plain fields (strawberry hands them to graphql-core without a resolver wrapper). Only the
fields that need the store have resolvers, and those go through the per-request DataLoaders, so a list
of nodes asking for ``producedBy`` costs one store call, not one per node.
"""

from __future__ import annotations

from typing import Literal

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage import model
from lineage.api.context import Context
from lineage.api.scalars import JSON, DateTime, NodeKind, RunStatus, as_datetime
from lineage.model import parse_uid

Info = strawberry.Info[Context, None]
Direction = Literal["upstream", "downstream"]

DEFAULT_DEPTH = 10


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

    @strawberry.field(description="The run that produced this version (the first recorded, if several).")
    async def produced_by(self, info: Info) -> Run | None:
        run = await info.context.loaders.produced_by.load(self.uid)
        return None if run is None else Run.from_model(run)

    @strawberry.field(description="Every version of this name, oldest recorded first (this one included).")
    async def versions(self, info: Info) -> list[LineageNode]:
        history = await info.context.loaders.versions.load((NodeKind(self.kind), self.name))
        return [LineageNode.from_model(n) for n in history]

    @strawberry.field(description="What this version was derived from.")
    async def upstream(
        self,
        info: Info,
        depth: int = DEFAULT_DEPTH,
        kinds: list[NodeKind] | None = None,
        as_of: DateTime | None = None,
    ) -> Subgraph:
        return await traverse(info, "upstream", self.uid, depth, kinds, as_of)

    @strawberry.field(description="What was derived from this version.")
    async def downstream(
        self,
        info: Info,
        depth: int = DEFAULT_DEPTH,
        kinds: list[NodeKind] | None = None,
        as_of: DateTime | None = None,
    ) -> Subgraph:
        return await traverse(info, "downstream", self.uid, depth, kinds, as_of)

    @classmethod
    def from_model(cls, node: model.Node) -> LineageNode:
        return cls(
            uid=strawberry.ID(node.uid),
            kind=node.kind,
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
        )


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
            status=run.status,
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
    def from_model(cls, graph: model.Subgraph) -> Subgraph:
        nodes = [LineageNode.from_model(n) for n in graph.nodes]
        return cls(
            root=nodes[0] if nodes and nodes[0].uid == graph.root.uid else LineageNode.from_model(graph.root),
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
    """One traversal is one store call, whatever the size of the answer."""
    context = info.context
    context.check_depth(depth)
    parse_uid(uid)
    context.count_traversal()
    walk = context.store.upstream if direction == "upstream" else context.store.downstream
    graph = await run_in_threadpool(lambda: walk(uid, depth=depth, kinds=kinds or None, as_of=as_of))
    return Subgraph.from_model(graph)
