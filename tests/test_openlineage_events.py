"""How RunEvents become lineage: names, versions, kinds, code versions, merging, on both backends.

Events here are plain JSON, as any producer would send them; the client library's own events are in
test_openlineage_client.py.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest

from lineage.errors import InvalidInput
from lineage.ingest.openlineage import (
    UNVERSIONED,
    EventError,
    dataset_name,
    parse_event,
    record_event,
)
from lineage.model import NodeKind
from lineage.store import LineageStore

NS = "postgres://db:5432"


def dataset(name: str, **facets: Any) -> dict[str, Any]:
    return {"namespace": NS, "name": name, "facets": facets}


def facet(**fields: Any) -> dict[str, Any]:
    return {"_producer": "https://example.com/p", "_schemaURL": "https://example.com/s.json", **fields}


def run_event(run_id: str, event_type: str = "COMPLETE", **parts: Any) -> dict[str, Any]:
    job = {
        "namespace": "scheduler",
        "name": parts.pop("job_name", "step"),
        "facets": parts.pop("job_facets", {}),
    }
    return {
        "eventType": event_type,
        "eventTime": parts.pop("at", "2026-05-01T08:00:00Z"),
        "run": {"runId": run_id, "facets": parts.pop("run_facets", {})},
        "job": job,
        "producer": "https://example.com/p",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        **parts,
    }


def record(store: LineageStore, payload: dict[str, Any]) -> Any:
    return record_event(store, parse_event(payload))


def new_id() -> str:
    return str(uuid.uuid4())


def outcome(store: LineageStore, run_id: str) -> tuple[str | None, str | None, str | None]:
    """A stored run's status, start and end."""
    run = store.get_run(run_id)
    assert run is not None
    return run.status, run.started_at, run.ended_at


def test_dataset_names_join_namespace_and_name_with_one_slash() -> None:
    assert dataset_name("postgres://db:5432", "public.orders") == "postgres://db:5432/public.orders"
    assert dataset_name("s3://bucket/", "/raw/events") == "s3://bucket/raw/events"
    assert dataset_name("bigquery", "project.dataset.table") == "bigquery/project.dataset.table"


def test_version_comes_from_the_marker_then_the_version_facet_then_the_run(store: LineageStore) -> None:
    run_id = new_id()
    outputs = [
        dataset("a", lineageGraph=facet(kind="model", version="7"), version=facet(datasetVersion="ignored")),
        dataset("b", version=facet(datasetVersion="2026-05")),
        dataset("c"),
    ]
    recorded = record(store, run_event(run_id, outputs=outputs))
    assert sorted(recorded.run.outputs) == [
        f"dataset:{NS}/b@2026-05",
        f"dataset:{NS}/c@{run_id}",
        f"model:{NS}/a@7",
    ]


def test_the_marker_facet_sets_kind_name_and_metadata(store: LineageStore) -> None:
    marker = facet(kind="model", name="churn_model", version="3", metadata={"stage": "production"})
    record(store, run_event(new_id(), outputs=[dataset("registry.churn", lineageGraph=marker)]))
    node = store.get_node("model:churn_model@3")
    assert node is not None
    assert (node.kind, node.source, node.metadata) == (NodeKind.MODEL, NS, {"stage": "production"})


def test_an_input_reads_the_latest_version_another_run_wrote(store: LineageStore) -> None:
    first, second, reader = new_id(), new_id(), new_id()
    record(store, run_event(first, outputs=[dataset("orders")]))
    record(store, run_event(second, outputs=[dataset("orders")]))
    recorded = record(store, run_event(reader, inputs=[dataset("orders")], outputs=[dataset("report")]))
    assert recorded.run.inputs == (f"dataset:{NS}/orders@{second}",)
    edges = store.upstream(f"dataset:{NS}/report@{reader}", depth=1).edges
    assert [(e.target, e.run) for e in edges] == [(f"dataset:{NS}/orders@{second}", reader)]


