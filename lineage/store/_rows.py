"""The rows a store reads and writes, and the chunks they travel in."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

Row = dict[str, Any]
Tx = Callable[[str, Mapping[str, Any]], list[Row]]
"""Runs one query inside the current write transaction and returns its rows."""
ProgressFn = Callable[[int, int], None]
T = TypeVar("T")

CHUNK = 5000
"""Rows per UNWIND statement: large enough to amortise a round trip, small enough for one message."""


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``: the unit of one UNWIND statement."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
