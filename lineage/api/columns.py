"""Column lineage in GraphQL: ``columnLineage(uid, field, direction, depth)`` and the types of its
answer, and the columns of a node (``LineageNode.fields``)."""

from __future__ import annotations

from enum import Enum

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage import columns
from lineage.api.context import Context
from lineage.api.scalars import DateTime, as_datetime
from lineage.model import parse_uid


@strawberry.enum(description="Which way a traversal goes: what something came from, or what came from it.")
class Direction(Enum):
    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"


@strawberry.type(description="A column of a node version; type and description come from its schema.")
class Field:
    node: strawberry.ID = strawberry.field(description="The uid of the node version it belongs to.")
    name: str = strawberry.field(description='The column name; "" stands for the dataset as a whole.')
    type: str | None
    description: str | None
    recorded_at: DateTime | None

    @classmethod
    def from_model(cls, found: columns.Field) -> Field:
        return cls(
            node=strawberry.ID(found.node),
            name=found.name,
            type=found.type,
            description=found.description,
            recorded_at=as_datetime(found.recorded_at),
        )


@strawberry.type(description="How an output column was made from an input column (OpenLineage's terms).")
class Transformation:
    type: str | None = strawberry.field(description="DIRECT or INDIRECT.")
    subtype: str | None = strawberry.field(
        description="IDENTITY, TRANSFORMATION, AGGREGATION; for INDIRECT: JOIN, GROUP_BY, FILTER, SORT, ..."
    )
    description: str | None
    masking: bool | None = strawberry.field(description="Whether the transformation masks the data.")


@strawberry.type(description="Column sourceField of source was derived from column targetField of target.")
class ColumnEdge:
    source: strawberry.ID = strawberry.field(description="The uid of the derived column's node.")
    source_field: str
    target: strawberry.ID = strawberry.field(description="The uid of the input column's node.")
    target_field: str
    run: strawberry.ID | None
    transformations: list[Transformation]
    recorded_at: DateTime | None

    @classmethod
    def from_model(cls, edge: columns.ColumnEdge) -> ColumnEdge:
        return cls(
            source=strawberry.ID(edge.source),
            source_field=edge.source_field,
            target=strawberry.ID(edge.target),
            target_field=edge.target_field,
            run=None if edge.run is None else strawberry.ID(edge.run),
            transformations=[
                Transformation(
                    type=t.get("type"),
                    subtype=t.get("subtype"),
                    description=t.get("description"),
                    masking=t.get("masking"),
                )
                for t in edge.transformations
            ],
            recorded_at=as_datetime(edge.recorded_at),
        )


@strawberry.type(description="The distinct columns a column traversal reached and the edges among them.")
class ColumnLineage:
    root: Field
    fields: list[Field] = strawberry.field(description="Nearest first, the root first of all.")
    edges: list[ColumnEdge]
    depths: list[int] = strawberry.field(description="How many hops from the root each of `fields` lies.")
    truncated: bool = strawberry.field(description="The depth bound cut the traversal off.")


@strawberry.type
class ColumnQuery:
    @strawberry.field(
        description="Which columns a column was derived from (UPSTREAM) or which were derived from it "
        "(DOWNSTREAM), up to depth hops. uid may be an alias of the version."
    )
    async def column_lineage(
        self,
        info: strawberry.Info[Context, None],
        uid: strawberry.ID,
        field: str,
        direction: Direction = Direction.UPSTREAM,
        depth: int = 10,
    ) -> ColumnLineage:
        context = info.context
        context.check_depth(depth)
        parse_uid(uid)
        context.count_traversal()
        graph = await run_in_threadpool(
            lambda: context.store.column_lineage(uid, field, direction=direction.value, depth=depth)
        )
        return ColumnLineage(
            root=Field.from_model(graph.root),
            fields=[Field.from_model(f) for f in graph.fields],
            edges=[ColumnEdge.from_model(e) for e in graph.edges],
            depths=[graph.depths[f.key] for f in graph.fields],
            truncated=graph.truncated,
        )
