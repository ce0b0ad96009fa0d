from __future__ import annotations

import json
from dataclasses import fields

import pytest

from lineage.errors import Conflict, InvalidInput
from lineage.model import Edge, Node, NodeKind, Run, make_uid, parse_time, parse_uid


def test_uid_round_trips_names_holding_colons_and_at_signs() -> None:
    uid = make_uid(NodeKind.DATASET, "postgres://db:5432/sales.orders@eu", "2026-01")
    assert uid == "dataset:postgres://db:5432/sales.orders@eu@2026-01"
    assert parse_uid(uid) == (NodeKind.DATASET, "postgres://db:5432/sales.orders@eu", "2026-01")


def test_a_record_reads_back_as_the_object_the_constructor_builds() -> None:
    """from_record builds without the dataclass __init__ (model._built): every field must still be set,
    to what the constructor makes of it, including a field added later. Every field is given a value
    other than its default, which a missing one would fall back to."""
    node = Node(
        kind="model",
        name="scoring",
        version="2",
        checksum="sha256:ab",
        created_at="2026-01-31T12:00:00+01:00",
        recorded_at="2026-02-01",
        owner="risk",
        source="s3://models",
        description="the scoring model",
        metadata={"auc": 0.91},
        input_digest="sha256:cd",
        output={"score": 1},
    )
    run = Run(
        uid="r1",
        name="train",
        code_version="git:abc",
        code_dirty=True,
        parameters={"lr": 0.05},
        environment={"python": "3.11"},
        started_at="2026-01-31T11:00:00Z",
        ended_at="2026-01-31T11:30:00Z",
        status="COMPLETE",
        user="ana",
        parent="r0",
        recorded_at="2026-02-01",
        facet_times={"parameters.lr": "2026-01-31T11:00:00.000000Z"},
        inputs=("dataset:customers@1",),
        outputs=("model:scoring@2",),
    )
    edge = Edge(source="model:scoring@2", target="dataset:customers@1", run="r1", recorded_at="2026-02-01")
    read_back = [
        (node, Node.from_record(node.to_record())),
        (run, Run.from_record(run.to_record(), run.inputs, run.outputs)),
        (edge, Edge.from_record(edge.to_record())),
    ]
    for built, read in read_back:
        assert read == built
        assert {f.name for f in fields(built)} <= vars(read).keys()
    assert read_back[0][1].uid == "model:scoring@2"
    assert read_back[0][1].created_at == "2026-01-31T11:00:00.000000Z"


@pytest.mark.parametrize(
    ("uid", "problem"),
    [
        ("customers@1", "expected 'kind:name@version'"),
        ("dataset:customers", "expected 'kind:name@version'"),
        ("table:customers@1", "unknown kind 'table'"),
        ("dataset:@1", "empty name"),
        ("dataset:customers@ ", "empty version"),
        ("dataset:cust\x00omers@1", "control characters"),
    ],
)
def test_malformed_uids_say_what_is_wrong(uid: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_uid(uid)


def test_metadata_order_does_not_change_content() -> None:
    a = Node(kind=NodeKind.MODEL, name="m", version="1", metadata={"a": 1, "b": [1, 2]})
    b = Node(kind=NodeKind.MODEL, name="m", version="1", metadata={"b": [1, 2], "a": 1})
    assert a.content() == b.content()
    assert Node.from_record(a.to_record()) == a


def test_times_are_normalised_to_fixed_width_utc() -> None:
    assert parse_time("2026-03-01T10:00:00+02:00") == "2026-03-01T08:00:00.000000Z"
    assert parse_time("2026-03-01") == "2026-03-01T00:00:00.000000Z"
    with pytest.raises(InvalidInput, match="invalid time"):
        parse_time("last tuesday")


def test_every_year_keeps_the_width_so_text_order_is_time_order() -> None:
    times = ["0001-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]
    stored = [parse_time(t) for t in times]
    assert stored[1] == "0999-12-31T23:59:59.000000Z"
    assert {len(s) for s in stored} == {27} and sorted(stored) == stored
    for beyond in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-02:00"):
        with pytest.raises(InvalidInput, match="outside the years 1 to 9999 in UTC"):
            parse_time(beyond)


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        (" ", "empty name"),
        ("n" * 1001, "name longer than 1000 characters"),
        ("a\x00b", "name contains control characters"),
    ],
)
def test_a_run_name_follows_the_rules_of_every_name(name: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=f"run r: {problem}"):
        Run(uid="r", name=name)


def test_a_node_cannot_derive_from_itself() -> None:
    with pytest.raises(InvalidInput, match="cannot derive from itself"):
        Edge(source="dataset:a@1", target="dataset:a@1")


