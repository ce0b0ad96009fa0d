"""A store the server can start without, and that comes back by itself.

A server must not die because Neo4j is still starting or briefly away. ``ReconnectingStore`` is a
complete ``LineageStore``: it hands the backend's work to the real store (see ``DelegatingStore``),
which it opens on first use, and tries to open again on a later call when opening failed. Once a
Neo4j store is open, its driver reconnects by itself. Every ``StoreUnavailable`` is reported to
``on_unavailable`` (the metrics count them).

Opening runs on a thread of its own, and no lock is held while it waits on the network: callers that
arrive meanwhile wait for that one opening, each for at most ``open_wait`` seconds, and share its
result; none of them starts another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar
from urllib.parse import urlsplit

from lineage.errors import LineageError, StoreUnavailable
from lineage.store.base import LineageStore
from lineage.store.delegating import DelegatingStore
from lineage.store.registry import NEO4J_SCHEMES, default_url, open_store

T = TypeVar("T")
log = logging.getLogger("lineage.api")


def backend_of(url: str) -> str:
    """The backend a store URL names; StoreUnavailable for a scheme no backend serves."""
    scheme = urlsplit(url).scheme
    if scheme == "ladybug":
        return "ladybug"
    if scheme in NEO4J_SCHEMES:
        return "neo4j"
    schemes = ", ".join(("ladybug", *NEO4J_SCHEMES))
    raise StoreUnavailable(f"unknown store URL scheme {scheme!r}: one of {schemes}")


class ReconnectingStore(DelegatingStore):
    """Opens ``url`` on first use, and guards every call with a circuit breaker.

    When a call finds the store unavailable (it could not be opened, or a server stopped answering),
    calls for the next ``retry_after`` seconds fail at once with the same reason instead of each
    waiting on the network. After that one call at a time goes through as a probe: its success closes
    the breaker, its failure keeps it open. So an outage costs its first callers the store's connect
    or query timeout, everyone else a prompt 503, and recovery needs nothing but the store coming back.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        retry_after: float = 1.0,
        open_wait: float = 5.0,
        opener: Callable[[str], LineageStore] = open_store,
        on_unavailable: Callable[[], None] | None = None,
    ) -> None:
        self.url = url or default_url()
        # An instance value on purpose: the backend is known from the URL before the store opens.
        self.backend = backend_of(self.url)  # type: ignore[misc]
        self._retry_after = retry_after
        self._open_wait = open_wait
        self._opener = opener
        self._on_unavailable = on_unavailable or (lambda: None)
        self._lock = threading.Lock()  # guards the breaker and the fields below; never held over I/O
        self._inner: LineageStore | None = None
        self._opening: Future[LineageStore] | None = None
        self._tripped: tuple[float, str] | None = None  # (when a probe may go, why the store is down)
        self._probing = False
        self._closed = False

    def _target(self) -> LineageStore:
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the store has been closed")
            if self._inner is not None:
                return self._inner
            if self._opening is None:
                self._opening = Future()
                threading.Thread(
                    target=self._open, args=(self._opening,), name="open-store", daemon=True
                ).start()
            opening = self._opening
        try:
            failure = opening.exception(timeout=self._open_wait)
        except TimeoutError:
            raise StoreUnavailable(f"the store is still opening after {self._open_wait:g} s") from None
        if failure is not None:
            raise StoreUnavailable(str(failure))
        return opening.result()

    def _open(self, opening: Future[LineageStore]) -> None:
        failure: Exception
        try:
            store = self._opener(self.url)
        except LineageError as exc:
            failure = exc
        except Exception as exc:  # a backend error while opening (Neo4j stopping midway) is an outage too
            log.warning("opening the store failed", exc_info=True)
            failure = StoreUnavailable(f"cannot open the store: {type(exc).__name__}: {exc}")
        else:
            with self._lock:
                self._opening = None
                closed = self._closed
                if not closed:
                    self._inner = store
            if not closed:
                opening.set_result(store)
                return
            store.close()
            failure = StoreUnavailable("the store has been closed")
        with self._lock:
            self._opening = None  # a later call tries again
        opening.set_exception(failure)

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

    def _call(self, use: Callable[[LineageStore], T]) -> T:
        self._admit()
        try:
            result = use(self._target())
        except StoreUnavailable as exc:
            self._settle(exc)
            self._on_unavailable()
            raise
        except Exception:
            self._settle(None)  # the store answered, if only with a refusal
            raise
        self._settle(None)
        return result

    def close(self) -> None:
        """Close the store; one still opening is closed as soon as it is open."""
        with self._lock:
            self._closed = True
            inner, self._inner = self._inner, None
        if inner is not None:
            inner.close()
