"""The GraphQL view of OpenLineage facets (lineage/facets.py): the facets that stand now, and every
record of them, on runs, node names and OpenLineage jobs and datasets.

``facets`` answers the latest record of each facet name by event time (a facet whose latest record
says ``_deleted: true`` is left out); ``facetHistory`` answers every record, oldest event first, so a
replacement is never lost. The records of every subject a request asks about come in one store call
per batch (the request's DataLoader), so the facets of a traversal's nodes cost one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool

from lineage import facets, model
from lineage.api.context import Context
from lineage.api.scalars import JSON, DateTime, as_datetime

Info = strawberry.Info[Context, None]


@strawberry.type(description="One facet as one OpenLineage event reported it.")
class Facet:
    name: str = strawberry.field(description="The facet's name (processing_engine, schema, ...).")
    value: JSON = strawberry.field(description="The facet as sent, _producer and _schemaURL included.")
    event_time: DateTime = strawberry.field(description="The time of the event that reported it.")
    recorded_at: DateTime | None = strawberry.field(description="When the store learned it.")
    deleted: bool = strawberry.field(description="The record says _deleted: true (the facet ends).")

    @classmethod
    def from_model(cls, facet: facets.Facet) -> Facet:
        return cls(
            name=facet.name,
            value=dict(facet.value),
            event_time=as_datetime(facet.event_time),  # type: ignore[arg-type]
            recorded_at=as_datetime(facet.recorded_at),
            deleted=facet.deleted,
        )


async def _records(info: Info, subject: str) -> list[facets.Facet]:
    return await info.context.loaders.facets.load(subject)


def current_field(subject_of: Callable[[Any], str]) -> Any:
    """The ``facets`` field of a type whose parent's subject key ``subject_of`` gives."""

    async def resolve(parent: strawberry.Parent[Any], info: Info) -> list[Facet]:
        found = facets.current(await _records(info, subject_of(parent)))
        return [Facet.from_model(f) for f in found.values()]

    return strawberry.field(
        resolver=resolve,
        description="The facets that stand: the latest reported of each name, by event time.",
    )


def history_field(subject_of: Callable[[Any], str]) -> Any:
    """The ``facetHistory`` field: every record, oldest event first, of one facet name or all."""

    async def resolve(parent: strawberry.Parent[Any], info: Info, name: str | None = None) -> list[Facet]:
        found = facets.history(await _records(info, subject_of(parent)), name)
        return [Facet.from_model(f) for f in found]

    return strawberry.field(
        resolver=resolve,
        description="Every facet record (of facet `name`, or all), oldest event first: each "
        "replacement is kept.",
    )


def run_subject(run: Any) -> str:
    return f"run:{run.uid}"


def dataset_facets_field(side: str) -> Any:
    """A run's ``inputFacets`` or ``outputFacets`` of one dataset, as ``facets`` answers them."""

    async def resolve(parent: strawberry.Parent[Any], info: Info, dataset: strawberry.ID) -> list[Facet]:
        found = facets.current(await _records(info, f"{run_subject(parent)}:{side}:{dataset}"))
        return [Facet.from_model(f) for f in found.values()]

    return strawberry.field(
        resolver=resolve,
        description=f"The {side} facets this run's events reported of `dataset` "
        "(dataset:<namespace>:<name>) that stand: the latest of each name, by event time.",
    )


def node_subject(node: model.Node) -> str:
    return f"node:{node.kind.value}:{node.name}"


@strawberry.type(
    description="A job or dataset as OpenLineage names it: id job:<namespace>:<name> or "
    "dataset:<namespace>:<name>, as in Marquez."
)
class OpenLineageName:
    id: strawberry.ID
    kind: str = strawberry.field(description="job or dataset")
    namespace: str
    name: str
    node_key: strawberry.Private[str]
    facets: list[Facet] = current_field(lambda parent: parent.node_key)
    facet_history: list[Facet] = history_field(lambda parent: parent.node_key)


async def open_lineage_name(info: Info, id: strawberry.ID) -> OpenLineageName | None:
    subject = (await run_in_threadpool(info.context.store.subjects, [str(id)])).get(str(id))
    if subject is None or subject.kind not in ("job", "dataset"):
        return None
    return OpenLineageName(
        id=strawberry.ID(subject.key),
        kind=subject.kind,
        namespace=subject.namespace or "",
        name=subject.name or "",
        node_key=subject.node or subject.key,
    )
