"""A store the server can start without, and that comes back by itself.

A server must not die because Neo4j is still starting or briefly away. ``ReconnectingStore`` is a
complete ``LineageStore``: it supplies the four backend primitives by delegating to the real store,
which it opens on first use, and opens again on a later call when opening failed. Once a Neo4j store
is open, its driver reconnects by itself, so only opening needs retrying here. Every
``StoreUnavailable`` is reported to ``on_unavailable`` (the metrics count them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lineage.errors import StoreUnavailable
from lineage.store.base import LineageStore, RawResult, Row, Tx
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
    """Opens ``url`` lazily; while it cannot be opened, calls fail fast with the last reason for
    ``retry_after`` seconds, then the next call tries again."""

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
        self._lock = threading.Lock()
        self._inner: LineageStore | None = None
        self._failed: tuple[float, str] | None = None
        self._closed = False

    def _store(self) -> LineageStore:
        inner = self._inner
        if inner is not None:
            return inner
        with self._lock:
            if self._inner is None:
                self._inner = self._open()
            return self._inner

    def _open(self) -> LineageStore:
        if self._closed:
            raise StoreUnavailable("the store has been closed")
        if self._failed and time.monotonic() - self._failed[0] < self._retry_after:
            raise StoreUnavailable(self._failed[1])
        try:
            store = self._opener(self.url)
        except StoreUnavailable as exc:
            self._failed = (time.monotonic(), str(exc))
            raise
        self._failed = None
        return store

    def _guarded(self, call: Callable[[LineageStore], T]) -> T:
        try:
            return call(self._store())
        except StoreUnavailable:
            self._on_unavailable()
            raise

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._guarded(lambda store: store._read(query, params))

    def _write(self, work: Callable[[Tx], T]) -> T:
        return self._guarded(lambda store: store._write(work))

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        return self._guarded(lambda store: store._raw_read(text, params, limit, timeout))

    @property
    def is_open(self) -> bool:
        return self._inner is not None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._inner is not None:
                self._inner.close()
                self._inner = None
