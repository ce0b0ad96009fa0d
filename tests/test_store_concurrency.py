"""Writers that report at the same moment, on every backend: real threads released together by a
barrier, many rounds, and the store afterwards holds each thing once.

On Neo4j the writes really overlap (read-committed transactions, one session each); on LadybugDB they
take turns behind the store's write lock. Either way every call must end in its own answer (written,
unchanged, or a Conflict naming the fields), never a raw driver error, and never a duplicate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import neo4j
import pytest

from lineage import cypher
from lineage.api.app import create_app
from lineage.columns import Alias, ColumnEdge, Field
from lineage.errors import Conflict
from lineage.ingest.batches import run_batch
from lineage.ingest.openlineage import event_batch, parse_event, record_event
from lineage.model import Batch, Edge, Node, NodeKind, Prediction, Run, now
from lineage.store import LineageStore, open_store
from lineage.store._writer import records_of
from lineage.store.base import Transaction
from tests.api_support import serving
from tests.test_openlineage_events import NS, dataset, new_id, outcome, run_event

T = TypeVar("T")
THREADS = 8
ROUNDS = 10


def at_once(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Run every call on its own thread, all released at the same instant; each one's result or error."""
    barrier = threading.Barrier(len(calls))
    results: list[T | Exception] = [RuntimeError("did not run")] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # the test looks at every outcome, errors included
            results[index] = exc

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def errors(results: list[Any]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]


def count(store: LineageStore, query: str, **params: Any) -> int:
    return store.cypher(query, params).rows[0]["c"]


def dataset_node(name: str, version: str = "1", **content: Any) -> Node:
    return Node(kind=NodeKind.DATASET, name=name, version=version, **content)


def test_the_same_edge_written_at_once_is_stored_once(store: LineageStore) -> None:
    pairs = [(dataset_node(f"out{i}"), dataset_node(f"in{i}")) for i in range(ROUNDS)]
    store.write(Batch(nodes=tuple(n for pair in pairs for n in pair)))
    for out, source in pairs:
        edge = Batch(edges=(Edge(source=out.uid, target=source.uid),))
        results = at_once([lambda edge=edge: store.write(edge) for _ in range(THREADS)])
        assert not errors(results)
        assert sum(r.created_edges for r in results) == 1
    assert store.stats()["edges"] == ROUNDS
    assert count(store, "MATCH ()-[e:DERIVED_FROM]->() RETURN count(e) AS c") == ROUNDS


def test_the_same_new_run_with_its_nodes_written_at_once_is_stored_once(store: LineageStore) -> None:
    for i in range(ROUNDS):
        batch = run_batch(
            Run(uid=f"train-{i}", name="train", parameters={"lr": 0.1}),
            [dataset_node(f"data{i}")],
            [Node(kind=NodeKind.MODEL, name=f"m{i}", version="1")],
        )
        results = at_once([lambda batch=batch: store.write(batch) for _ in range(THREADS)])
        assert not errors(results)
        assert sum(r.created_nodes for r in results) == 2
        assert sum(r.created_edges for r in results) == 1
    assert store.stats() == {"dataset": ROUNDS, "feature": 0, "model": ROUNDS, "prediction": 0,
                             "runs": ROUNDS, "edges": ROUNDS}  # fmt: skip
    links = "MATCH (:Run)-[l]->(:Node) RETURN count(l) AS c"
    assert count(store, links) == 2 * ROUNDS  # one USED and one PRODUCED link a run


def test_the_same_columns_and_aliases_written_at_once_are_stored_once(store: LineageStore) -> None:
    for i in range(ROUNDS):
        source, derived = dataset_node(f"raw{i}"), dataset_node(f"clean{i}")
        store.write(Batch(nodes=(source, derived)))
        batch = Batch(
            fields=(Field(node=source.uid, name="amount", type="double"),),
            column_edges=(
                ColumnEdge(source=derived.uid, source_field="eur", target=source.uid, target_field="amount"),
            ),
            aliases=(Alias(alias=f"dataset:hive/raw{i}@1", uid=source.uid),),
        )
        results = at_once([lambda batch=batch: store.write(batch) for _ in range(THREADS)])
        assert not errors(results)
    assert count(store, "MATCH (f:Field) RETURN count(f) AS c") == 2 * ROUNDS
    assert count(store, "MATCH (:Node)-[l:HAS_FIELD]->(:Field) RETURN count(l) AS c") == 2 * ROUNDS
    assert count(store, "MATCH ()-[e:COLUMN_FROM]->() RETURN count(e) AS c") == ROUNDS
    assert count(store, "MATCH (a:Alias) RETURN count(a) AS c") == ROUNDS


