"""The same OpenLineage names written by several clients at once are stored once, on both backends:
subjects and facet records meet at their keys, feeds between ends locked first."""

from __future__ import annotations

import neo4j
import pytest

from lineage.errors import StoreUnavailable
from lineage.store import LineageStore, open_store
from lineage.store.timeouts import Timeouts
from tests.ol_events import LAKE, WAREHOUSE, dataset_event, ds, job_event, job_type, schema_facet
from tests.test_openlineage_static import record
from tests.test_store_concurrency import ROUNDS, THREADS, at_once, count, errors


def test_the_same_job_event_posted_at_once_is_stored_once(store: LineageStore) -> None:
    for i in range(ROUNDS):
        event = job_event(
            f"load{i}",
            inputs=[ds(WAREHOUSE, f"orders{i}", schema=schema_facet("id"))],
            outputs=[ds(LAKE, f"daily{i}")],
            jobType=job_type(),
        )
        results = at_once([lambda event=event: record(store, event) for _ in range(THREADS)])
        assert not errors(results)
        assert sorted(results) == [0] * (THREADS - 1) + [9], results  # 5 subjects, 2 facets, 2 feeds
    assert count(store, "MATCH (s:Subject) RETURN count(s) AS c") == 5 * ROUNDS
    assert count(store, "MATCH (f:Facet) RETURN count(f) AS c") == 2 * ROUNDS
    assert count(store, "MATCH ()-[f:FEEDS]->() RETURN count(f) AS c") == 2 * ROUNDS


def test_one_dataset_s_facets_posted_at_once_keep_every_record_once(store: LineageStore) -> None:
    events = [
        dataset_event(
            ds(WAREHOUSE, "orders", schema=schema_facet(*[f"c{n}" for n in range(k + 1)])),
            at=f"2026-05-0{k + 1}T00:00:00Z",
        )
        for k in range(THREADS)
    ]
    results = at_once([lambda event=event: record(store, event) for event in events])
    assert not errors(results)
    assert count(store, "MATCH (s:Subject) RETURN count(s) AS c") == 2
    facets = store.facets(f"node:dataset:{WAREHOUSE}/orders")
    assert sorted(len(f.value["fields"]) for f in facets) == list(range(1, THREADS + 1))


@pytest.mark.neo4j
def test_an_event_kept_waiting_past_the_query_timeout_by_a_held_name_is_unavailable(neo4j_url: str) -> None:
    """Events of one job take turns on its name. One kept waiting past the store's query timeout is
    ended by Neo4j ("LockClientStopped"); that is the store being busy, a 503 to retry, not a bug."""
    event = job_event("hold", inputs=[ds(WAREHOUSE, "orders")], outputs=[ds(LAKE, "daily")])
    with (
        neo4j.GraphDatabase.driver(neo4j_url, auth=None) as driver,
        open_store(neo4j_url, timeouts=Timeouts(query=2.0)) as store,
    ):
        driver.execute_query("MATCH (n) DETACH DELETE n")
        record(store, event)
        with driver.session() as session, session.begin_transaction() as other:
            other.run("MATCH (s:Subject {key: $key}) SET s.key = s.key", key="job:airflow://prod:hold")
            with pytest.raises(StoreUnavailable):
                record(store, {**event, "eventTime": "2026-05-01T07:00:00Z"})
            other.rollback()
        assert record(store, {**event, "eventTime": "2026-05-01T08:00:00Z"}) >= 0  # the name is free again
