"""What a crash or an outage costs: nothing acknowledged is lost, and nobody waits long to hear of it.

- A real ``lineage serve`` is killed (SIGKILL) while concurrent clients stream OpenLineage events and
  GraphQL batches into it; after a restart every write that got a 2xx is there whole, and no write is
  half there.
- The Neo4j under a serving ``lineage serve`` is frozen (SIGSTOP), continued, stopped and started
  again while 20 clients keep asking: every answer is a success or a 503, each within a few seconds,
  and the server recovers by itself.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore, open_store
from tests.api_support import free_port, local_client
from tests.conftest import _neo4j_required
from tests.neo4j_server import Neo4jUnavailable, RunningNeo4j, start_neo4j
from tests.test_openlineage_events import NS, dataset, facet, run_event

ROOT = Path(__file__).resolve().parent.parent
# Short bounds for the outage test, so an outage shows within its patience: a frozen Neo4j answers 503
# within the query timeout plus the connect timeout, 4 s.
SHORT_TIMEOUTS = ("--connect-timeout", "1", "--query-timeout", "3")
SLOWEST_ANSWER = 7.0  # that bound, with room for a machine busy with other work


def poll(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


class Served:
    """``lineage serve`` on a free port, in a process of its own (this checkout's code), logging to a file."""

    def __init__(self, store_url: str, log: Path, options: tuple[str, ...]) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        environment = {k: v for k, v in os.environ.items() if not k.startswith("LINEAGE_")}
        environment["PYTHONPATH"] = str(ROOT)
        command = ["--store", store_url, "serve", "--port", str(port), *options]
        with log.open("a") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from lineage.cli import main; main()", *command],
                stdout=output,
                stderr=subprocess.STDOUT,
                env=environment,
            )

    def healthy(self) -> bool:
        assert self.process.poll() is None, f"lineage serve exited:\n{self.log.read_text()}"
        try:
            return httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def end(self, sig: signal.Signals) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait(timeout=30)


@contextmanager
def serving(store_url: str, log: Path, *options: str) -> Iterator[Served]:
    """A ``lineage serve OPTIONS`` that answers /healthz with 200; stopped (SIGTERM) when the block ends."""
    served = Served(store_url, log, options)
    try:
        poll(served.healthy, 60, "lineage serve to come up")
        yield served
    finally:
        served.end(signal.SIGTERM)


# --- kill -9 in the middle of a stream of writes ------------------------------------------------------


@dataclass
class Write:
    """One write a client sends: a run with the inputs it read and the outputs it produced, and the
    request that records it."""

    run: str
    inputs: list[str]
    outputs: list[str]
    path: str
    body: dict[str, Any]
    answer: int | None = None  # the HTTP status; None when none came (the server died first)
    acknowledged: bool = False

    def send(self, client: httpx.Client) -> None:
        answer = client.post(self.path, json=self.body)
        self.answer = answer.status_code
        self.acknowledged = answer.is_success and "errors" not in answer.json()


def event(tag: str) -> Write:
    """An OpenLineage COMPLETE event: one input dataset, two outputs."""
    run_id = str(uuid.uuid4())
    version = {"version": facet(datasetVersion="1")}
    names = [f"in-{tag}", f"out-{tag}-a", f"out-{tag}-b"]
    inputs, outputs = [dataset(names[0], **version)], [dataset(name, **version) for name in names[1:]]
    return Write(
        run_id,
        [f"dataset:{NS}/{names[0]}@1"],
        [f"dataset:{NS}/{name}@1" for name in names[1:]],
        "/api/v1/lineage",
        run_event(run_id, inputs=inputs, outputs=outputs),
    )


RECORD_RUN = """
mutation Record($input: RecordRunInput!) { recordRun(input: $input) { written { createdNodes } } }
"""


def batch(tag: str) -> Write:
    """A GraphQL ``recordRun``: two inputs and six outputs, one transaction."""
    run, inputs = f"batch-{tag}", [f"dataset:batch-in-{tag}-{i}@1" for i in range(2)]
    outputs = [f"feature:batch-out-{tag}-{i}@1" for i in range(6)]
    recorded = {
        "run": {"uid": run, "name": "extract"},
        "inputs": [{"uid": uid} for uid in inputs],
        "outputs": [{"uid": uid, "metadata": {"tag": tag}} for uid in outputs],
    }
    return Write(run, inputs, outputs, "/graphql", {"query": RECORD_RUN, "variables": {"input": recorded}})


def stream_writes(url: str, clients: int, kill: Callable[[int], bool]) -> list[Write]:
    """Writes from ``clients`` threads, batches and events in turn, until the server is gone; ``kill``
    is told the number of acknowledged writes after each one and kills the server when it says so."""
    sent: list[Write] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)
    acknowledged = itertools.count(1)

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            start.wait()
            for n in itertools.count():
                write = (event if n % 2 else batch)(f"{number}-{n}-{uuid.uuid4().hex[:8]}")
                with lock:
                    sent.append(write)
                try:
                    write.send(http)
                except httpx.TransportError:
                    return  # the server is gone
                with lock:
                    if write.acknowledged and kill(next(acknowledged)):
                        return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a client hung"
    return sent


