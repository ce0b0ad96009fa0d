"""What ``lineage serve`` does: check the options, load the demo if asked, run uvicorn.

uvicorn runs the app from an import string and a factory (``lineage.api.app:app_from_env``), which
several workers need; the options reach the app, in every worker, through ``LINEAGE_*`` environment
variables.
"""

from __future__ import annotations

import copy
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
import uvicorn.config

from lineage.api.auth import TokenSet
from lineage.api.hosts import WILDCARD_ADDRESSES, checked_hosts
from lineage.api.reconnect import backend_of
from lineage.errors import InvalidInput
from lineage.store.registry import open_store

APP_FACTORY = "lineage.api.app:app_from_env"


@dataclass(frozen=True, kw_only=True)
class ServeOptions:
    store_url: str
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    demo: bool = False
    max_depth: int = 50
    connect_timeout: float = 5.0
    query_timeout: float = 30.0
    tokens_file: Path | None = None
    no_auth: bool = False
    allowed_hosts: tuple[str, ...] = ()
    openlineage_validate: str = "lenient"

    def served_hosts(self) -> tuple[str, ...]:
        """The Host names to answer besides the loopback ones: the address served (unless it is
        every address, which no client sends as a Host) and those given."""
        own = () if self.host in WILDCARD_ADDRESSES else (self.host,)
        return checked_hosts((*own, *self.allowed_hosts))


def check(options: ServeOptions) -> TokenSet | None:
    """Refuse what cannot work or would be unsafe, with the reason; return the configured tokens."""
    options.served_hosts()  # a malformed --allowed-host is refused before anything starts
    if options.workers > 1 and backend_of(options.store_url) == "ladybug":
        raise InvalidInput(
            f"--workers {options.workers} needs a shared store: one process owns an embedded LadybugDB "
            "directory, so serve it with one worker, or use Neo4j (bolt://...) for several"
        )
    tokens = TokenSet.configured(os.environ.get("LINEAGE_TOKENS", ""), options.tokens_file)
    if tokens is None and not options.no_auth and not is_loopback(options.host):
        raise InvalidInput(
            f"refusing to serve on {options.host} without tokens: anyone who can reach it could write. "
            "Set LINEAGE_TOKENS or --tokens-file, or pass --no-auth if that is what you want"
        )
    return tokens


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_demo_if_empty(url: str) -> str:
    """Load the demo into an empty store; never mix it into a store that holds other lineage."""
    from lineage.demo import load_demo

    with open_store(url) as store:
        held = sum(count for what, count in store.stats().items() if what not in ("runs", "edges"))
        if held:
            return f"the store already holds {held} nodes: the demo is loaded only into an empty store"
        load_demo(store)
        return "demo graph loaded"


def serve(options: ServeOptions) -> None:
    """Run the server until interrupted."""
    os.environ["LINEAGE_STORE"] = options.store_url
    os.environ["LINEAGE_MAX_DEPTH"] = str(options.max_depth)
    os.environ["LINEAGE_ALLOWED_HOSTS"] = " ".join(options.served_hosts())
    os.environ["LINEAGE_CONNECT_TIMEOUT"] = str(options.connect_timeout)
    os.environ["LINEAGE_QUERY_TIMEOUT"] = str(options.query_timeout)
    os.environ["LINEAGE_OPENLINEAGE_VALIDATE"] = options.openlineage_validate
    if options.tokens_file is not None:
        os.environ["LINEAGE_TOKENS_FILE"] = str(options.tokens_file)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=options.host,
        port=options.port,
        workers=options.workers,
        log_level="info",
        log_config=_log_config(),
    )


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with this package's own log lines (store status at startup) shown too."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["lineage"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
