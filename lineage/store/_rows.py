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


def by_key(run: Tx, one: str, many: str, keys: Sequence[Row], one_by_one: int) -> list[Row]:
    """The rows of a look-up by keys, each key a map of parameters: ``one`` per key when there are at most
    ``one_by_one`` keys, else ``many`` over chunks of them (``UNWIND $keys AS x``). See
    ``LineageStore.lookups_one_by_one``."""
    if len(keys) <= one_by_one:
        return [row for key in keys for row in run(one, key)]
    return [row for chunk in chunks(keys) for row in run(many, {"keys": chunk})]