def outcome(store: LineageStore, write: Write) -> str:
    """``whole``, ``absent``, or what is half there."""
    run = store.get_runs([write.run]).get(write.run)
    nodes = store.get_nodes([*write.inputs, *write.outputs])
    edges = {
        (edge.source, edge.target)
        for uid in write.outputs
        if uid in nodes
        for edge in store.upstream(uid, depth=1).edges
    }
    expected = {(output, source) for output in write.outputs for source in write.inputs}
    if run is None and not nodes and not edges:
        return "absent"
    if (
        run is not None
        and set(run.inputs) == set(write.inputs)
        and set(run.outputs) == set(write.outputs)
        and len(nodes) == len(write.inputs) + len(write.outputs)
        and edges == expected
    ):
        return "whole"
    return f"half there: run {run}, nodes {sorted(nodes)}, edges {sorted(edges)}"


def kill_mid_stream_and_check(store_url: str, log: Path) -> None:
    with serving(store_url, log) as served:
        sent = stream_writes(served.url, clients=8, kill=lambda acked: acked == 80 and kill(served))
    with serving(store_url, log) as served:  # the restart replays what the crash left behind
        assert (
            httpx.post(f"{served.url}/graphql", json={"query": "{ nodes { totalCount } }"}).status_code == 200
        )
    with open_store(store_url) as store:
        found = {id(write): outcome(store, write) for write in sent}
    refused = [(w.path, w.answer) for w in sent if w.answer is not None and not w.acknowledged]
    assert not refused, f"writes refused while the server was up: {refused[:3]}"
    acknowledged = [w for w in sent if w.acknowledged]
    assert len(acknowledged) >= 80
    lost = [(w.run, found[id(w)]) for w in acknowledged if found[id(w)] != "whole"]
    assert not lost, f"{len(lost)} of {len(acknowledged)} acknowledged writes are not there whole: {lost[:3]}"
    half = [(w.run, found[id(w)]) for w in sent if found[id(w)] not in ("whole", "absent")]
    assert not half, f"writes half there: {half[:3]}"


def kill(served: Served) -> bool:
    served.end(signal.SIGKILL)
    return True


def test_a_killed_server_keeps_every_acknowledged_write_on_the_embedded_store(tmp_path: Path) -> None:
    kill_mid_stream_and_check(f"ladybug://{tmp_path / 'graph'}", tmp_path / "serve.log")


@pytest.mark.neo4j
def test_a_killed_server_keeps_every_acknowledged_write_on_neo4j(neo4j_url: str, tmp_path: Path) -> None:
    kill_mid_stream_and_check(neo4j_url, tmp_path / "serve.log")


# --- Neo4j frozen, stopped and back, under load ---------------------------------------------------------


@dataclass
class Answer:
    client: int
    phase: str
    request: str
    started: float
    seconds: float
    status: int | str  # the HTTP status, or the transport error

    @property
    def served(self) -> bool:
        """A success that needed the store (/metrics never does)."""
        return self.status in (200, 201) and self.request != "metrics"


