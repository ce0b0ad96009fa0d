"""JobEvents and DatasetEvents: static lineage and a dataset's own facets, on both backends.

A JobEvent declares what a job reads and writes; the feeds it records say so (declared) until a run of
the job reads or writes the same datasets (observed). A DatasetEvent records a dataset's facets by
name; a dataset version's content is never touched."""

from __future__ import annotations

from typing import Any

import pytest

from lineage.facets import Feed, Feeding, current, history
from lineage.ingest.ol_events import StaticEvent, parse_any, record_static
from lineage.ingest.openlineage import EventError, record_event
from lineage.store import LineageStore
from tests.ol_events import (
    LAKE,
    WAREHOUSE,
    dataset_event,
    ds,
    job_event,
    job_type,
    new_id,
    official,
    run_event,
    schema_facet,
)

JOB = "job:airflow://prod:orders.load"
ORDERS = f"dataset:{WAREHOUSE}:public.orders"
DAILY = f"dataset:{LAKE}:orders/daily"


def record(store: LineageStore, payload: dict[str, Any]) -> Any:
    event = parse_any(payload)
    return record_static(store, event) if isinstance(event, StaticEvent) else record_event(store, event)


def declared_load() -> dict[str, Any]:
    return job_event(
        "orders.load",
        inputs=[ds(WAREHOUSE, "public.orders", schema=schema_facet("id", "amount"))],
        outputs=[ds(LAKE, "orders/daily")],
        jobType=job_type(),
    )


def feeds(store: LineageStore) -> set[tuple[str, str, Feeding]]:
    found: list[Feed] = [*store.feeds([ORDERS], out=True), *store.feeds([JOB], out=True)]
    return {(f.origin, f.destination, f.how) for f in found}


def test_a_job_event_records_the_job_and_its_declared_feeds_and_no_run(store: LineageStore) -> None:
    assert record(store, declared_load()) > 0
    assert feeds(store) == {(ORDERS, JOB, Feeding.DECLARED), (JOB, DAILY, Feeding.DECLARED)}
    job = store.subjects([JOB])[JOB]
    assert (job.kind, job.namespace, job.name) == ("job", "airflow://prod", "orders.load")
    assert current(store.facets(JOB))["jobType"].value["processingType"] == "BATCH"
    # The dataset's facets belong to its name in the graph; no version, no run, no edge is made.
    assert list(current(store.facets(f"node:dataset:{WAREHOUSE}/public.orders"))) == ["schema"]
    assert store.stats() == {"dataset": 0, "feature": 0, "model": 0, "prediction": 0, "runs": 0, "edges": 0}


def test_a_job_event_sent_again_adds_nothing(store: LineageStore) -> None:
    record(store, declared_load())
    assert record(store, declared_load()) == 0


def test_names_new_to_the_store_are_written_without_looking_up_their_facets_or_feeds(
    store: LineageStore, statements: list[str]
) -> None:
    """A facet record or a feed of a subject the store lacks cannot be stored, so a first event looks up
    only its subjects before writing; the same event again looks all three up, and adds nothing."""
    lookups = {
        "facets": [store._q("facets_by_uid")],
        "feeds": [store._q("feed_pair"), store._q("feeds_between")],
    }

    def looked_up() -> set[str]:
        return {what for what, texts in lookups.items() if any(text in statements for text in texts)}

    assert record(store, declared_load()) > 0
    assert looked_up() == set()
    statements.clear()
    assert record(store, declared_load()) == 0
    assert looked_up() == {"facets", "feeds"}


def test_a_run_of_the_job_confirms_its_declared_feeds(store: LineageStore) -> None:
    record(store, declared_load())
    run_id = new_id()
    record(
        store,
        run_event(
            run_id, "orders.load", inputs=[ds(WAREHOUSE, "public.orders")], outputs=[ds(LAKE, "orders/daily")]
        ),
    )
    assert feeds(store) == {
        (ORDERS, JOB, Feeding.DECLARED),
        (JOB, DAILY, Feeding.DECLARED),
        (ORDERS, JOB, Feeding.OBSERVED),
        (JOB, DAILY, Feeding.OBSERVED),
    }
    # The run itself is lineage between versions, as for any RunEvent.
    upstream = store.upstream(f"dataset:{LAKE}/orders/daily@{run_id}", depth=1)
    assert [n.uid for n in upstream.nodes[1:]] == [f"dataset:{WAREHOUSE}/public.orders@unversioned"]


