"""The read side of the schema: look-ups, pages, traversals, impact and runs.

Every store call runs in the thread pool (store calls block); unknown uids give ``null`` where the
answer is "no such thing" (``node``, ``run``) and a NOT_FOUND error where a traversal has nowhere to
start.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage import audit as audits
from lineage import impact as domain
from lineage.api.audit import PredictionAudit
from lineage.api.facets import OpenLineageName, open_lineage_name
from lineage.api.impact import ImpactReport
from lineage.api.pagination import NodeConnection
from lineage.api.scalars import DateTime, NodeKind
from lineage.api.types import DEFAULT_DEPTH, FIRST, Direction, Info, LineageNode, Run, Subgraph, traverse
from lineage.model import parse_uid

DEFAULT_PAGE = 50


def _traversal(direction: Direction, description: str) -> Any:
    async def resolve(
        info: Info,
        uid: strawberry.ID,
        depth: int = DEFAULT_DEPTH,
        kinds: list[NodeKind] | None = None,
        as_of: DateTime | None = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
    ) -> Subgraph:
        return await traverse(info, direction, uid, depth, kinds, as_of, first)

    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class Query:
    @strawberry.field(description="One node version by uid; null when the store does not hold it.")
    async def node(self, info: Info, uid: strawberry.ID) -> LineageNode | None:
        parse_uid(uid)
        found = await info.context.loaders.node.load(uid)
        return None if found is None else LineageNode.from_model(found)

    @strawberry.field(description="Nodes in uid order, filtered by kind and a substring of name or uid.")
    async def nodes(
        self,
        info: Info,
        kind: NodeKind | None = None,
        search: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> NodeConnection:
        store = info.context.store
        page = await run_in_threadpool(
            lambda: store.list_nodes(kind=kind, search=search, first=first, after=after)
        )
        return NodeConnection.from_model(page)

    upstream: Subgraph = _traversal("upstream", "What uid was derived from, up to depth hops.")
    downstream: Subgraph = _traversal("downstream", "What was derived from uid, up to depth hops.")

    @strawberry.field(
        description="The shortest lineage chain from fromUid to toUid, in either direction; null when "
        "they are not connected."
    )
    async def path(
        self, info: Info, from_uid: strawberry.ID, to_uid: strawberry.ID
    ) -> list[LineageNode] | None:
        parse_uid(from_uid)
        parse_uid(to_uid)
        info.context.count_traversal()
        nodes = await run_in_threadpool(info.context.store.path, from_uid, to_uid)
        return None if nodes is None else [LineageNode.from_model(n) for n in nodes]

    @strawberry.field(description="What a change to uid affects: everything downstream, grouped by kind.")
    async def impact(self, info: Info, uid: strawberry.ID, depth: int = DEFAULT_DEPTH) -> ImpactReport:
        context = info.context
        context.check_depth(depth)
        parse_uid(uid)
        context.count_traversal()
        report = await run_in_threadpool(lambda: domain.impact(context.store, uid, depth=depth))
        return ImpactReport.from_model(report)

    @strawberry.field(
        description="A prediction's audit: the model version that made it, its inputs, chained models, what "
        "they were trained on, superseded data, feature skew and whether it can be reproduced."
    )
    async def audit(self, info: Info, prediction_uid: strawberry.ID) -> PredictionAudit:
        parse_uid(prediction_uid)
        info.context.count_traversal()
        report = await run_in_threadpool(audits.audit, info.context.store, prediction_uid)
        return PredictionAudit.from_model(report)

    @strawberry.field(description="One run by uid; null when the store does not hold it.")
    async def run(self, info: Info, uid: strawberry.ID) -> Run | None:
        found = await info.context.loaders.run.load(uid)
        return None if found is None else Run.from_model(found)

    open_lineage_name: OpenLineageName | None = strawberry.field(
        resolver=open_lineage_name,
        description="A job or dataset by its OpenLineage id (job:<namespace>:<name>, "
        "dataset:<namespace>:<name>); null when no event named it.",
    )

    @strawberry.field(description="The most recently recorded runs, newest first.")
    async def recent_runs(self, info: Info, limit: int = 20) -> list[Run]:
        runs = await run_in_threadpool(info.context.store.recent_runs, limit)
        return [Run.from_model(r) for r in runs]