def test_an_input_never_written_is_unversioned(store: LineageStore) -> None:
    recorded = record(store, run_event(new_id(), inputs=[dataset("raw")], outputs=[dataset("clean")]))
    assert recorded.run.inputs == (f"dataset:{NS}/raw@{UNVERSIONED}",)


def test_a_run_keeps_the_input_version_it_first_read(store: LineageStore) -> None:
    writer, reader, newer = new_id(), new_id(), new_id()
    record(store, run_event(writer, outputs=[dataset("orders")]))
    record(store, run_event(reader, "START", inputs=[dataset("orders")]))
    record(store, run_event(newer, outputs=[dataset("orders")]))  # a new version lands meanwhile
    done = record(store, run_event(reader, inputs=[dataset("orders")], outputs=[dataset("report")]))
    assert done.run.inputs == (f"dataset:{NS}/orders@{writer}",)


def test_a_table_read_and_rewritten_derives_from_its_previous_version(store: LineageStore) -> None:
    first, second = new_id(), new_id()
    record(store, run_event(first, outputs=[dataset("totals")]))
    done = record(store, run_event(second, inputs=[dataset("totals")], outputs=[dataset("totals")]))
    assert done.run.inputs == (f"dataset:{NS}/totals@{first}",)
    assert done.run.outputs == (f"dataset:{NS}/totals@{second}",)


def test_source_code_gives_a_digest_when_no_commit_is_known(store: LineageStore) -> None:
    sql = "INSERT INTO report SELECT * FROM orders"
    payload = run_event(new_id(), job_facets={"sourceCode": facet(language="sql", sourceCode=sql)})
    recorded = record(store, payload)
    assert recorded.run.code_version == f"sha256:{hashlib.sha256(sql.encode()).hexdigest()}"


def test_events_of_one_run_merge_in_any_order_and_repeat_harmlessly(store: LineageStore) -> None:
    run_id = new_id()
    complete = run_event(run_id, "COMPLETE", at="2026-05-01T09:00:00Z", outputs=[dataset("out")])
    start = run_event(run_id.upper(), "START", at="2026-05-01T08:00:00Z", inputs=[dataset("in")])
    running = run_event(run_id, "RUNNING", at="2026-05-01T08:30:00Z")
    for payload in (complete, running, start, complete, start):
        record(store, payload)
    assert outcome(store, run_id) == (
        "COMPLETE",
        "2026-05-01T08:00:00.000000Z",
        "2026-05-01T09:00:00.000000Z",
    )
    assert [e.key for e in store.upstream(f"dataset:{NS}/out@{run_id}").edges] == [
        (f"dataset:{NS}/out@{run_id}", f"dataset:{NS}/in@{UNVERSIONED}")
    ]
    assert store.stats() == {"dataset": 2, "feature": 0, "model": 0, "prediction": 0, "runs": 1, "edges": 1}


def test_a_version_recorded_before_is_referred_to_not_rewritten(store: LineageStore) -> None:
    marker = facet(kind="model", name="m", version="1", metadata={"stage": "staging"})
    record(store, run_event(new_id(), outputs=[dataset("m", lineageGraph=marker)]))
    reader = run_event(
        new_id(),
        inputs=[dataset("m", lineageGraph=facet(kind="model", name="m", version="1"))],
        outputs=[dataset("x")],
    )
    record(store, reader)  # describes the model without its metadata: no conflict, the first record stands
    node = store.get_node("model:m@1")
    assert node is not None and node.metadata == {"stage": "staging"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"run": {"runId": "17"}}, "run.runId", "run.runId must be a UUID, got '17'"),
        ({"eventType": "DONE"}, "eventType", "eventType 'DONE' is not one of"),
        ({"eventTime": "soon"}, "eventTime", "eventTime 'soon' is not an ISO 8601 date-time"),
        ({"producer": None}, "producer", "producer is required"),
        ({"job": {"namespace": "s"}}, "job.name", "job.name is required"),
        ({"inputs": {"a": 1}}, "inputs", "inputs must be a list of datasets"),
        ({"outputs": [{"namespace": NS}]}, "outputs[0].name", "outputs[0].name is required"),
        (
            {"outputs": [dataset("x", lineageGraph=facet(kind="table"))]},
            "outputs[0].facets.lineageGraph.kind",
            "must be one of dataset, feature, model, prediction, got 'table'",
        ),
        (
            {"run": {"runId": str(uuid.uuid4()), "facets": {"parent": facet(run={"runId": "x"})}}},
            "run.facets.parent.run.runId",
            "must be a UUID",
        ),
        ({"outputs": [dataset("x\n")]}, "outputs[0].name", "contains control characters"),
    ],
)
def test_malformed_events_name_the_field_at_fault(change: dict[str, Any], field: str, message: str) -> None:
    payload = {**run_event(new_id()), **change}
    with pytest.raises(EventError) as caught:
        parse_event(payload)
    assert caught.value.field == field
    assert message in str(caught.value)


