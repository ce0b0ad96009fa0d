"""The prediction logger, on both backends, in process and through a real server: batches land, memory
is bounded, failures are retried and then raised with their count, exit flushes, SIGKILL loses only what
was not written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import lineage
from lineage.api.app import create_app
from lineage.errors import InvalidInput, NotFound, StoreUnavailable
from lineage.model import Batch, Node
from lineage.sdk.client import Client
from lineage.sdk.logger import BufferFull, PredictionsNotRecorded
from lineage.store import open_store
from lineage.store.base import LineageStore
from tests.api_support import TcpProxy, serving

MODEL = "model:scoring_model@3"
FEATURE = "feature:purchase_analysis@2"
WORKTREE = Path(__file__).resolve().parent.parent


def _record_model(store: LineageStore) -> None:
    store.write(Batch(nodes=(Node.from_uid(MODEL), Node.from_uid(FEATURE))))


def _predictions(store: LineageStore) -> int:
    return store.stats()["prediction"]


@pytest.fixture(params=["local", "http"])
def client(request: pytest.FixtureRequest, store: LineageStore) -> Iterator[Client]:
    _record_model(store)
    if request.param == "local":
        with lineage.connect(store=store) as local:
            yield local
        return
    with serving(create_app(store=store)) as url, lineage.connect(url) as remote:
        yield remote


@pytest.fixture
def cut_server(store: LineageStore) -> Iterator[tuple[TcpProxy, Client]]:
    """A client whose connection to a real server goes through a proxy the test can cut and restore."""
    _record_model(store)
    with serving(create_app(store=store)) as url:
        parts = urlsplit(url)
        proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 80)
        proxy.start()
        with lineage.connect(f"http://127.0.0.1:{proxy.port}") as remote:
            yield proxy, remote
        proxy.stop()


def test_logged_predictions_land_in_batches_with_their_inputs(client: Client, store: LineageStore) -> None:
    with client.prediction_logger(MODEL, flush_every=1000) as logger:
        uids = [logger.log({"spend": i}, {"score": i / 2500}, inputs=[FEATURE]) for i in range(2500)]
        chained = logger.log("sha256:given", {"offer": 5000}, inputs=[uids[0]], version="chained-1")
        with pytest.raises(InvalidInput, match="control characters"):
            logger.log("sha256:x", 1, version="bad\x00version")  # refused at once, not with its batch
        with pytest.raises(InvalidInput, match="unknown kind"):
            logger.log("sha256:x", 1, inputs=["table:t@1"])
    assert _predictions(store) == 2501
    node = store.get_node(uids[7])
    assert node is not None and node.output == {"score": 7 / 2500}
    assert node.input_digest is not None and node.input_digest.startswith("sha256:")
    assert node.created_at is not None
    upstream = store.upstream(chained, depth=2)
    assert {n.uid for n in upstream.nodes} == {chained, uids[0], MODEL, FEATURE}
    assert chained == "prediction:scoring_model@chained-1"


def test_a_logger_writes_after_flush_seconds_without_being_closed(
    client: Client, store: LineageStore
) -> None:
    logger = client.prediction_logger(MODEL, flush_every=1000, flush_seconds=0.2)
    uid = logger.log({"spend": 1}, 0.5)
    deadline = time.monotonic() + 10
    while store.get_node(uid) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store.get_node(uid) is not None
    logger.close()


def test_a_write_that_cannot_succeed_is_raised_from_the_next_log_with_its_count(
    client: Client, store: LineageStore
) -> None:
    logger = client.prediction_logger(MODEL, flush_every=5, retries=3)
    for i in range(5):
        logger.log({"spend": i}, i, inputs=["feature:never_recorded@1"])
    time.sleep(1.5)  # the writer tries the batch at once; a missing node is not retried
    with pytest.raises(PredictionsNotRecorded, match=r"^5 predictions of model:scoring_model@3") as caught:
        logger.log({"spend": 99}, 99)
    assert caught.value.count == 5 and len(caught.value.predictions) == 5
    assert isinstance(caught.value.__cause__, NotFound)  # not worth retrying: raised at once
    assert "never_recorded" in str(caught.value)
    logger.log({"spend": 100}, 100)  # the logger goes on
    logger.flush()
    logger.log({"spend": 101}, 101, inputs=["feature:never_recorded@1"])
    with pytest.raises(PredictionsNotRecorded, match=r"^1 predictions"):
        logger.flush()  # a batch fails whole: alone here, so it is just the one
    logger.close()
    assert _predictions(store) == 1


def test_an_unreachable_server_is_retried_then_the_count_raised_from_close(
    cut_server: tuple[TcpProxy, Client], store: LineageStore
) -> None:
    proxy, client = cut_server
    proxy.stop()
    logger = client.prediction_logger(MODEL, retries=2, backoff=0.05)
    for i in range(3):
        logger.log({"spend": i}, i)
    started = time.monotonic()
    with pytest.raises(PredictionsNotRecorded, match=r"^3 predictions") as caught:
        logger.close()
    assert time.monotonic() - started >= 0.05 + 0.1  # two backed-off retries
    assert isinstance(caught.value.__cause__, StoreUnavailable)
    assert _predictions(store) == 0


def test_a_server_that_comes_back_during_the_retries_gets_the_batch(
    cut_server: tuple[TcpProxy, Client], store: LineageStore
) -> None:
    proxy, client = cut_server
    proxy.stop()
    logger = client.prediction_logger(MODEL, retries=6, backoff=0.1)
    for i in range(4):
        logger.log({"spend": i}, i)
    flushing = threading.Thread(target=logger.flush)
    flushing.start()
    time.sleep(0.4)
    assert flushing.is_alive() and _predictions(store) == 0
    proxy.start()
    flushing.join(timeout=30)
    assert not flushing.is_alive()
    logger.close()
    assert _predictions(store) == 4


def test_a_full_buffer_raises_when_told_to(cut_server: tuple[TcpProxy, Client], store: LineageStore) -> None:
    proxy, client = cut_server
    proxy.stop()
    logger = client.prediction_logger(MODEL, flush_every=5, max_buffer=10, when_full="raise", retries=100)
    for i in range(10):
        logger.log({"spend": i}, i)
    with pytest.raises(BufferFull, match="10 predictions of model:scoring_model@3 are waiting"):
        logger.log({"spend": 10}, 10)
    proxy.start()
    logger.close()
    assert _predictions(store) == 10


def test_a_full_buffer_blocks_until_there_is_room(
    cut_server: tuple[TcpProxy, Client], store: LineageStore
) -> None:
    proxy, client = cut_server
    proxy.stop()
    logger = client.prediction_logger(MODEL, flush_every=5, max_buffer=10, retries=100, backoff=0.05)
    for i in range(10):
        logger.log({"spend": i}, i)
    blocked = threading.Thread(target=logger.log, args=({"spend": 10}, 10))
    blocked.start()
    time.sleep(0.5)
    assert blocked.is_alive()  # waiting for room, not dropped, not raised
    proxy.start()
    blocked.join(timeout=30)
    assert not blocked.is_alive()
    logger.close()
    assert _predictions(store) == 11


_CHILD = textwrap.dedent(
    """
    import os, sys, time
    import lineage
    client = lineage.connect(store=sys.argv[1])
    logger = client.prediction_logger(sys.argv[2], flush_every=100_000, flush_seconds=3600)
    for i in range(200):
        logger.log({"n": i}, i)
    if sys.argv[3] == "kill":
        logger.flush()
        for i in range(200, 300):
            logger.log({"n": i}, i)
        print("logged", flush=True)
        time.sleep(600)
    print("exiting without close", flush=True)
    """
)


def _child(store_url: str, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(WORKTREE)}
    env.pop("LINEAGE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, store_url, MODEL, mode], stdout=subprocess.PIPE, text=True, env=env
    )


def test_a_process_that_exits_without_close_writes_its_predictions(store_url: str) -> None:
    with open_store(store_url) as store:
        _record_model(store)
    child = _child(store_url, "exit")
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0 and "exiting without close" in out
    with open_store(store_url) as store:
        assert _predictions(store) == 200


def test_a_killed_process_loses_only_what_was_not_written(store_url: str) -> None:
    with open_store(store_url) as store:
        _record_model(store)
    with _child(store_url, "kill") as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "logged"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    with open_store(store_url) as store:
        assert _predictions(store) == 200  # the flushed 200 survive; the 100 after them were in memory
