"""``lineage.connect()``: a client on a lineage server or on a store, the same API on either.

Chosen in this order: ``url`` (and ``token``) or ``store`` when given; else ``LINEAGE_URL`` (with
``LINEAGE_TOKEN``); else ``LINEAGE_STORE``; else the default embedded store.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Literal, ParamSpec, Protocol, TypeVar, overload

from lineage.held import holding_server
from lineage.model import Prediction
from lineage.remote import Server, from_environment
from lineage.sdk.local import StoreTarget
from lineage.sdk.logger import PredictionLogger
from lineage.sdk.run import Run, RunTarget
from lineage.sdk.server import ServerTarget
from lineage.store.base import LineageStore
from lineage.store.registry import default_url, open_store

P = ParamSpec("P")
R = TypeVar("R")

DEFAULT_NAMESPACE = "lineage-sdk"


class Target(RunTarget, Protocol):
    def record_predictions(self, model_uid: str, predictions: Sequence[Prediction]) -> None: ...

    def close(self) -> None: ...


class Client:
    """Records runs and predictions on one store or server. Close it (or use it as a context manager)
    when done; it closes a store or connection it opened itself."""

    def __init__(self, target: Target, *, namespace: str = DEFAULT_NAMESPACE) -> None:
        self._target = target
        self.namespace = namespace

    @property
    def store(self) -> LineageStore | None:
        """The store written to, when it is local (for reading what was recorded); None over HTTP."""
        return self._target.store if isinstance(self._target, StoreTarget) else None

    def run(self, name: str, *, params: dict[str, Any] | None = None) -> Run:
        """A run of the pipeline step ``name``, to use as ``with client.run(...) as run:``."""
        return Run(self._target, name, params=params, namespace=self.namespace)

    @overload
    def track(self, name: Callable[P, R], *, params: None = None) -> Callable[P, R]: ...

    @overload
    def track(
        self, name: str | None = None, *, params: dict[str, Any] | None = None
    ) -> Callable[[Callable[P, R]], Callable[P, R]]: ...

    def track(self, name: Any = None, *, params: dict[str, Any] | None = None) -> Any:
        """Decorate a function so that every call is a run (named ``name``, by default the function's
        qualified name). Inside, ``lineage.current_run()`` is that run. ``@client.track`` works too."""
        if callable(name):
            return self.track()(name)

        def decorate(function: Callable[P, R]) -> Callable[P, R]:
            @functools.wraps(function)
            def tracked(*args: P.args, **kwargs: P.kwargs) -> R:
                with self.run(name or function.__qualname__, params=params):
                    return function(*args, **kwargs)

            return tracked

        return decorate

    def prediction_logger(
        self,
        model_uid: str,
        *,
        name: str | None = None,
        flush_every: int = 1000,
        flush_seconds: float = 1.0,
        max_buffer: int = 100_000,
        when_full: Literal["block", "raise"] = "block",
        max_batch: int = 10_000,
        retries: int = 5,
        backoff: float = 0.2,
    ) -> PredictionLogger:
        """A logger of the predictions of one model version (see PredictionLogger)."""
        return PredictionLogger(
            self._target,
            model_uid,
            name=name,
            flush_every=flush_every,
            flush_seconds=flush_seconds,
            max_buffer=max_buffer,
            when_full=when_full,
            max_batch=max_batch,
            retries=retries,
            backoff=backoff,
        )

    def close(self) -> None:
        self._target.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def connect(
    url: str | None = None,
    token: str | None = None,
    *,
    store: str | LineageStore | None = None,
    namespace: str = DEFAULT_NAMESPACE,
) -> Client:
    """A client on the server at ``url`` (with ``token``), or on ``store`` (a URL such as
    ``ladybug:///dir`` or ``bolt://host:7687``, or an open store, which stays the caller's to close);
    with neither, on ``LINEAGE_URL``/``LINEAGE_TOKEN``, else ``LINEAGE_STORE``, else the default store.
    An embedded store that a running ``lineage serve`` holds is reached through that server.
    ``namespace`` is the OpenLineage job namespace of the runs (kept in their environment)."""
    if url is not None and store is not None:
        raise ValueError("connect to a server (url) or a store, not both")
    target: Target
    if isinstance(store, LineageStore):
        target = StoreTarget(store, owned=False)
    elif store is not None:
        target = _store_target(store)
    elif url is not None:
        target = ServerTarget(Server(url, token))
    else:
        server = from_environment()
        target = ServerTarget(server) if server else _store_target(default_url())
    return Client(target, namespace=namespace)


def _store_target(url: str) -> Target:
    """The store at ``url``, or, while a ``lineage serve`` holds that embedded store, that server (as
    the CLI does: the store's lock admits one process)."""
    held = holding_server(url)
    if held is not None:
        return ServerTarget(Server(held.url, os.environ.get("LINEAGE_TOKEN") or None))
    return StoreTarget(open_store(url), owned=True)
