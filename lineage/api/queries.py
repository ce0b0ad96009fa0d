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
from lineage import diff as diffs
from lineage import impact as domain
from lineage import reproduce as recipes
from lineage import stale as staleness
from lineage.api.audit import PredictionAudit
from lineage.api.columns import ColumnQuery
from lineage.api.diff import LineageDiff
from lineage.api.facets import OpenLineageName, open_lineage_name
from lineage.api.impact import ImpactReport
from lineage.api.pagination import DEFAULT_PAGE, NodeConnection
from lineage.api.reproduce import Recipe
from lineage.api.scalars import DateTime, NodeKind
from lineage.api.stale import StalePage
from lineage.api.types import FIRST, KINDS, Direction, Info, LineageNode, Run, Subgraph, traverse
from lineage.model import parse_uid
from lineage.query import DEFAULT_DEPTH


def _traversal(direction: Direction, description: str) -> Any:
    async def resolve(
        info: Info,
        uid: strawberry.ID,
        depth: int = DEFAULT_DEPTH,
        kinds: Annotated[list[NodeKind] | None, strawberry.argument(description=KINDS)] = None,
        as_of: DateTime | None = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST)] = None,
    ) -> Subgraph:
        return await traverse(info, direction, uid, depth, kinds, as_of, first)

    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class Query(ColumnQuery):
    @strawberry.field(
        description="One node version by uid or by an alias of it (OpenLineage symlinks); null when the "
        "store holds neither."
    )
    async def node(self, info: Info, uid: strawberry.ID) -> LineageNode | None:
        parse_uid(uid)
        found = await info.context.loaders.node.load(uid)
        if found is None:  # perhaps an alias: one more look-up, by its key
            found = await run_in_threadpool(info.context.store.get_node, uid)
        return None if found is None else LineageNode.from_model(found)

    @strawberry.field(
        description="Nodes in uid order, filtered by kind, a substring of name, uid, owner or "
        "description, and (asOf) the time they were recorded by."
    )
    async def nodes(
        self,
        info: Info,
        kind: NodeKind | None = None,
        search: str | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        as_of: DateTime | None = None,
    ) -> NodeConnection:
        store = info.context.store
        page = await run_in_threadpool(
            lambda: store.list_nodes(kind=kind, search=search, first=first, after=after, as_of=as_of)
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
    async def impact(
        self, info: Info, uid: strawberry.ID, depth: int = DEFAULT_DEPTH, as_of: DateTime | None = None
    ) -> ImpactReport:
        context = info.context
        context.check_depth(depth)
        parse_uid(uid)
        context.count_traversal()
        report = await run_in_threadpool(lambda: domain.impact(context.store, uid, depth=depth, as_of=as_of))
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

    @strawberry.field(
        description="The runs that rebuild uid (a model, a prediction, any version) in replay order, "
        "with code versions, parameters, environments and input versions, and the sources to fetch."
    )
    async def reproduce(self, info: Info, uid: strawberry.ID) -> Recipe:
        parse_uid(uid)
        info.context.count_traversal()
        recipe = await run_in_threadpool(recipes.reproduce, info.context.store, uid)
        return Recipe.from_model(recipe)

    @strawberry.field(
        description="Stale versions among the next `first` versions of a kind (uid order, after the "
        "cursor): those whose history holds a version a newer one of its name has replaced; for "
        "PREDICTION, the predictions made by superseded model versions (the pass is over models)."
    )
    async def stale(
        self,
        info: Info,
        kind: NodeKind = NodeKind.MODEL,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        predictions_per_model: Annotated[
            int, strawberry.argument(description="PREDICTION: at most this many per superseded model.")
        ] = staleness.PREDICTIONS_PER_MODEL,
        as_of: DateTime | None = None,
    ) -> StalePage:
        info.context.count_traversal()
        store = info.context.store
        page = await run_in_threadpool(
            lambda: staleness.stale(
                store,
                kind,
                first=first,
                after=after,
                predictions_per_model=predictions_per_model,
                as_of=as_of,
            )
        )
        return StalePage.from_model(page)

    @strawberry.field(
        description="The histories of a and b compared: what only one holds, the names they hold at other "
        "versions, and how the runs that made those versions differ (code, parameters, environment)."
    )
    async def diff(
        self, info: Info, a: strawberry.ID, b: strawberry.ID, as_of: DateTime | None = None
    ) -> LineageDiff:
        parse_uid(a)
        parse_uid(b)
        info.context.count_traversal()
        info.context.count_traversal()
        found = await run_in_threadpool(lambda: diffs.diff(info.context.store, a, b, as_of=as_of))
        return LineageDiff.from_model(found)

    @strawberry.field(description="One run by uid; null when the store does not hold it.")
    async def run(self, info: Info, uid: strawberry.ID) -> Run | None:
        found = await info.context.loaders.run.load(uid)
        return None if found is None else Run.from_model(found)

    open_lineage_name: OpenLineageName | None = strawberry.field(
        resolver=open_lineage_name,
        description="A job or dataset by its OpenLineage id (job:<namespace>:<name>, "
        "dataset:<namespace>:<name>); null when no event named it.",
    )

    @strawberry.field(description="The most recently recorded runs (by asOf, when given), newest first.")
    async def recent_runs(self, info: Info, limit: int = 20, as_of: DateTime | None = None) -> list[Run]:
        store = info.context.store
        runs = await run_in_threadpool(lambda: store.recent_runs(limit, as_of=as_of))
        return [Run.from_model(r) for r in runs]