def test_run_status_never_goes_back_from_terminal() -> None:
    done = Run(uid="r", name="job", status="COMPLETE")
    assert done.merged_with(Run(uid="r", name="job", status="RUNNING")).status == "COMPLETE"
    assert Run(uid="r", name="job", status="START").merged_with(done).status == "COMPLETE"
    with pytest.raises(Conflict, match="different name"):
        done.merged_with(Run(uid="r", name="other"))
    with pytest.raises(InvalidInput, match="unknown status 'DONE'"):
        Run(uid="r", name="job", status="DONE")


def _report(status: str | None, started: str | None = None, ended: str | None = None) -> Run:
    return Run(uid="r", name="job", status=status, started_at=started, ended_at=ended)


@pytest.mark.parametrize(
    ("reports", "outcome"),
    [
        # the latest end stands, not the last to arrive
        ([_report("COMPLETE", ended="2026-01-01T10:00"), _report("FAIL", ended="2026-01-01T09:00")],
         ("COMPLETE", "2026-01-01T10:00:00.000000Z")),
        # the same end time: the graver outcome
        ([_report("COMPLETE", ended="2026-01-01T10:00"), _report("FAIL", ended="2026-01-01T10:00")],
         ("FAIL", "2026-01-01T10:00:00.000000Z")),
        # progress moves on from START, never back from an end
        ([_report("START", started="2026-01-01T08:00"), _report("RUNNING")], ("RUNNING", None)),
        ([_report("RUNNING"), _report("ABORT", ended="2026-01-01T08:30")],
         ("ABORT", "2026-01-01T08:30:00.000000Z")),
    ],
)  # fmt: skip
def test_a_runs_outcome_is_the_same_in_either_order_of_its_reports(
    reports: list[Run], outcome: tuple[str, str | None]
) -> None:
    first, second = reports
    for merged in (first.merged_with(second), second.merged_with(first)):
        assert (merged.status, merged.ended_at) == outcome


def test_a_run_started_at_its_earliest_start() -> None:
    early, late = _report("START", started="2026-01-01T08:00"), _report("START", started="2026-01-01T08:05")
    for merged in (early.merged_with(late), late.merged_with(early)):
        assert merged.started_at == "2026-01-01T08:00:00.000000Z"


def test_a_value_reported_with_a_time_gives_way_to_a_later_one_and_without_times_conflicts() -> None:
    def report(lr: float, at: str | None) -> Run:
        times = {"parameters.lr": at} if at else {}
        return Run(uid="r", name="job", parameters={"lr": lr}, facet_times=times)

    early, late = report(0.1, "2026-01-01T09:00:00.000000Z"), report(0.2, "2026-01-01T10:00:00.000000Z")
    for merged in (early.merged_with(late), late.merged_with(early)):
        assert dict(merged.parameters) == {"lr": 0.2}
        assert dict(merged.facet_times) == {"parameters.lr": "2026-01-01T10:00:00.000000Z"}
    tie = report(0.3, "2026-01-01T10:00:00.000000Z")
    assert dict(late.merged_with(tie).parameters) == dict(tie.merged_with(late).parameters) == {"lr": 0.3}
    with pytest.raises(Conflict, match=r"different parameters\.lr"):
        report(0.1, None).merged_with(late)


def test_a_run_read_with_a_link_twice_holds_it_once() -> None:
    """A store read may return a link twice (lineage.store._writer.load_runs relies on this)."""
    run = Run.from_record({"uid": "r1", "name": "train"}, ["dataset:b@1", "dataset:a@1", "dataset:b@1"], [])
    assert run.inputs == ("dataset:a@1", "dataset:b@1")


def test_a_nodes_json_fields_are_stored_as_canonical_text_and_a_value_json_cannot_hold_is_refused() -> None:
    """Content compares as text, so the stored text must be the one json.dumps with sorted keys and no
    spaces gives, whatever the value holds (model._ENCODE is json's C encoder, made once)."""
    output = {"b": [1, 2.5, 1e16, -0.0, None, True], "a": {"é": "line\nbreak \u2028", "z": 10**30}, "": "x"}
    node = Node(kind=NodeKind.PREDICTION, name="score", version="1", output=output, metadata={"k": 1e-7})
    record = node.to_record()
    expected = json.dumps(output, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert record["output"] == expected and record["metadata"] == '{"k":1e-07}'
    assert (
        Node(kind=NodeKind.PREDICTION, name="s", version="1", output="plain").to_record()["output"]
        == '"plain"'
    )
    looped: dict[str, object] = {}
    looped["self"] = looped
    for bad, says in (
        (float("nan"), "not JSON compliant"),
        ({1j}, "not JSON serializable"),
        (looped, "contains itself"),
    ):
        with pytest.raises(InvalidInput, match=f"value is not JSON-serialisable: .*{says}"):
            Node(kind=NodeKind.PREDICTION, name="s", version="1", output={"v": bad}).to_record()
