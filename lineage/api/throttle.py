"""A limit on failures per client: guessing tokens at ``/login`` costs a minute per handful of tries.

Each client address has a sliding window of its recent failures; once it holds ``limit`` of them the
client waits until the oldest leaves the window. Memory stays bounded: windows are forgotten once
empty, and beyond ``max_clients`` addresses the longest-quiet one is dropped.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class FailureLimit:
    """At most ``limit`` failures per client in any ``window`` seconds."""

    def __init__(
        self,
        *,
        limit: int,
        window: float = 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may try again, or ``None`` when it may now."""
        failures = self._recent(client)
        if len(failures) < self.limit:
            return None
        return max(1, math.ceil(failures[0] + self.window - self.clock()))

    def failed(self, client: str) -> None:
        """Count one failure of ``client``."""
        failures = self._failures[client] = self._recent(client)
        failures.append(self.clock())
        self._failures.move_to_end(client)
        while len(self._failures) > self.max_clients:
            self._failures.popitem(last=False)

    def _recent(self, client: str) -> deque[float]:
        """The failures of ``client`` still in the window; a client with none is forgotten."""
        failures = self._failures.get(client, deque())
        horizon = self.clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            self._failures.pop(client, None)
        return failures
