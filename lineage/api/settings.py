"""What a running API is configured with, from keyword arguments or from the environment.

``lineage serve`` passes its options to the worker processes through the environment (uvicorn needs an
import string and a factory to run several workers), so ``Settings.from_env`` is the one place that
reads it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lineage.api.auth import TokenSet
from lineage.api.hosts import LOOPBACK_HOSTS, checked_hosts
from lineage.errors import InvalidInput
from lineage.store.base import MAX_DEPTH


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
        reconnect_interval: seconds between attempts to open a store that could not be opened.
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
        object.__setattr__(self, "allowed_hosts", checked_hosts(self.allowed_hosts))

    @classmethod
    def from_env(cls) -> Settings:
        """``LINEAGE_STORE``, ``LINEAGE_MAX_DEPTH``, ``LINEAGE_TOKENS``, ``LINEAGE_TOKENS_FILE`` and
        ``LINEAGE_ALLOWED_HOSTS`` (names served besides the loopback ones, comma or space separated)."""
        depth_text = os.environ.get("LINEAGE_MAX_DEPTH", "").strip()
        try:
            max_depth = int(depth_text) if depth_text else MAX_DEPTH
        except ValueError:
            raise InvalidInput(f"LINEAGE_MAX_DEPTH={depth_text!r} is not a whole number") from None
        tokens_file = os.environ.get("LINEAGE_TOKENS_FILE", "").strip()
        return cls(
            store_url=os.environ.get("LINEAGE_STORE", "").strip() or None,
            max_depth=max_depth,
            allowed_hosts=(
                *LOOPBACK_HOSTS,
                *(h for h in re.split(r"[\s,]+", os.environ.get("LINEAGE_ALLOWED_HOSTS", "")) if h),
            ),
            tokens=TokenSet.configured(
                os.environ.get("LINEAGE_TOKENS", ""), Path(tokens_file) if tokens_file else None
            ),
        )
