"""The garbage collector's pause around bulk writes (lineage/collector.py): it covers the write, and the
collector is back as it was afterwards, however the write ends and however writes overlap."""

from __future__ import annotations

import gc
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lineage import collector
from lineage.errors import Conflict, InvalidInput
from lineage.jsonl import export_graph, import_graph
from lineage.model import Batch, Edge, Node, NodeKind
from lineage.store import LineageStore


def _chain(count: int, version: str = "1") -> Batch:
    nodes = [Node(kind=NodeKind.DATASET, name=f"d{i}", version=version) for i in range(count)]
    edges = [Edge(source=b.uid, target=a.uid) for a, b in itertools.pairwise(nodes)]
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of each collection pass made while the test runs. A test clears it and collects
    first: then the allocations before a pause begins cannot set off a pass. One pass comes when a
    pause ends, over what was allocated in it and is still alive (the collector counts allocations
    while it is off); without the pause, a write of thousands of nodes makes dozens."""
    passes: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(record)
    yield passes
    gc.callbacks.remove(record)


def test_a_bulk_write_makes_no_collection_pass_until_it_ends(
    store: LineageStore, collections: list[int]
) -> None:
    batch = _chain(3000)
    gc.collect()
    collections.clear()
    store.write(batch)
    assert collections == [0]
    assert store.stats()["dataset"] == 3000


def test_an_import_is_parsed_and_written_without_a_collection_pass_until_it_ends(
    store: LineageStore, tmp_path: Path, collections: list[int]
) -> None:
    store.write(_chain(3000))
    path = tmp_path / "graph.jsonl"
    export_graph(store, path)
    gc.collect()
    collections.clear()
    result = import_graph(store, path)
    assert collections == [0]
    assert result.created_nodes == 0  # all there already: the whole file was read and checked


def test_the_collector_is_back_on_after_a_write_however_it_ends(store: LineageStore, tmp_path: Path) -> None:
    store.write(_chain(10))
    assert gc.isenabled()
    with pytest.raises(Conflict):
        store.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="d0", version="1", owner="x"),)))
    assert gc.isenabled()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    with pytest.raises(InvalidInput):
        import_graph(store, bad)
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(store: LineageStore) -> None:
    gc.disable()
    try:
        store.write(_chain(10))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_stays_paused_until_the_last_of_two_overlapping_writes_ends() -> None:
    both_in, first_out = threading.Barrier(2), threading.Event()
    seen: dict[str, bool] = {}

    def first() -> None:
        with collector.paused():
            both_in.wait()
        first_out.set()

    def second() -> None:
        with collector.paused():
            both_in.wait()
            first_out.wait()
            seen["after the first ended"] = gc.isenabled()
        seen["after both ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == {"after the first ended": False, "after both ended": True}
