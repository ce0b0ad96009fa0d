"""Questions about the store as a whole, and by name: its counts, the versions of a name, and one
read-only Cypher query. What the ``lineage`` command asks of a store a server holds, asked over the API.
"""

from __future__ import annotations

import json
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage.api.pagination import DEFAULT_PAGE, NodeConnection
from lineage.api.scalars import JSON, DateTime, NodeKind
from lineage.api.types import Info, LineageNode, Run
from lineage.errors import InvalidInput
from lineage.store.base import MAX_PAGE


@strawberry.type(description="How many node versions of one kind the store holds.")
class KindCount:
    kind: NodeKind
    count: int


@strawberry.type(description="What the store holds: node versions per kind, runs and DERIVED_FROM edges.")
class StoreStats:
    nodes: list[KindCount] = strawberry.field(description="Every kind, zero or not.")
    runs: int
    edges: int


@strawberry.type(description="The answer of a read-only Cypher query.")
class CypherResult:
    columns: list[str]
    rows: JSON = strawberry.field(description="A list of objects, one per row, keyed by column.")
    truncated: bool = strawberry.field(description="The row limit cut the answer off.")


@strawberry.type
class StoreQuery:
    @strawberry.field(description="Counts of node versions per kind, runs and edges.")
    async def stats(self, info: Info) -> StoreStats:
        counts = await run_in_threadpool(info.context.store.stats)
        kinds = [KindCount(kind=kind, count=counts[kind.value]) for kind in NodeKind]
        return StoreStats(nodes=kinds, runs=counts["runs"], edges=counts["edges"])

    @strawberry.field(
        description=f"The stored nodes among uids (at most {MAX_PAGE}), in their order; "
        "unknown uids are left out."
    )
    async def nodes_by_uid(self, info: Info, uids: list[strawberry.ID]) -> list[LineageNode]:
        _check_count(uids)
        found = await info.context.loaders.node.load_many(uids)
        return LineageNode.from_models(n for n in found if n is not None)

    @strawberry.field(
        description=f"The stored runs among uids (at most {MAX_PAGE}), in their order; "
        "unknown uids are left out."
    )
    async def runs_by_uid(self, info: Info, uids: list[strawberry.ID]) -> list[Run]:
        _check_count(uids)
        found = await info.context.loaders.run.load_many(uids)
        return [Run.from_model(r) for r in found if r is not None]

    @strawberry.field(
        description="Counts of node versions per kind (every kind, zero or not), recorded by asOf when given."
    )
    async def counts_by_kind(self, info: Info, as_of: DateTime | None = None) -> list[KindCount]:
        counts = await run_in_threadpool(info.context.store.counts_by_kind, as_of)
        return [KindCount(kind=kind, count=counts[kind.value]) for kind in NodeKind]

    @strawberry.field(
        description="Every version of a name, oldest recorded first (empty when none); with asOf, those "
        "recorded by then."
    )
    async def versions(
        self, info: Info, kind: NodeKind, name: str, as_of: DateTime | None = None
    ) -> list[LineageNode]:
        if as_of is None:
            return LineageNode.from_models(await info.context.loaders.versions.load((kind, name)))
        store = info.context.store
        found = await run_in_threadpool(lambda: store.versions_of([(kind, name)], as_of=as_of))
        return LineageNode.from_models(found.get((kind, name), []))

    @strawberry.field(
        description="The versions of one kind in uid order, a page at a time, found through the name "
        "look-up (never the node table); totalCount is the page's own size."
    )
    async def kind_versions(
        self, info: Info, kind: NodeKind, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> NodeConnection:
        store = info.context.store
        page = await run_in_threadpool(lambda: store.kind_versions(kind, first=first, after=after))
        return NodeConnection.from_model(page)

    @strawberry.field(
        description="The most recently recorded runs (by asOf, when given) whose step name or job facets "
        "(SQL, job type, owners, description) contain search, case-insensitively; newest first."
    )
    async def search_runs(
        self, info: Info, search: str, limit: int = 20, as_of: DateTime | None = None
    ) -> list[Run]:
        store = info.context.store
        runs = await run_in_threadpool(lambda: store.search_runs(search, limit, as_of=as_of))
        return [Run.from_model(r) for r in runs]

    @strawberry.field(
        description=f"OpenLineage subjects among keys (at most {MAX_PAGE}), as export records."
    )
    async def subject_records(self, info: Info, keys: list[strawberry.ID]) -> JSON:
        _check_count(keys)
        found = await run_in_threadpool(info.context.store.subjects, keys)
        return [s.to_record() for s in found.values()]

    @strawberry.field(
        description=f"The facet records of subjects (at most {MAX_PAGE} keys), as export records."
    )
    async def facet_records(self, info: Info, subjects: list[strawberry.ID]) -> JSON:
        _check_count(subjects)
        found = await run_in_threadpool(info.context.store.facets_of, subjects)
        return [f.to_record() for records in found.values() for f in records]

    @strawberry.field(
        description=f"The feeds out of (out) or into subjects (at most {MAX_PAGE} keys), as export records."
    )
    async def feed_records(self, info: Info, keys: list[strawberry.ID], out: bool) -> JSON:
        _check_count(keys)
        found = await run_in_threadpool(lambda: info.context.store.feeds(keys, out=out))
        return [f.to_record() for f in found]

    @strawberry.field(
        description="One Cypher statement that only reads the store; the engine refuses anything more. "
        "The timeout is at most the server's query timeout."
    )
    async def cypher(
        self,
        info: Info,
        query: str,
        params: JSON | None = None,
        limit: int = 1000,
        timeout: float | None = None,
    ) -> CypherResult:
        ceiling = info.context.settings.query_timeout
        if params is not None and not isinstance(params, dict):
            raise InvalidInput("params must be a JSON object")
        seconds = ceiling if timeout is None else min(timeout, ceiling)
        store = info.context.store
        result = await run_in_threadpool(
            lambda: store.cypher(query, params or {}, limit=limit, timeout=seconds)
        )
        return CypherResult(columns=result.columns, rows=_as_json(result.rows), truncated=result.truncated)


def _check_count(uids: list[strawberry.ID]) -> None:
    if len(uids) > MAX_PAGE:
        raise InvalidInput(f"{len(uids)} uids in one call: at most {MAX_PAGE}")


def _as_json(rows: Any) -> Any:
    """The rows with every value JSON can't carry as its text, as ``lineage cypher`` prints it locally."""
    return json.loads(json.dumps(rows, default=str))