def test_overlapping_predictions_logged_at_once_are_each_stored_once(store: LineageStore) -> None:
    """Serving replicas that log overlapping batches at the same moment: the bulk statement of one
    meets another's predictions (stored, or being created), and that batch is decided again."""
    model, spend = Node(kind=NodeKind.MODEL, name="scorer", version="1"), dataset_node("spend")
    store.write(Batch(nodes=(model, spend)))
    per_thread, shift = 120, 40
    for i in range(ROUNDS):
        batches = [
            [
                Prediction(
                    name="score", version=f"{i}-{v}", input_digest="sha256:00", output=v, features=[spend.uid]
                )
                for v in range(t * shift, t * shift + per_thread)
            ]
            for t in range(THREADS)
        ]
        results = at_once([lambda b=b: store.record_predictions(model.uid, b) for b in batches])
        assert not errors(results), [repr(e) for e in errors(results)]
        distinct = (THREADS - 1) * shift + per_thread
        assert sum(r.created_nodes for r in results) == distinct
        assert sum(r.created_edges for r in results) == 2 * distinct
    total = ROUNDS * ((THREADS - 1) * shift + per_thread)
    assert store.stats()["prediction"] == total
    assert (
        count(store, "MATCH (:Node {kind: 'prediction'})-[e:DERIVED_FROM]->() RETURN count(e) AS c")
        == 2 * total
    )


def test_different_content_written_at_once_is_one_write_and_conflicts(store: LineageStore) -> None:
    for i in range(ROUNDS):
        versions = [Batch(nodes=(dataset_node(f"d{i}", owner=f"team-{t}"),)) for t in range(THREADS)]
        results = at_once([lambda batch=batch: store.write(batch) for batch in versions])
        refused = errors(results)
        assert len(refused) == THREADS - 1
        assert all(isinstance(e, Conflict) and "different owner" in str(e) for e in refused), [
            repr(e) for e in refused if "different owner" not in str(e)
        ]
        (winner,) = [t for t, r in enumerate(results) if not isinstance(r, Exception)]
        stored = store.get_node(f"dataset:d{i}@1")
        assert stored is not None and stored.owner == f"team-{winner}"


def test_start_and_complete_of_a_new_run_posted_at_once_make_one_whole_run(store: LineageStore) -> None:
    for _ in range(ROUNDS):
        run_id = new_id()
        start = parse_event(run_event(run_id, "START", inputs=[dataset("in")], at="2026-05-01T08:00:00Z"))
        complete = parse_event(
            run_event(run_id, "COMPLETE", outputs=[dataset("out")], at="2026-05-01T09:00:00Z")
        )
        results = at_once([lambda e=e: record_event(store, e) for e in (start, complete)])
        assert not errors(results)
        assert outcome(store, run_id) == (
            "COMPLETE",
            "2026-05-01T08:00:00.000000Z",
            "2026-05-01T09:00:00.000000Z",
        )
        run = store.get_run(run_id)
        output = f"dataset:{NS}/out@{run_id}"
        assert run is not None and run.outputs == (output,)
        assert [e.target for e in store.upstream(output).edges] == [run.inputs[0]]


def test_reports_of_one_run_posted_at_once_end_as_their_event_times_say(store: LineageStore) -> None:
    """Two terminal reports and a progress report race; the latest end by event time stands."""
    for _ in range(ROUNDS):
        run_id = new_id()
        events = [
            parse_event(run_event(run_id, kind, at=at))
            for kind, at in (
                ("COMPLETE", "2026-05-01T10:00:00Z"),
                ("FAIL", "2026-05-01T09:00:00Z"),
                ("RUNNING", "2026-05-01T11:00:00Z"),
            )
        ]
        assert not errors(at_once([lambda e=e: record_event(store, e) for e in events]))
        run = store.get_run(run_id)
        assert run is not None and (run.status, run.ended_at) == ("COMPLETE", "2026-05-01T10:00:00.000000Z")


@pytest.mark.neo4j
def test_servers_starting_at_once_on_a_fresh_neo4j_all_create_the_schema(neo4j_url: str) -> None:
    schema = [s.split()[1:3] for s in cypher.statements("schema", "neo4j")]  # [CONSTRAINT, node_uid], ...
    with neo4j.GraphDatabase.driver(neo4j_url, auth=None) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        for _ in range(3):
            for kind, name in schema:
                driver.execute_query(f"DROP {kind} {name} IF EXISTS")
            results = at_once([lambda: open_store(neo4j_url) for _ in range(THREADS)])
            assert not errors(results), errors(results)
            for opened in results:
                opened.close()
            created = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS YIELD name").records}
            created |= {r["name"] for r in driver.execute_query("SHOW INDEXES YIELD name").records}
            assert {name for _, name in schema} <= created