@dataclass
class Load:
    """20 clients asking in turn every kind of question (reads, writes, events, pages, health, metrics)
    until told to stop; every answer is kept with the phase it was asked in."""

    url: str
    clients: int = 20
    phase: str = "up"
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._start = threading.Barrier(self.clients + 1)
        self._threads = [threading.Thread(target=self._ask, args=(n,)) for n in range(self.clients)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        self._start.wait()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _ask(self, number: int) -> None:
        requests = itertools.cycle(REQUESTS.items())
        with httpx.Client(base_url=self.url, timeout=20) as http:
            self._start.wait()
            while not self._stop.is_set():
                name, request = next(requests)
                phase, started = self.phase, time.monotonic()
                try:
                    status: int | str = request(http, f"{number}-{uuid.uuid4().hex[:12]}").status_code
                except httpx.TransportError as exc:
                    status = repr(exc)
                with self._lock:
                    self.answers.append(
                        Answer(number, phase, name, started, time.monotonic() - started, status)
                    )

    def enter(self, phase: str) -> float:
        """Answers to requests started from now on count for ``phase``; returns the moment it began."""
        self.phase = phase
        return time.monotonic()

    def each_client_answered(self, count: int, since: float, *, served: bool = False) -> Callable[[], bool]:
        """A condition: every client has ``count`` answers to requests started since; with ``served``,
        successful answers that needed the store."""

        def met() -> bool:
            with self._lock:
                got = [a.client for a in self.answers if a.started >= since and (not served or a.served)]
            return all(got.count(n) >= count for n in range(self.clients))

        return met


REQUESTS: dict[str, Callable[[httpx.Client, str], httpx.Response]] = {
    "query": lambda http, tag: http.post("/graphql", json={"query": "{ nodes(first: 5) { totalCount } }"}),
    "batch": lambda http, tag: http.post(
        "/graphql",
        json={
            "query": RECORD_RUN,
            "variables": {
                "input": {"run": {"uid": tag, "name": "s"}, "outputs": [{"uid": f"model:{tag}@1"}]}
            },
        },
    ),
    "event": lambda http, tag: http.post(
        "/api/v1/lineage", json=run_event(str(uuid.uuid4()), outputs=[dataset(tag)])
    ),
    "page": lambda http, tag: http.get("/", headers={"Accept": "text/html"}),
    "healthz": lambda http, tag: http.get("/healthz"),
    "metrics": lambda http, tag: http.get("/metrics"),
}


@pytest.fixture
def own_neo4j(tmp_path: Path) -> Iterator[list[RunningNeo4j]]:
    """A Neo4j of this test's own (the session's server is left alone), in a list so the test can
    replace it by one started again on the same port; whichever runs at the end is stopped."""
    try:
        servers = [start_neo4j(tmp_path / "neo4j")]
    except Neo4jUnavailable as exc:
        if _neo4j_required():
            pytest.fail(f"LINEAGE_REQUIRE_NEO4J=1 but Neo4j could not be started: {exc}")
        pytest.skip(f"no Neo4j server: {exc}")
    yield servers
    for server in servers:
        with contextlib.suppress(ProcessLookupError):  # a frozen JVM cannot hear the stop
            os.kill(server.pid, signal.SIGCONT)
        server.stop()


@pytest.mark.neo4j
def test_neo4j_frozen_stopped_and_back_under_load(own_neo4j: list[RunningNeo4j], tmp_path: Path) -> None:
    neo4j = own_neo4j[0]
    warm_up(neo4j.uri)
    with serving(neo4j.uri, tmp_path / "serve.log", *SHORT_TIMEOUTS) as served, Load(served.url) as load:
        outages(load, own_neo4j, tmp_path)
    check_answers(load.answers)


def warm_up(store_url: str) -> None:
    """Ask every question once, without the short timeouts: a fresh Neo4j plans its first writes
    slowly enough to overrun them on a busy machine."""
    with local_client(create_app(Settings(store_url=store_url))) as http:
        poll(lambda: http.get("/healthz").status_code == 200, 60, "the store to open")
        for request in REQUESTS.values():
            assert request(http, uuid.uuid4().hex).is_success


def outages(load: Load, own_neo4j: list[RunningNeo4j], tmp_path: Path) -> None:
    neo4j = own_neo4j[0]
    poll(load.each_client_answered(1, since=0.0, served=True), 60, "every client to be served")

    since = load.enter("frozen")
    os.kill(neo4j.pid, signal.SIGSTOP)
    # each client's request caught by the freeze, then more, which the circuit breaker answers
    poll(load.each_client_answered(4, since=since), 60, "answers during the freeze")

    os.kill(neo4j.pid, signal.SIGCONT)
    since = load.enter("continued")
    poll(load.each_client_answered(1, since=since, served=True), 60, "recovery after the freeze")

    load.enter("stopped")
    neo4j.stop()  # cleanly: the database goes away first, then the server
    since = time.monotonic()
    poll(load.each_client_answered(4, since=since), 60, "answers while Neo4j is down")

    own_neo4j.append(start_neo4j(tmp_path / "neo4j", port=urlsplit(neo4j.uri).port or 0))
    since = load.enter("restarted")
    poll(load.each_client_answered(1, since=since, served=True), 60, "recovery after the restart")


def check_answers(answers: list[Answer]) -> None:
    """Whatever happens to Neo4j, every request is answered, with a success or a 503 (the client gives
    up after 20 s: a hang would show as a transport error); during an outage within the configured
    bounds, and mostly at once, while /metrics carries on."""
    wrong = [a for a in answers if a.status not in (200, 201, 503)]
    assert not wrong, f"{len(wrong)} answers neither a success nor a 503, e.g. {wrong[:5]}"
    for phase in ("frozen", "stopped"):
        during = [a for a in answers if a.phase == phase]
        slow = [a for a in during if a.seconds > SLOWEST_ANSWER]
        assert not slow, f"{len(slow)} answers while {phase} took over {SLOWEST_ANSWER} s, e.g. {slow[:5]}"
        asked = [a for a in during if a.request != "metrics"]
        assert sum(a.status == 503 for a in asked) > len(asked) / 2, f"too few 503s while {phase}"
        prompt = [a for a in asked if a.seconds < 0.5]
        assert len(prompt) > len(asked) / 2, f"most answers while {phase} should come at once"
    assert all(a.status == 200 for a in answers if a.request == "metrics")
