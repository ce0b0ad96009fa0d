"""What ``lineage serve`` does: check the options, load the demo if asked, run uvicorn.

uvicorn runs the app from an import string and a factory (``lineage.api.app:app_from_env``), which
several workers need; the options reach the app, in every worker, through ``LINEAGE_*`` environment
variables.
"""

from __future__ import annotations

import copy
import ipaddress
import logging
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
import uvicorn.config

from lineage.api.auth import TokenSet
from lineage.api.hosts import WILDCARD_ADDRESSES, checked_hosts
from lineage.api.reconnect import backend_of
from lineage.errors import InvalidInput
from lineage.held import ServerRecord, holding_server, record_path, release
from lineage.store.registry import open_store

APP_FACTORY = "lineage.api.app:app_from_env"
log = logging.getLogger("lineage.api")
STARTUP_FAILURE = 3
"""uvicorn's exit status when the server could not start."""


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
    held = holding_server(options.store_url)
    if held is not None:
        raise InvalidInput(
            f"the store at {options.store_url} is already served by {held.url} (pid {held.pid}): "
            "use that server, or stop it first"
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
    settings: dict[str, Any] = {
        "factory": True,
        "host": options.host,
        "port": options.port,
        "log_level": "info",
        "log_config": _log_config(),
    }
    if options.workers > 1:
        uvicorn.run(APP_FACTORY, workers=options.workers, **settings)
        return
    server = _HoldingServer(uvicorn.Config(APP_FACTORY, **settings), store_url=options.store_url)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        release(options.store_url)
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class _HoldingServer(uvicorn.Server):
    """uvicorn's server that, once it listens on an embedded store, leaves the record by which the
    ``lineage`` command finds it (``lineage.held``), and removes it as it stops."""

    def __init__(self, config: uvicorn.Config, *, store_url: str) -> None:
        super().__init__(config)
        self.store_url = store_url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        path = record_path(self.store_url)
        if not self.started or path is None:
            return
        url = _url_of(self.servers[0].sockets[0].getsockname())
        ServerRecord(url=url, pid=os.getpid()).write(path)
        log.info("lineage commands on this store go through %s (record: %s)", url, path)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Here, not only after run(): uvicorn ends the process by re-raising the signal that stopped it.
        release(self.store_url)
        await super().shutdown(sockets)


def _url_of(address: tuple[Any, ...]) -> str:
    """The URL a client on this machine reaches a listening address by."""
    host, port = address[0], address[1]
    if host in WILDCARD_ADDRESSES:
        host = "127.0.0.1" if ":" not in host else "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, with this package's own log lines (store status at startup) shown too."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["lineage"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
