"""What a running API is configured with, from keyword arguments or from the environment.

``lineage serve`` passes its options to the worker processes through the environment (uvicorn needs an
import string and a factory to run several workers), so ``Settings.from_env`` is the one place that
reads it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lineage.api.auth import TokenSet
from lineage.api.hosts import LOOPBACK_HOSTS, checked_hosts
from lineage.errors import InvalidInput
from lineage.ingest.ol_validate import Mode
from lineage.query import MAX_DEPTH
from lineage.store.timeouts import Timeouts


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Limits and auth for one app.

    Args:
        store_url: the store to open (``None``: ``LINEAGE_STORE`` or the default embedded store).
        max_depth: the largest traversal depth a request may ask for (at most the store's own cap).
        max_query_depth: the deepest GraphQL selection nesting accepted (introspection not counted).
        max_tokens: the most GraphQL tokens in one document.
        max_aliases: the most aliases in one document (each alias can be a whole traversal).
        max_traversals: the most traversals (upstream, downstream, impact, audit, path) one request may run.
        max_predictions: the most predictions one ``recordPredictions`` call may carry.
        max_body_bytes: the largest request body accepted (any route), after decompression.
        max_json_depth: the deepest nesting of objects and arrays a JSON body may have.
        allowed_hosts: the ``Host`` names served (``*.domain`` and ``*`` match many); the loopback
            names by default.
        max_login_failures: failed sign-ins a client address may make in a minute before it waits.
        tokens: bearer tokens; ``None`` turns auth off.
        reconnect_interval: seconds between attempts to reach a store that was unavailable.
        connect_timeout: seconds to open the store, or a connection to its server, before answering 503.
        query_timeout: seconds one store transaction may run before the request gets a 503.
        openlineage_validate: ``strict`` refuses OpenLineage events that fail the spec's JSON Schemas;
            ``lenient`` records them and counts their violations (docs/openlineage.md).
    """

    store_url: str | None = None
    max_depth: int = MAX_DEPTH
    max_query_depth: int = 12
    max_tokens: int = 2000
    max_aliases: int = 15
    max_traversals: int = 20
    max_predictions: int = 10_000
    max_body_bytes: int = 5_000_000
    max_json_depth: int = 64
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    max_login_failures: int = 10
    tokens: TokenSet | None = field(default=None, repr=False)
    reconnect_interval: float = 1.0
    connect_timeout: float = 5.0
    query_timeout: float = 30.0
    openlineage_validate: Mode = Mode.LENIENT

    def __post_init__(self) -> None:
        if isinstance(self.max_depth, bool) or not 1 <= self.max_depth <= MAX_DEPTH:
            raise InvalidInput(f"max depth {self.max_depth!r} out of range: 1 to {MAX_DEPTH}")
        for name in (
            "max_query_depth",
            "max_tokens",
            "max_aliases",
            "max_traversals",
            "max_predictions",
            "max_body_bytes",
            "max_json_depth",
            "max_login_failures",
        ):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1")
        for name in ("reconnect_interval", "connect_timeout", "query_timeout"):
            if not getattr(self, name) > 0:
                raise InvalidInput(f"{name} must be a positive number of seconds")
        object.__setattr__(self, "allowed_hosts", checked_hosts(self.allowed_hosts))
        object.__setattr__(self, "openlineage_validate", _mode(self.openlineage_validate))

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(connect=self.connect_timeout, query=self.query_timeout)

    @property
    def retry_after(self) -> str:
        """The ``Retry-After`` header of a 503: when the circuit breaker lets the next call through."""
        return str(max(1, math.ceil(self.reconnect_interval)))

    @classmethod
    def from_env(cls) -> Settings:
        """``LINEAGE_STORE``, ``LINEAGE_MAX_DEPTH``, ``LINEAGE_CONNECT_TIMEOUT``, ``LINEAGE_QUERY_TIMEOUT``,
        ``LINEAGE_TOKENS``, ``LINEAGE_TOKENS_FILE``, ``LINEAGE_ALLOWED_HOSTS`` (names served besides
        the loopback ones, comma or space separated) and ``LINEAGE_OPENLINEAGE_VALIDATE``."""
        tokens_file = os.environ.get("LINEAGE_TOKENS_FILE", "").strip()
        return cls(
            store_url=os.environ.get("LINEAGE_STORE", "").strip() or None,
            max_depth=_number("LINEAGE_MAX_DEPTH", int, MAX_DEPTH),
            connect_timeout=_number("LINEAGE_CONNECT_TIMEOUT", float, cls.connect_timeout),
            query_timeout=_number("LINEAGE_QUERY_TIMEOUT", float, cls.query_timeout),
            openlineage_validate=_mode(
                os.environ.get("LINEAGE_OPENLINEAGE_VALIDATE", "").strip() or Mode.LENIENT
            ),
            allowed_hosts=(
                *LOOPBACK_HOSTS,
                *(h for h in re.split(r"[\s,]+", os.environ.get("LINEAGE_ALLOWED_HOSTS", "")) if h),
            ),
            tokens=TokenSet.configured(
                os.environ.get("LINEAGE_TOKENS", ""), Path(tokens_file) if tokens_file else None
            ),
        )


N = TypeVar("N", int, float)


def _number(variable: str, kind: type[N], default: N) -> N:
    text = os.environ.get(variable, "").strip()
    try:
        return kind(text) if text else default
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise InvalidInput(f"{variable}={text!r} is not {what}") from None


def _mode(value: str) -> Mode:
    try:
        return Mode(value.lower())
    except ValueError:
        modes = " or ".join(m.value for m in Mode)
        raise InvalidInput(f"OpenLineage validation mode {value!r}: expected {modes}") from None