@pytest.mark.parametrize("end", ["COMPLETE", "FAIL", "ABORT"])
def test_a_terminal_state_stands_whatever_arrives_after_it(store: LineageStore, end: str) -> None:
    run_id = new_id()
    for event_type, at in (
        (end, "2026-05-01T09:00:00Z"),
        ("START", "2026-05-01T08:00:00Z"),
        ("RUNNING", None),
    ):
        record(store, run_event(run_id, event_type, **({"at": at} if at else {})))
    run = store.get_run(run_id)
    assert run is not None
    assert (run.status, run.started_at, run.ended_at) == (
        end,
        "2026-05-01T08:00:00.000000Z",
        "2026-05-01T09:00:00.000000Z",
    )


def test_a_dataset_version_read_and_written_by_one_run_is_refused(store: LineageStore) -> None:
    same = dataset("t", version=facet(datasetVersion="7"))
    both = r"dataset:postgres://db:5432/t@7 is both an input and an output"
    with pytest.raises(EventError, match=both) as err:
        record(store, run_event(new_id(), inputs=[same], outputs=[same]))
    assert err.value.field == "outputs"
    assert store.stats()["runs"] == 0


def test_a_parent_run_named_before_it_reports_is_recorded_then_filled_in(store: LineageStore) -> None:
    dag_run, task_run = new_id(), new_id()
    parent = facet(run={"runId": dag_run}, job={"namespace": "airflow", "name": "churn_dag"})
    record(store, run_event(task_run, run_facets={"parent": parent}, outputs=[dataset("x")]))
    task, dag = store.get_run(task_run), store.get_run(dag_run)
    assert task is not None and task.parent == dag_run
    assert dag is not None and (dag.name, dag.status) == ("churn_dag", None)
    record(store, run_event(dag_run, "COMPLETE", job_name="churn_dag", at="2026-05-01T09:00:00Z"))
    dag = store.get_run(dag_run)
    assert dag is not None and (dag.status, dag.ended_at) == ("COMPLETE", "2026-05-01T09:00:00.000000Z")


def test_a_run_naming_itself_as_its_parent_is_refused(store: LineageStore) -> None:
    run_id = new_id()
    parent = facet(run={"runId": run_id}, job={"namespace": "scheduler", "name": "step"})
    with pytest.raises(InvalidInput, match="names itself as its parent"):
        record(store, run_event(run_id, run_facets={"parent": parent}))
    assert store.get_run(run_id) is None


