"""OpenLineage's side of the graph: the names it reports (jobs, and datasets by namespace and name), the
facets reported of them and of runs, and which names feed which.

Append-only, like the rest of the store: a facet sent again is a new record with its event's time, and
the facet *now* is the latest record by event time (``current``), so an earlier event arriving late
never replaces a later one; ``history`` lists every record. A dataset version's content (checksum,
version) is never touched: facets belong to the dataset's name, not to a version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lineage.model import canonical_json, canonical_object


class Feeding(StrEnum):
    """How a feed between names is known: ``declared`` by a JobEvent, ``observed`` from a run's events."""

    DECLARED = "declared"
    OBSERVED = "observed"


@dataclass(frozen=True, kw_only=True)
class Subject:
    """A name facets are recorded of. ``key``: ``job:<namespace>:<name>`` or ``dataset:<namespace>:<name>``
    (Marquez's node ids) for OpenLineage names; ``run:<runId>`` for a run; ``node:<kind>:<name>`` for
    the name of this store's nodes (where a dataset's facets live); ``run:<runId>:input:<dataset id>``
    (or ``output``) for a run's input and output facets. ``node`` links an OpenLineage dataset to the
    ``node:`` subject of the name it became."""

    key: str
    kind: str
    namespace: str | None = None
    name: str | None = None
    node: str | None = None
    recorded_at: str | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Subject:
        return cls(**{k: v for k, v in record.items() if k != "type"})

    def to_record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "node": self.node,
            "recorded_at": self.recorded_at,
        }


@dataclass(frozen=True, kw_only=True)
class Facet:
    """One facet as one event reported it. ``value`` is the facet's JSON object; ``event_time`` is the
    event's time, ``recorded_at`` when the store learned it."""

    subject: str
    name: str
    value: Mapping[str, Any]
    event_time: str
    recorded_at: str | None = None

    @property
    def uid(self) -> str:
        """The same facet in the same event is the same record: re-sending an event adds nothing."""
        identity = canonical_json([self.subject, self.name, self.event_time, dict(self.value)])
        return hashlib.sha256(identity.encode()).hexdigest()

    @property
    def deleted(self) -> bool:
        """The spec's ``_deleted: true``: the facet no longer applies from this event on."""
        return self.value.get("_deleted") is True

    def to_record(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "subject": self.subject,
            "name": self.name,
            "value": canonical_object(self.value),
            "event_time": self.event_time,
            "recorded_at": self.recorded_at,
        }

    @classmethod
    def stored(cls, record: Mapping[str, Any]) -> Facet:
        return cls(
            subject=record["subject"],
            name=record["name"],
            value=json.loads(record["value"]),
            event_time=record["event_time"],
            recorded_at=record.get("recorded_at"),
        )


@dataclass(frozen=True, kw_only=True)
class Feed:
    """``origin`` feeds ``destination`` (a dataset a job reads, a job that writes a dataset)."""

    origin: str
    destination: str
    how: Feeding
    recorded_at: str | None = field(default=None, compare=False)

    def to_record(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "how": self.how.value,
            "recorded_at": self.recorded_at,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Feed:
        return cls(
            origin=record["origin"],
            destination=record["destination"],
            how=Feeding(record["how"]),
            recorded_at=record.get("recorded_at"),
        )


@dataclass(frozen=True)
class NameRecords:
    """What one event says about names: recorded beside its runs, nodes and edges, in its transaction."""

    subjects: tuple[Subject, ...] = ()
    facets: tuple[Facet, ...] = ()
    feeds: tuple[Feed, ...] = ()


def _order(facet: Facet) -> tuple[str, str, str]:
    # By event time; at one time, by value, so that the order of arrival never decides.
    return facet.event_time, canonical_object(facet.value), facet.recorded_at or ""


def history(facets: Iterable[Facet], name: str | None = None) -> list[Facet]:
    """Every record (of facet ``name``, or of all), oldest event first."""
    return sorted((f for f in facets if name is None or f.name == name), key=_order)


def current(facets: Iterable[Facet]) -> dict[str, Facet]:
    """The facet that stands under each name: the latest by event time, unless that one deletes it."""
    latest: dict[str, Facet] = {}
    for facet in history(facets):
        latest[facet.name] = facet
    return {name: facet for name, facet in sorted(latest.items()) if not facet.deleted}
