"""What operators see: /healthz, /metrics, and a store that goes away and comes back."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.reconnect import ReconnectingStore
from lineage.api.settings import Settings
from lineage.errors import StoreUnavailable
from lineage.model import Batch, Node, NodeKind
from lineage.store import LineageStore, open_store
from lineage.store.base import Row
from lineage.store.timeouts import Timeouts
from tests.api_support import CountingStore, TcpProxy, graphql, local_client, serving
from tests.test_openlineage_events import run_event

QUERY = "{ nodes { totalCount } }"


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The /metrics samples, by name and labels."""
    text = client.get("/metrics").text
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_healthz_names_the_backend(store: LineageStore) -> None:
    with local_client(create_app(store=store)) as client:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "store": {"backend": store.backend, "reachable": True}}


def test_healthz_never_shows_a_password_from_the_store_url() -> None:
    settings = Settings(store_url="bolt://neo4j:s3cret-pass@db:99999")
    with local_client(create_app(settings)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert "s3cret-pass" not in answer.text
    assert answer.json()["store"] == {
        "backend": "neo4j",
        "reachable": False,
        "error": answer.json()["store"]["error"],
    }


def test_metrics_count_requests_per_route_and_operation(store: LineageStore) -> None:
    with local_client(create_app(store=store)) as client:
        for _ in range(3):
            client.post("/graphql", json={"query": "query Totals { nodes { totalCount } }"})
        client.post("/graphql", json={"query": '{ upstream(uid: "model:nope@1") { truncated } }'})
        client.post("/api/v1/lineage", json=run_event(str(uuid.uuid4())))
        client.get("/healthz")
        client.get("/no/such/page")
        found = samples(client)
    assert value(found, "lineage_http_requests_total", route="/graphql", method="POST", status="200") == 4
    assert (
        value(found, "lineage_http_requests_total", route="/api/v1/lineage", method="POST", status="201") == 1
    )
    assert value(found, "lineage_http_requests_total", route="/healthz", method="GET", status="200") == 1
    assert value(found, "lineage_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert value(found, "lineage_graphql_operations_total", operation="Totals", outcome="ok") == 3
    assert value(found, "lineage_graphql_operations_total", operation="anonymous", outcome="error") == 1
    assert value(found, "lineage_graphql_operation_duration_seconds_count", operation="Totals") == 3
    assert value(found, "lineage_http_request_duration_seconds_count", route="/graphql", method="POST") == 4


def test_a_route_template_not_the_uid_labels_the_graph_pages(demo_store: LineageStore) -> None:
    with local_client(create_app(store=demo_store)) as client:
        client.get("/graph/model:credit_limit_model@2")
        client.get("/graph/model:scoring_model@2")
        found = samples(client)
    routes = {dict(labels)["route"] for name, labels in found if name == "lineage_http_requests_total"}
    assert routes == {"/graph/{uid:path}"}


def test_apps_keep_their_metrics_apart(store: LineageStore) -> None:
    with local_client(create_app(store=store)) as first, local_client(create_app(store=store)) as second:
        first.post("/graphql", json={"query": QUERY})
        assert (
            value(
                samples(second), "lineage_http_requests_total", route="/graphql", method="POST", status="200"
            )
            == 0
        )


# --- a store that goes away -------------------------------------------------------------------------


def wait_for(check: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def assert_unavailable(client: TestClient, reason: str) -> None:
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["store"]["reachable"] is False and reason in health.json()["store"]["error"]
    answer = client.post("/graphql", json={"query": QUERY})
    assert answer.status_code == 503
    [problem] = answer.json()["errors"]
    assert problem["extensions"]["code"] == "STORE_UNAVAILABLE" and reason in problem["message"]
    posted = client.post("/api/v1/lineage", json=run_event(str(uuid.uuid4())))
    assert posted.status_code == 503 and reason in posted.json()["error"]


@pytest.fixture
def locked_directory(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """An embedded store whose directory another process holds (LadybugDB allows one owner)."""
    url = f"ladybug://{tmp_path / 'graph'}"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield url, holder
    holder.kill()
    holder.wait()
    holder.stdout.close()


HOLD = """
import sys
from lineage.store import open_store
store = open_store(sys.argv[1])
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_locked_embedded_store_is_503_until_it_is_free(locked_directory: tuple[str, Any]) -> None:
    url, holder = locked_directory
    with local_client(create_app(Settings(store_url=url, reconnect_interval=0.2))) as client:
        assert_unavailable(client, "Lock is held")
        holder.stdin.close()
        holder.wait()
        wait_for(lambda: client.get("/healthz").status_code == 200)
        assert graphql(client, QUERY) == {"data": {"nodes": {"totalCount": 0}}}
        assert value(samples(client), "lineage_store_errors_total") >= 3


@pytest.mark.neo4j
def test_neo4j_out_of_reach_is_503_and_the_server_recovers(neo4j_url: str) -> None:
    target = urlsplit(neo4j_url)
    assert target.hostname and target.port
    network = TcpProxy(target.hostname, target.port)
    url = f"bolt://127.0.0.1:{network.port}"
    # a probe every 5 s; the driver retries for the connect timeout before it gives up
    settings = Settings(store_url=url, reconnect_interval=5, connect_timeout=1)
    with local_client(create_app(settings)) as client:
        assert_unavailable(client, "cannot reach Neo4j")  # down when the server started
        network.start()
        wait_for(lambda: client.get("/healthz").status_code == 200)
        assert "errors" not in graphql(client, QUERY)

        network.stop()  # and down again while serving
        # The first request to meet the outage waits out the driver's retries (the connect timeout);
        # then the breaker answers at once until the store is back.
        started = time.monotonic()
        assert client.post("/graphql", json={"query": QUERY}).status_code == 503
        assert time.monotonic() - started < 5
        started = time.monotonic()
        assert_unavailable(client, "Neo4j is unavailable")
        assert time.monotonic() - started < 5
        network.start()
        wait_for(lambda: client.get("/healthz").status_code == 200, seconds=150)
        assert "errors" not in graphql(client, QUERY)
    network.stop()


# --- a store that hangs -----------------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    return call(), time.monotonic() - started


def test_a_server_that_accepts_but_never_answers_costs_the_connect_timeout() -> None:
    silent = socket.create_server(("127.0.0.1", 0))  # the kernel accepts connections; nobody answers
    url = f"bolt://127.0.0.1:{silent.getsockname()[1]}"
    with silent:
        started = time.monotonic()
        with local_client(create_app(Settings(store_url=url, connect_timeout=1))) as client:
            assert time.monotonic() - started < 4  # start-up waits the connect timeout at most
            answer, seconds = timed(lambda: client.post("/graphql", json={"query": QUERY}))
            assert answer.status_code == 503 and seconds < 4
            assert answer.json()["errors"][0]["extensions"]["code"] == "STORE_UNAVAILABLE"
            assert answer.headers["Retry-After"] == "1"
            health, seconds = timed(lambda: client.get("/healthz"))
            assert health.status_code == 503 and seconds < 2


class HangingOpener:
    """Opens a store only when let go; counts how often it is asked."""

    def __init__(self, store: LineageStore) -> None:
        self.store = store
        self.calls = 0
        self.go = threading.Event()

    def __call__(self, url: str) -> LineageStore:
        self.calls += 1
        self.go.wait(30)
        return self.store


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[LineageStore]:
    """An embedded store, for tests whose store only stands in for one that hangs."""
    with open_store(f"ladybug://{tmp_path / 'graph'}") as store:
        yield store


def test_concurrent_first_requests_share_one_opening(embedded: LineageStore) -> None:
    store = embedded
    opener = HangingOpener(store)
    reconnecting = ReconnectingStore(store.url, retry_after=0.2, open_wait=0.5, opener=opener)
    with local_client(create_app(store=reconnecting)) as client:
        asked = threading.Barrier(8)

        def ask() -> tuple[Any, float]:
            asked.wait()
            return timed(lambda: client.post("/graphql", json={"query": QUERY}))

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: ask(), range(8)))
        # each waits for the one opening, not for the openings of those before it
        assert all(answer.status_code == 503 and seconds < 3 for answer, seconds in answers)
        assert "still opening" in answers[0][0].json()["errors"][0]["message"]
        assert opener.calls == 1
        opener.go.set()
        wait_for(lambda: client.post("/graphql", json={"query": QUERY}).status_code == 200)
    assert opener.calls == 1


class HangingStore(CountingStore):
    """A store whose reads, once ``go`` is cleared, wait until it is set again: a server frozen
    mid-answer."""

    def __init__(self, inner: LineageStore) -> None:
        super().__init__(inner)
        self.go = threading.Event()
        self.go.set()

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        with self._tracked():
            self.go.wait(60)
            return self.inner._read(query, params)


def test_healthz_and_metrics_answer_while_every_request_waits_on_the_store(embedded: LineageStore) -> None:
    hanging = HangingStore(embedded)
    with serving(create_app(store=hanging)) as url, ThreadPoolExecutor(50) as pool:
        hanging.go.clear()
        # more waiting requests than the server has threads for blocking calls (40)
        waiting = [
            pool.submit(httpx.post, f"{url}/graphql", json={"query": QUERY}, timeout=60) for _ in range(45)
        ]
        wait_for(lambda: hanging._in_flight >= 40)
        health, seconds = timed(lambda: httpx.get(f"{url}/healthz", timeout=10))
        assert health.status_code == 503 and seconds < 3
        assert "did not answer within 1.5 s" in health.json()["store"]["error"]
        metrics, seconds = timed(lambda: httpx.get(f"{url}/metrics", timeout=10))
        assert metrics.status_code == 200 and seconds < 2
        hanging.go.set()
        assert all(answer.result().status_code == 200 for answer in waiting)
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200


def test_an_embedded_statement_past_the_query_timeout_is_interrupted_and_the_store_goes_on(
    tmp_path: Path,
) -> None:
    """The store interrupts a statement that outlasts its query timeout (lineage/store/ladybug.py's
    Deadlines), in the thread that ran it only; the timeout is per statement, and a deadline left over
    interrupts nothing after."""
    slow = "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y RETURN sum(x * y) AS n"
    with open_store(f"ladybug://{tmp_path / 'graph'}", timeouts=Timeouts(query=0.5)) as store:
        store.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="d", version="1"),)))

        def quick_reads_for(seconds: float) -> int:
            count, until = 0, time.monotonic() + seconds
            while time.monotonic() < until:
                assert store.get_node("dataset:d@1") is not None
                count += 1
            return count

        with ThreadPoolExecutor(1) as pool:
            beside = pool.submit(quick_reads_for, 1.5)  # longer in all than the timeout, each within it
            started = time.monotonic()
            with pytest.raises(StoreUnavailable, match=r"did not answer within 0.5 s: Interrupted"):
                store._read(slow, {})
            assert time.monotonic() - started < 5
            assert beside.result() > 10
        store.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="d", version="2"),)))
        assert [n.version for n in store.versions(NodeKind.DATASET, "d")] == ["1", "2"]


def test_a_write_waits_for_the_write_before_it_at_most_the_query_timeout(tmp_path: Path) -> None:
    with open_store(f"ladybug://{tmp_path / 'graph'}", timeouts=Timeouts(query=0.5)) as store:
        holding, release = threading.Event(), threading.Event()

        def hold(tx: Any) -> None:
            holding.set()
            release.wait(30)

        with ThreadPoolExecutor(1) as pool, local_client(create_app(store=store)) as client:
            held = pool.submit(store._write, hold)
            holding.wait(30)
            answer, seconds = timed(lambda: client.post("/api/v1/lineage", json=run_event(str(uuid.uuid4()))))
            release.set()
            held.result()
        assert answer.status_code == 503 and seconds < 3
        assert answer.headers["Retry-After"] == "1"
        assert "did not answer within 0.5 s: another write held it" in answer.json()["error"]
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200