def test_a_facet_sent_again_later_replaces_the_earlier_value_whatever_the_order(store: LineageStore) -> None:
    def event(run_id: str, at: str, lr: float, commit: str) -> dict[str, Any]:
        params = facet(parameters=[{"key": "lr", "value": lr}])
        code = facet(type="git", url="https://git.example/x", version=commit)
        return run_event(run_id, "RUNNING", at=at, run_facets={"executionParameters": params},
                         job_facets={"sourceCodeLocation": code})  # fmt: skip

    for order in ((0, 1), (1, 0)):
        run_id = new_id()
        events = [
            event(run_id, "2026-05-01T09:00:00Z", 0.1, "aaa"),
            event(run_id, "2026-05-01T10:00:00Z", 0.2, "bbb"),
        ]
        for index in order:
            record(store, events[index])
        run = store.get_run(run_id)
        assert run is not None and (dict(run.parameters), run.code_version) == ({"lr": 0.2}, "git:bbb")
        assert run.facet_times["parameters.lr"] == "2026-05-01T10:00:00.000000Z"


def test_an_event_reads_its_run_and_its_datasets_once_before_writing(
    store: LineageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What an event's transaction has read, the writer does not read again: the run it holds and the
    versions it looked up; nor is the run read back for the answer. A query count, not a timing (every
    statement costs LadybugDB 0.2-1.5 ms however small)."""
    run_id = new_id()
    record(store, run_event(run_id, "START", inputs=[dataset("in")]))
    reads: dict[str, list[Any]] = {"run_by_uid": [], "nodes_by_uid": []}
    backend_write = store._write

    def counting_write(work: Any) -> Any:
        def counted(tx: Any) -> Any:
            def query(text: str, params: Any) -> Any:
                for name, seen in reads.items():
                    if text == store._q(name):
                        seen.append(params.get("uid") or sorted(params["uids"]))
                return tx(text, params)

            return work(query)

        return backend_write(counted)

    monkeypatch.setattr(store, "_write", counting_write)
    complete = run_event(run_id, "COMPLETE", at="2026-05-01T09:00:00Z", outputs=[dataset("out")])
    recorded = record(store, complete)
    assert reads["run_by_uid"] == [run_id]  # held before the write; the answer is what was written
    versions = [f"dataset:{NS}/in@{UNVERSIONED}", f"dataset:{NS}/out@{run_id}"]
    read = [uid for uids in reads["nodes_by_uid"] for uid in uids]
    assert sorted(read) == versions  # each once: the writer does not read again what the event read
    assert recorded.run.status == "COMPLETE" and recorded.run.inputs == (versions[0],)
    assert recorded.run.outputs == (versions[1],)


def test_an_events_answer_is_the_run_as_stored(store: LineageStore) -> None:
    """The run an event answers with is what the store then holds (it is the merge the writer wrote,
    not read back): through a start, a progress report with parameters and code, a parent named
    before it reports, and an end that adds an output."""
    run_id, dag_run = new_id(), new_id()
    params = facet(parameters=[{"key": "lr", "value": 0.1}, {"key": "epochs", "value": 3}])
    code = facet(type="git", url="https://git.example/x", version="abc")
    parent = facet(run={"runId": dag_run}, job={"namespace": "airflow", "name": "dag"})
    events = [
        run_event(run_id, "START", inputs=[dataset("a"), dataset("b", version=facet(datasetVersion="7"))]),
        run_event(
            run_id,
            "RUNNING",
            at="2026-05-01T08:30:00Z",
            run_facets={"executionParameters": params},
            job_facets={"sourceCodeLocation": code},
        ),
        run_event(run_id, "RUNNING", at="2026-05-01T08:40:00Z", run_facets={"parent": parent}),
        run_event(run_id, "COMPLETE", at="2026-05-01T09:00:00Z", outputs=[dataset("out")]),
        run_event(run_id, "COMPLETE", at="2026-05-01T09:00:00Z", outputs=[dataset("out")]),  # sent again
    ]
    for payload in events:
        answered = record(store, payload).run
        assert answered == store.get_run(run_id)
    stored = store.get_run(run_id)
    assert stored is not None and stored.status == "COMPLETE" and stored.parent == dag_run
    assert dict(stored.parameters) == {"epochs": 3, "lr": 0.1}
    assert len(stored.inputs) == 2 and len(stored.outputs) == 1
