"""A store that wraps another (the server's ReconnectingStore) writes exactly what the wrapped store
would: every step of a write a backend takes over reaches the backend."""

from __future__ import annotations

from lineage.api.reconnect import ReconnectingStore
from lineage.ingest.batches import run_batch
from lineage.model import Node, NodeKind, Run
from lineage.store.base import LineageStore
from lineage.store.delegating import DelegatingStore
from lineage.store.ladybug import LadybugStore
from lineage.store.neo4j import Neo4jStore


def test_a_wrapper_hands_every_step_a_backend_takes_over_to_the_wrapped_store() -> None:
    taken_over = {
        name
        for backend in (LadybugStore, Neo4jStore)
        for name in vars(backend)
        if not name.startswith("__") and name not in ("backend", "close") and hasattr(LineageStore, name)
    }
    assert taken_over, "the backends take nothing over?"
    assert taken_over <= set(vars(DelegatingStore)), taken_over - set(vars(DelegatingStore))


def test_versions_written_through_the_server_store_are_found_by_name(store_url: str) -> None:
    store = ReconnectingStore(store_url)
    try:
        models = [Node(kind=NodeKind.MODEL, name="churn", version=v) for v in ("1", "2")]
        for i, model in enumerate(models):
            store.write(run_batch(Run(uid=f"train-{i}", name="train"), [], [model]))
        assert [n.uid for n in store.versions(NodeKind.MODEL, "churn")] == [m.uid for m in models]
    finally:
        store.close()