def test_a_dataset_event_records_facets_by_name_and_a_later_one_replaces_them(store: LineageStore) -> None:
    node = f"node:dataset:{WAREHOUSE}/public.orders"
    first = dataset_event(
        ds(WAREHOUSE, "public.orders", schema=schema_facet("id")), at="2026-05-01T06:00:00Z"
    )
    later = dataset_event(
        ds(WAREHOUSE, "public.orders", schema=schema_facet("id", "amount")), at="2026-05-02T06:00:00Z"
    )
    for payload in (later, first):  # the earlier event arrives last, and replaces nothing
        record(store, payload)
    assert [f["name"] for f in current(store.facets(node))["schema"].value["fields"]] == ["id", "amount"]
    assert [len(f.value["fields"]) for f in history(store.facets(node), "schema")] == [1, 2]
    assert store.subjects([ORDERS])[ORDERS].node == node


def test_a_facet_deleted_by_a_later_event_no_longer_stands(store: LineageStore) -> None:
    node = f"node:dataset:{WAREHOUSE}/public.orders"
    documented = official("1-0-1/DocumentationDatasetFacet", description="one row per order")
    record(store, dataset_event(ds(WAREHOUSE, "public.orders", documentation=documented)))
    deleted = {**documented, "_deleted": True}
    record(
        store, dataset_event(ds(WAREHOUSE, "public.orders", documentation=deleted), at="2026-05-03T00:00:00Z")
    )
    assert "documentation" not in current(store.facets(node))
    assert [f.deleted for f in history(store.facets(node), "documentation")] == [False, True]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({**declared_load(), "job": {"namespace": "airflow://prod"}}, "job.name", "job.name is required"),
        ({**declared_load(), "outputs": [{"namespace": LAKE}]}, "outputs[0].name", "is required"),
        ({**declared_load(), "eventTime": "yesterday"}, "eventTime", "is not an ISO 8601 date-time"),
        (dataset_event({"namespace": WAREHOUSE}), "dataset.name", "dataset.name is required"),
        ({**dataset_event(ds(WAREHOUSE, "t")), "producer": None}, "producer", "producer is required"),
        (
            {**run_event(new_id(), "x"), "inputs": [{**ds(WAREHOUSE, "t"), "inputFacets": {"dq": 3}}]},
            "inputs[0].inputFacets.dq",
            "must be a JSON object",
        ),
    ],
)
def test_malformed_job_and_dataset_events_name_the_field(payload: Any, field: str, message: str) -> None:
    with pytest.raises(EventError) as caught:
        parse_any(payload)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_feeds_of_many_subjects_at_once_are_each_subjects_feeds(store: LineageStore) -> None:
    """A few subjects' feeds (or pairs of ends) are looked up one at a time and many by lists
    (LineageStore.lookups_one_by_one): both find the same feeds, out of and into each."""
    tables = [f"public.t{i:02}" for i in range(store.lookups_one_by_one + 4)]
    inputs = [ds(WAREHOUSE, table) for table in tables]
    record(store, job_event("orders.load", inputs=inputs, outputs=[ds(LAKE, "x")]))
    # sent again, its feeds are found stored, by their ends, many at once
    assert record(store, job_event("orders.load", inputs=inputs, outputs=[ds(LAKE, "x")])) == 0
    sources = [f"dataset:{WAREHOUSE}:{t}" for t in tables]
    together = {(f.origin, f.destination) for f in store.feeds([*sources, "job:never:reported"], out=True)}
    assert together == {(source, JOB) for source in sources}
    assert together == {(f.origin, f.destination) for s in sources for f in store.feeds([s], out=True)}
    into = {(f.origin, f.destination) for f in store.feeds([JOB, f"dataset:{LAKE}:x"], out=False)}
    assert into == {*together, (JOB, f"dataset:{LAKE}:x")}
    assert {(f.origin, f.destination) for f in store.feeds(sources[:1], out=False)} == set()
