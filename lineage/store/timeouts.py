"""How long a store may take to connect and to answer, and the watchdog that holds a call to it.

A frozen Neo4j (a paused JVM, a network path that drops packets without a reset) leaves a query waiting
on a socket with no read timeout: the driver sets one only when the server asks for it, and the server's
own transaction timeout cannot fire while the server is frozen. So a bounded call runs on a worker thread,
and its caller waits at most the deadline. A call that overruns keeps its worker until the server answers
or the connection breaks; a call still queued for a worker is cancelled, so it never runs after its caller
was told that it failed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Timeouts:
    """Args:
    connect: seconds to open a connection to a server (and to wait for a free one in the pool).
    query: seconds one transaction may run; ``None`` for no bound (the CLI's bulk imports).
    """

    connect: float = 5.0
    query: float | None = None


class DeadlineExceeded(Exception):
    """A watched call did not finish in time; it may still be running."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no answer within {seconds:g} s")
        self.seconds = seconds


class Watchdog:
    """Runs calls on its own threads and gives up waiting for one at its deadline."""

    def __init__(self, *, workers: int, name: str) -> None:
        self._workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)

    def call(self, seconds: float | None, call: Callable[[], T]) -> T:
        """``call()``, or DeadlineExceeded after ``seconds``; with ``None``, ``call()`` on this thread."""
        if seconds is None:
            return call()
        future = self._workers.submit(call)
        try:
            return future.result(timeout=seconds)
        except TimeoutError:
            future.cancel()
            raise DeadlineExceeded(seconds) from None

    def close(self) -> None:
        """Stop taking calls; calls still stuck on a frozen server are left to end on their own."""
        self._workers.shutdown(wait=False, cancel_futures=True)
