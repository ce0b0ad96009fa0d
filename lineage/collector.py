"""Pausing Python's cyclic garbage collector while a bulk write builds and holds its objects.

A chunk of an import is hundreds of thousands of records, nodes and rows that live until the chunk is
written. Each allocation past the collector's threshold makes it walk them again, and a full pass walks
everything alive: 13 full passes and 2.6-3.6 s of a 100k-node ingest of 15-20 s (measured with
``gc.callbacks``). None of those objects is in a reference cycle, so reference counting frees them all
when the chunk is done, and the passes find nothing. Pausing only the parse moved the passes into the
write, where the objects still live; the pause covers both.

The pause is process-wide (the collector is), counted across threads: the collector is back on when
the last bulk write ends, and stays off if something else had turned it off before the first began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for the duration of the block, and for any other block paused meanwhile."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
