"""A store the server can start without, and that comes back by itself.

A server must not die because Neo4j is still starting or briefly away. ``ReconnectingStore`` is a
complete ``LineageStore``: it supplies the four backend primitives by delegating to the real store,
which it opens on first use, and tries to open again on a later call when opening failed. Once a
Neo4j store is open, its driver reconnects by itself. Every ``StoreUnavailable`` is reported to
``on_unavailable`` (the metrics count them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lineage.errors import StoreUnavailable
from lineage.store.base import LineageStore, PlanStep, RawResult, Row, Tx
from lineage.store.registry import NEO4J_SCHEMES, default_url, open_store

T = TypeVar("T")


def backend_of(url: str) -> str:
    """The backend a store URL names; StoreUnavailable for a scheme no backend serves."""
    scheme = urlsplit(url).scheme
    if scheme == "ladybug":
        return "ladybug"
    if scheme in NEO4J_SCHEMES:
        return "neo4j"
    schemes = ", ".join(("ladybug", *NEO4J_SCHEMES))
    raise StoreUnavailable(f"unknown store URL scheme {scheme!r}: one of {schemes}")


class ReconnectingStore(LineageStore):
    """Opens ``url`` on first use, and guards every call with a circuit breaker.

    When a call finds the store unavailable (it could not be opened, or a server stopped answering),
    calls for the next ``retry_after`` seconds fail at once with the same reason instead of each
    waiting on the network. After that one call at a time goes through as a probe: its success closes
    the breaker, its failure keeps it open. So an outage costs its first caller the backend's own
    timeout, everyone else a prompt 503, and recovery needs nothing but the store coming back.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        retry_after: float = 1.0,
        opener: Callable[[str], LineageStore] = open_store,
        on_unavailable: Callable[[], None] | None = None,
    ) -> None:
        self.url = url or default_url()
        # An instance value on purpose: the backend is known from the URL before the store opens.
        self.backend = backend_of(self.url)  # type: ignore[misc]
        self._retry_after = retry_after
        self._opener = opener
        self._on_unavailable = on_unavailable or (lambda: None)
        self._lock = threading.Lock()  # guards the breaker
        self._open_lock = threading.Lock()  # guards opening, which may take the backend's timeout
        self._inner: LineageStore | None = None
        self._tripped: tuple[float, str] | None = None  # (when a probe may go, why the store is down)
        self._probing = False
        self._closed = False

    def _store(self) -> LineageStore:
        with self._open_lock:
            if self._closed:
                raise StoreUnavailable("the store has been closed")
            if self._inner is None:
                self._inner = self._opener(self.url)
            return self._inner

    def _admit(self) -> None:
        with self._lock:
            if self._tripped is None:
                return
            retry_at, reason = self._tripped
            if self._probing or time.monotonic() < retry_at:
                self._on_unavailable()
                raise StoreUnavailable(reason)
            self._probing = True

    def _settle(self, failure: StoreUnavailable | None) -> None:
        with self._lock:
            self._probing = False
            self._tripped = None if failure is None else (time.monotonic() + self._retry_after, str(failure))

    def _guarded(self, call: Callable[[LineageStore], T]) -> T:
        self._admit()
        try:
            result = call(self._store())
        except StoreUnavailable as exc:
            self._settle(exc)
            self._on_unavailable()
            raise
        except Exception:
            self._settle(None)  # the store answered, if only with a refusal
            raise
        self._settle(None)
        return result

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._guarded(lambda store: store._read(query, params))

    def _write(self, work: Callable[[Tx], T]) -> T:
        return self._guarded(lambda store: store._write(work))

    def _reading(self, work: Callable[[Tx], T]) -> T:
        return self._guarded(lambda store: store._reading(work))

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        return self._guarded(lambda store: store._raw_read(text, params, limit, timeout))

    def _profile(self, query: str, params: Mapping[str, Any]) -> list[PlanStep]:
        return self._guarded(lambda store: store._profile(query, params))

    def close(self) -> None:
        with self._open_lock:
            self._closed = True
            if self._inner is not None:
                self._inner.close()
                self._inner = None
