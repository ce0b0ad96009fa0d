"""Column lineage, schema fields and aliases: what a dataset version is made of, which input columns
each of its columns came from, and the other names it goes by.

A field is keyed ``<node uid>#<field name>`` (``Field.key``), so every look-up of a column is a
primary-key look-up; the field name ``""`` stands for the dataset as a whole (OpenLineage's
dataset-level column lineage: inputs that affect every row, such as a filter or a join key). A
``ColumnEdge`` says that ``source`` (an output column) was derived from ``target`` (an input column),
through a run, with the transformations that made it. An ``Alias`` is another uid of a recorded
version (OpenLineage's ``symlinks``): looking the alias up finds the version.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lineage.errors import InvalidInput
from lineage.model import MAX_NAME_LENGTH, canonical_json, parse_uid, stored_time

WHOLE_DATASET = ""
"""The field name of column lineage that concerns a dataset as a whole, not one of its columns."""

TRANSFORMATION_KEYS = ("type", "subtype", "description", "masking")


def field_key(node: str, name: str) -> str:
    """The key of a field: its node's uid and its name, joined by ``#``. Both parts are stored beside
    it, so the key is only ever built, never split."""
    return f"{node}#{name}"


def _check_name(name: str, where: str) -> None:
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH or any(ord(c) < 32 for c in name):
        raise InvalidInput(f"{where}: a field name is text of at most {MAX_NAME_LENGTH} characters")


@dataclass(frozen=True, kw_only=True)
class Field:
    """A column of a node version: its name and, from the schema when it was given, type and
    description. The first record of a field stands."""

    node: str
    name: str
    type: str | None = None
    description: str | None = None
    recorded_at: str | None = None

    def __post_init__(self) -> None:
        parse_uid(self.node)
        _check_name(self.name, f"field of {self.node}")
        object.__setattr__(self, "recorded_at", stored_time(self.recorded_at, "recorded_at"))

    @property
    def key(self) -> str:
        return field_key(self.node, self.name)

    def to_record(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "node": self.node,
            "name": self.name,
            "data_type": self.type,
            "description": self.description,
            "recorded_at": self.recorded_at,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Field:
        return cls(
            node=record["node"],
            name=record["name"],
            type=record.get("data_type"),
            description=record.get("description"),
            recorded_at=record.get("recorded_at"),
        )


@dataclass(frozen=True, kw_only=True)
class ColumnEdge:
    """Column ``source_field`` of ``source`` was derived from column ``target_field`` of ``target``,
    through ``run``; ``transformations`` say how (OpenLineage: type DIRECT or INDIRECT, subtype such as
    IDENTITY, TRANSFORMATION, AGGREGATION, FILTER, JOIN; a description; whether it masks the data)."""

    source: str
    source_field: str
    target: str
    target_field: str
    run: str | None = None
    transformations: Sequence[Mapping[str, Any]] = ()
    recorded_at: str | None = None

    def __post_init__(self) -> None:
        parse_uid(self.source)
        parse_uid(self.target)
        _check_name(self.source_field, f"column edge from {self.source}")
        _check_name(self.target_field, f"column edge to {self.target}")
        if self.source_key == self.target_key:
            raise InvalidInput(f"column {self.source_key} cannot derive from itself")
        transformations = tuple(_transformation(t, self.source_key) for t in self.transformations)
        object.__setattr__(self, "transformations", transformations)
        object.__setattr__(self, "recorded_at", stored_time(self.recorded_at, "recorded_at"))

    @property
    def source_key(self) -> str:
        return field_key(self.source, self.source_field)

    @property
    def target_key(self) -> str:
        return field_key(self.target, self.target_field)

    @property
    def key(self) -> tuple[str, str]:
        return (self.source_key, self.target_key)

    def fields(self) -> tuple[Field, Field]:
        """The two columns the edge joins, as bare fields (recorded unless they are already)."""
        return Field(node=self.source, name=self.source_field), Field(
            node=self.target, name=self.target_field
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ColumnEdge:
        """An edge from its flat form (an export record or a stored row)."""
        transformations = record.get("transformations") or "[]"
        return cls(
            source=record["source_node"],
            source_field=record["source_field"],
            target=record["target_node"],
            target_field=record["target_field"],
            run=record.get("run"),
            transformations=json.loads(transformations)
            if isinstance(transformations, str)
            else transformations,
            recorded_at=record.get("recorded_at"),
        )

    def to_record(self) -> dict[str, Any]:
        return {
            "source": self.source_key,
            "target": self.target_key,
            "source_node": self.source,
            "source_field": self.source_field,
            "target_node": self.target,
            "target_field": self.target_field,
            "run": self.run,
            "transformations": canonical_json([dict(t) for t in self.transformations]),
            "recorded_at": self.recorded_at,
        }


def _transformation(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where}: a transformation is a JSON object")
    unknown = sorted(set(value) - set(TRANSFORMATION_KEYS))
    if unknown:
        raise InvalidInput(f"{where}: unknown transformation keys {unknown} (one of {TRANSFORMATION_KEYS})")
    masking = value.get("masking")
    if masking is not None and not isinstance(masking, bool):
        raise InvalidInput(f"{where}: transformation masking must be true or false")
    for key in ("type", "subtype", "description"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise InvalidInput(f"{where}: transformation {key} must be text")
    return {k: value[k] for k in TRANSFORMATION_KEYS if value.get(k) is not None}


@dataclass(frozen=True, kw_only=True)
class Alias:
    """``alias`` is another uid of the recorded version ``uid`` (same kind and version, another name)."""

    alias: str
    uid: str
    recorded_at: str | None = None

    def __post_init__(self) -> None:
        alias_kind, _, _ = parse_uid(self.alias)
        kind, _, _ = parse_uid(self.uid)
        if alias_kind is not kind:
            raise InvalidInput(f"alias {self.alias} of {self.uid}: an alias names the same kind")
        if self.alias == self.uid:
            raise InvalidInput(f"{self.uid} cannot be an alias of itself")
        object.__setattr__(self, "recorded_at", stored_time(self.recorded_at, "recorded_at"))

    def to_record(self) -> dict[str, Any]:
        return {"key": self.alias, "uid": self.uid, "recorded_at": self.recorded_at}


@dataclass(frozen=True)
class ColumnGraph:
    """The answer of a column-lineage traversal: the distinct fields reached (the root first), the
    column edges among them, and how many hops each field lies from the root."""

    root: Field
    fields: tuple[Field, ...]
    edges: tuple[ColumnEdge, ...]
    depths: Mapping[str, int] = field(default_factory=dict)
    truncated: bool = False


def column_text(node: str, name: str) -> str:
    """A column as people read it: ``uid#name``, or ``uid (whole dataset)``."""
    return f"{node} (whole dataset)" if name == WHOLE_DATASET else field_key(node, name)


def transformation_text(transformations: Sequence[Mapping[str, Any]]) -> str:
    """``DIRECT/AGGREGATION: sum, masking`` for each transformation, joined by ``; ``."""
    parts = []
    for t in transformations:
        kind = "/".join(t[k] for k in ("type", "subtype") if t.get(k))
        extra = [t["description"]] if t.get("description") else []
        extra += ["masking"] if t.get("masking") else []
        parts.append(": ".join(p for p in (kind, ", ".join(extra)) if p))
    return "; ".join(p for p in parts if p)
