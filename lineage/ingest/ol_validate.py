"""OpenLineage events checked against the official JSON Schemas of the spec version they name.

The schemas ship in ``openlineage_spec/`` (every published version of the core spec from 1-0-0 and of
each facet, taken from the OpenLineage repository's ``spec/`` folder, Apache-2.0; see the LICENSE file
there), keyed by their ``$id``, so checking needs no network. An event is checked against the
document its ``schemaURL`` names (the definition its fragment points at, else the one its shape
says: RunEvent, JobEvent or DatasetEvent), and each facet whose ``_schemaURL`` names a shipped facet
schema is checked against it too. Custom facets (a schema this package does not ship) are checked
only as the core spec checks every facet.

``strict`` mode refuses an event with violations; ``lenient`` mode (the default) records it and says
how many violations it has (docs/openlineage.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

from lineage.model import canonical_json

SPEC_DIR = Path(__file__).with_name("openlineage_spec")
_SITE = "https://openlineage.io/"
_FACET_GROUPS = ("facets", "inputFacets", "outputFacets")
# RFC 3986: a URI starts with a scheme; a bare host or path is a reference, not a URI.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*")
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")


class Mode(StrEnum):
    STRICT = "strict"
    LENIENT = "lenient"


@dataclass(frozen=True)
class Violation:
    """One way an event departs from its schemas: ``path`` in the endpoint's field notation
    (``inputs[0].facets.dataSource.uri``; empty for the event itself)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or 'the event'}: {self.message}"


def violations(event: Any) -> list[Violation]:
    """Every violation of ``event`` against the spec version it names and its facets' schemas,
    ordered by path."""
    if not isinstance(event, Mapping):
        return [Violation("", "an OpenLineage event must be a JSON object")]
    found = list(_core_violations(event))
    for path, name, facet in _facets(event):
        found.extend(_facet_violations(path, name, facet))
    return sorted(set(found), key=lambda v: (v.path, v.message))


def shipped_versions() -> list[str]:
    """The spec versions whose core schema ships with this package (``2-0-2``, ...)."""
    return sorted(p.parent.name for p in SPEC_DIR.glob("spec/*/OpenLineage.json"))


def _core_violations(event: Mapping[str, Any]) -> Iterator[Violation]:
    url = event.get("schemaURL")
    document, _, fragment = url.partition("#") if isinstance(url, str) else ("", "", "")
    if not isinstance(url, str) or document not in _registry_ids():
        versions = ", ".join(shipped_versions())
        yield Violation(
            "schemaURL",
            f"{url!r} names no OpenLineage spec version this server ships ({versions}): "
            "expected e.g. https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        )
        return
    if not fragment and "$defs" in _registry().contents(document):
        fragment = f"/$defs/{_event_kind(event)}"
    yield from _check(f"{document}#{fragment}", event, "", "schemaURL")


def _event_kind(event: Mapping[str, Any]) -> str:
    if "run" in event:
        return "RunEvent"
    return "DatasetEvent" if "dataset" in event and "job" not in event else "JobEvent"


def _facet_violations(path: str, name: str, facet: Any) -> Iterator[Violation]:
    url = facet.get("_schemaURL") if isinstance(facet, Mapping) else None
    if not isinstance(url, str):
        return
    document, _, fragment = url.partition("#")
    if document not in _registry_ids() or "/facets/" not in document:
        return  # a custom facet, or a core definition the event's own schema already checked
    # Without a fragment, the document's top level describes the facet under its name.
    ref, wrapper, base = (url, None, path) if fragment else (document, name, path.rpartition(".")[0])
    found = _facet_errors(ref, wrapper, canonical_json(facet))
    if found is None:
        yield Violation(f"{path}._schemaURL", f"{ref!r} points at no definition in its schema")
        return
    for parts, message in found:
        yield Violation(_joined(base, parts), message)


@lru_cache(maxsize=4096)
def _facet_errors(ref: str, wrapper: str | None, text: str) -> tuple[tuple[tuple[Any, ...], str], ...] | None:
    """The errors of one facet (JSON ``text``), ``None`` when ``ref`` resolves to nothing. Cached: the
    integrations send the same facets (a table's schema, the engine) with event after event."""
    instance = json.loads(text)
    try:
        errors = _errors(ref, instance if wrapper is None else {wrapper: instance})
    except Unresolvable:
        return None
    return tuple((tuple(leaf.absolute_path), leaf.message) for leaf in errors)


def _facets(event: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Every facet of the event: its path, its name and its value."""
    owners: list[tuple[str, Any]] = [("run", event.get("run")), ("job", event.get("job"))]
    owners.append(("dataset", event.get("dataset")))
    for side in ("inputs", "outputs"):
        items = event.get(side)
        if isinstance(items, list):
            owners.extend((f"{side}[{i}]", item) for i, item in enumerate(items))
    for owner_path, owner in owners:
        if not isinstance(owner, Mapping):
            continue
        for group in _FACET_GROUPS:
            facets = owner.get(group)
            if isinstance(facets, Mapping):
                for name, facet in facets.items():
                    yield f"{owner_path}.{group}.{name}", name, facet


def _check(ref: str, instance: Any, base: str, named_at: str) -> Iterator[Violation]:
    """Violations of ``instance`` (at path ``base``) against the schema ``ref`` names at ``named_at``."""
    try:
        errors = _errors(ref, instance)
    except Unresolvable:
        yield Violation(named_at, f"{ref!r} points at no definition in its schema")
        return
    for leaf in errors:
        yield Violation(_joined(base, leaf.absolute_path), leaf.message)


def _errors(ref: str, instance: Any) -> list[jsonschema.ValidationError]:
    return [leaf for error in _validator(ref).iter_errors(instance) for leaf in _leaves(error)]


def _leaves(error: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    """The specific errors under a combinator (``allOf``, ``anyOf``) rather than its summary."""
    if not error.context:
        yield error
        return
    for sub in error.context:
        yield from _leaves(sub)


def _joined(base: str, parts: Any) -> str:
    path = base
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else f"{path}.{part}" if path else str(part)
    return path


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or _URI.fullmatch(value) is not None


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@lru_cache(maxsize=256)  # refs come from events: bounded, though the spec's are few
def _validator(ref: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": ref}, registry=_registry(), format_checker=_format_checker()
    )


@cache
def _format_checker() -> jsonschema.FormatChecker:
    # The spec's formats, checked without optional packages: "uri" needs a scheme (RFC 3986), and
    # "date-time" is RFC 3339 (which allows a lower-case t and z).
    checker = jsonschema.FormatChecker(["uuid"])
    checker.checks("uri")(_is_uri)
    checker.checks("date-time")(_is_date_time)
    return checker


@cache
def _registry() -> Registry[Any]:
    resources = []
    for path in sorted(SPEC_DIR.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources).crawl()


@cache
def _registry_ids() -> frozenset[str]:
    return frozenset(_SITE + str(p.relative_to(SPEC_DIR).as_posix()) for p in SPEC_DIR.rglob("*.json"))