# --- over HTTP: a real server, one connection a client ----------------------------------------------


def test_clients_reporting_the_same_run_at_once_over_http_all_get_answers(store: LineageStore) -> None:
    record_run = "mutation R($input: RecordRunInput!) { recordRun(input: $input) { run { uid status } } }"
    with serving(create_app(store=store)) as url:
        for i in range(ROUNDS // 2):
            run_id = new_id()
            events = [
                run_event(run_id, "START", inputs=[dataset(f"in{i}")], at="2026-05-01T08:00:00Z"),
                run_event(run_id, "COMPLETE", outputs=[dataset(f"out{i}")], at="2026-05-01T09:00:00Z"),
            ]
            recorded = {
                "run": {"uid": f"train-{i}", "name": "train", "status": "COMPLETE"},
                "inputs": [{"uid": f"dataset:in{i}@1"}],
                "outputs": [{"uid": f"model:m{i}@1", "metadata": {"auc": 0.9}}],
            }
            mutation = {"query": record_run, "variables": {"input": recorded}}
            bodies = [("/api/v1/lineage", e) for e in events] + [("/graphql", mutation)] * (THREADS - 2)
            calls = [lambda p=p, b=b: httpx.post(f"{url}{p}", json=b, timeout=60) for p, b in bodies]
            answers = at_once(calls)
            assert not errors(answers)
            assert [a.status_code for a in answers if a.status_code >= 300] == [], [a.text for a in answers]
            assert all("errors" not in a.json() for a in answers[2:])
            run = store.get_run(run_id)
            assert run is not None and run.status == "COMPLETE" and len(run.inputs) == len(run.outputs) == 1


@pytest.mark.neo4j
def test_a_create_that_waited_on_another_writer_is_decided_again(neo4j_url: str) -> None:
    """A writer whose create of a new node waits on another transaction's uncommitted create of it
    finds the node once the other commits, and is decided again: here the same content, so a no-op. The
    store is fresh, so its first queries are explained inside that transaction too."""
    batch = Batch(nodes=(dataset_node("contested", owner="a"),))
    with neo4j.GraphDatabase.driver(neo4j_url, auth=None) as driver, open_store(neo4j_url) as fresh:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        outcome: list[Any] = []
        writer = threading.Thread(target=lambda: outcome.extend(at_once([lambda: fresh.write(batch)])))
        with driver.session() as session, session.begin_transaction() as other:
            other.run(cypher.load("create_nodes", "neo4j"), rows=records_of(batch, now()).nodes)
            writer.start()
            until(lambda: _blocked_transactions(driver) > 0)
            other.commit()
        writer.join()
        (result,) = outcome
        assert not isinstance(result, Exception), result
        assert (result.created_nodes, result.unchanged) == (0, 1)
        assert fresh.write(Batch(nodes=(dataset_node("after"),))).created_nodes == 1  # nothing left locked


def _blocked_transactions(driver: neo4j.Driver) -> int:
    query = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS c"
    return int(driver.execute_query(query).records[0]["c"])


def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Poll for a condition another thread or process brings about, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came about"
        time.sleep(0.01)


@pytest.mark.neo4j
def test_a_run_read_as_new_cannot_be_created_by_another_writer_meanwhile(neo4j_url: str) -> None:
    """COMPLETE reads its run as not recorded yet, and its START is posted before COMPLETE writes.
    Neo4j's locking index seek holds even the absent key, so the START waits instead of creating the
    run under COMPLETE's feet; both land, and COMPLETE's output derives from the START's input."""
    run_id = new_id()
    start = parse_event(run_event(run_id, "START", inputs=[dataset("in")], at="2026-05-01T08:00:00Z"))
    complete = parse_event(run_event(run_id, "COMPLETE", outputs=[dataset("out")], at="2026-05-01T09:00:00Z"))
    landing = threading.Thread(target=lambda: record_event(store, start))

    def complete_while_start_waits(tx: Transaction) -> None:
        before = tx.get_run(run_id)
        if not landing.is_alive() and before is None:  # the first attempt; a deadlock victim runs again
            landing.start()
            until(lambda: _blocked_transactions(driver) > 0)
        tx.write(event_batch(tx, complete, before))

    with neo4j.GraphDatabase.driver(neo4j_url, auth=None) as driver, open_store(neo4j_url) as store:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        store.transaction(complete_while_start_waits)
        landing.join()
        output = f"dataset:{NS}/out@{run_id}"
        assert [e.key for e in store.upstream(output).edges] == [(output, f"dataset:{NS}/in@unversioned")]
        run = store.get_run(run_id)
        assert run is not None and run.status == "COMPLETE"
