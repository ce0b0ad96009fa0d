"""The GraphQL scalars and enums the schema adds to the built-in ones.

``DateTime`` is the stored text itself: fixed-width ISO 8601 UTC with microseconds
(``2026-02-01T08:00:00.000000Z``, see ``lineage.model.format_time``). Handing out the stored text keeps
answers byte-identical across backends and exports, and its text order is time order. As an argument
it accepts any ISO 8601 time (``2026-02-01``, ``2026-02-01T08:00:00+02:00``); a time without a zone is
taken as UTC.

The enums are the domain's own: GraphQL shows the member names (``DATASET``, ``COMPLETE``), resolvers
pass the model's values, so there is no second enum to keep in step.
"""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON

from lineage.model import NodeKind, RunStatus, parse_time

DateTime = NewType("DateTime", str)


def as_datetime(value: str | None) -> DateTime | None:
    """A stored time in the answer form (the model keeps every time in that form)."""
    return None if value is None else DateTime(value)


def _parse_datetime(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time as text, got {value!r}")
    return parse_time(value)


SCALARS = {
    DateTime: strawberry.scalar(
        name="DateTime",
        description=(
            "A point in time, ISO 8601. Answers are UTC with microseconds, e.g. "
            "2026-02-01T08:00:00.000000Z; arguments may be any ISO 8601 time (no zone means UTC)."
        ),
        serialize=str,
        parse_value=_parse_datetime,
    )
}

strawberry.enum(NodeKind, description="What a lineage node is a version of.")
strawberry.enum(RunStatus, description="Where a run is in its life (the OpenLineage run states).")

__all__ = ["JSON", "SCALARS", "DateTime", "NodeKind", "RunStatus"]
