"""Helpers for the API tests: a real uvicorn server in a thread, and the clients that talk to it.

The server runs the app over real TCP, so the GraphQL client library and the OpenLineage client speak
HTTP to it exactly as they would to a deployed server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
import uvicorn
from gql import Client
from gql.transport.httpx import HTTPXTransport
from openlineage.client import OpenLineageClient
from openlineage.client.transport.http import ApiKeyTokenProvider, HttpConfig, HttpTransport, TokenProvider
from starlette.applications import Starlette
from starlette.testclient import TestClient

from lineage.api.auth import TokenSet
from lineage.ingest.batches import merge, run_batch
from lineage.model import Batch, Node, NodeKind, Subgraph
from lineage.model import Run as ModelRun
from lineage.store.base import LineageStore, Row, Tx
from lineage.store.delegating import DelegatingStore

T = TypeVar("T")

RO_TOKEN = "ro-token-0123456789abcdef"
RW_TOKEN = "rw-token-0123456789abcdef"
TOKENS = TokenSet.parse(f"ro:{RO_TOKEN}, rw:{RW_TOKEN}", "the tests")


class CountingStore(DelegatingStore):
    """A real store with a tally: the database queries it ran, the traversals it was asked for, and
    the calls still in flight. It hands the backend's work to ``inner``."""

    def __init__(self, inner: LineageStore) -> None:
        self.inner = inner
        self.url = inner.url
        self.backend = inner.backend  # type: ignore[misc]
        self.reads = 0
        self.traversals = 0
        self._in_flight = 0
        self._idle = threading.Condition()

    @contextmanager
    def _tracked(self) -> Iterator[None]:
        with self._idle:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 30) -> None:
        """Wait until no call is running (a refused request may leave earlier calls finishing)."""
        with self._idle:
            assert self._idle.wait_for(lambda: self._in_flight == 0, timeout), "store calls still running"

    def _target(self) -> LineageStore:
        return self.inner

    def _call(self, use: Callable[[LineageStore], T]) -> T:
        with self._tracked():
            return use(self.inner)

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        self.reads += 1
        return super()._read(query, params)

    def _reading(self, work: Callable[[Tx], T]) -> T:
        def counted(read: Tx) -> T:
            def query(text: str, params: Mapping[str, Any]) -> list[Row]:
                self.reads += 1
                return read(text, params)

            return work(query)

        return super()._reading(counted)

    def upstream(self, uid: str, **options: Any) -> Subgraph:
        with self._tracked():
            self.traversals += 1
            return super().upstream(uid, **options)

    def downstream(self, uid: str, **options: Any) -> Subgraph:
        with self._tracked():
            self.traversals += 1
            return super().downstream(uid, **options)

    def close(self) -> None:
        """The inner store belongs to whoever opened it."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yield its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def local_client(app: Starlette) -> TestClient:
    """A TestClient calling the app as a local client would, at ``http://localhost``: the app answers
    loopback host names only, and TestClient's own default host (``testserver``) is not one."""
    return TestClient(app, base_url="http://localhost")


def graphql(client: TestClient, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST a query; return the decoded answer (data and errors), whatever the status."""
    return client.post("/graphql", json={"query": query, "variables": variables or {}}, **kw).json()


def openlineage_client(base_url: str, token: str | None = None, *, retries: bool = True) -> OpenLineageClient:
    """The real openlineage-python client with its HTTP transport, configured as a user would. A test
    that expects an error turns ``retries`` off, to see it at once rather than after five backed-off
    attempts."""
    config = HttpConfig(
        url=base_url,
        auth=ApiKeyTokenProvider({"apiKey": token}) if token else TokenProvider({}),
        **({} if retries else {"retry": {"total": 0}}),
    )
    return OpenLineageClient(transport=HttpTransport(config))


def gql_client(base_url: str, token: str | None = None) -> Client:
    """The gql library's client over HTTP, as an application would use it."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(
        transport=HTTPXTransport(url=f"{base_url}/graphql", headers=headers),
        fetch_schema_from_transport=False,
    )


class TcpProxy:
    """A TCP relay to a real server that can be cut and restored: the server is not touched, but to
    whoever connects through the proxy it goes away and comes back, as over a failing network."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        with self._lock:
            sockets, self._open = [*self._open, *([self._listener] if self._listener else [])], []
            self._listener = None
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


def wide_lineage(features: int, datasets_per_feature: int, name: str = "wide") -> tuple[Batch, str]:
    """A model trained on ``features`` features, each extracted from its own datasets by its own run:
    an upstream subgraph of ``1 + features * (1 + datasets_per_feature)`` nodes, two hops deep, in
    which every node but the datasets has a producing run. ``name`` prefixes every name, so several
    such graphs fit in one store. Returns the batch and the model's uid."""
    extracted = []
    feature_nodes = []
    for f in range(features):
        feature = Node(kind=NodeKind.FEATURE, name=f"{name}_feature_{f}", version="1", owner="bench")
        datasets = [
            Node(kind=NodeKind.DATASET, name=f"{name}_table_{f}_{d}", version="1", checksum=f"sha256:{f}-{d}")
            for d in range(datasets_per_feature)
        ]
        run = ModelRun(uid=f"{name}-extract-{f}", name="extract", code_version="git:abc", status="COMPLETE")
        extracted.append(run_batch(run, datasets, [feature]))
        feature_nodes.append(feature)
    model = Node(kind=NodeKind.MODEL, name=name, version="1", metadata={"auc": 0.9})
    train = ModelRun(uid=f"{name}-train", name="train", code_version="git:abc", parameters={"depth": 6})
    return merge(*extracted, run_batch(train, feature_nodes, [model])), model.uid


LINEAGE = [sys.executable, "-c", "from lineage.cli import main; main()"]


@contextmanager
def lineage_serve(*args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Run `lineage serve ARGS` on a free port until the block ends; yield its URL and, once it has
    stopped, its output lines (the list fills in when the block exits)."""
    port = free_port()
    process = subprocess.Popen(
        [*LINEAGE, *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env or environment(),
    )
    url = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.communicate()[0]
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "lineage serve did not come up"
            time.sleep(0.2)
        yield url, output
    finally:
        process.send_signal(signal.SIGTERM)
        text, _ = process.communicate(timeout=60)
        output += text.splitlines()


def environment() -> dict[str, str]:
    """This process's environment without LINEAGE_* settings, so each test says what it configures."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}
