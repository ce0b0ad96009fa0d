"""The storage contract. Every test here runs against every backend (see the ``store`` fixture)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from lineage.columns import ColumnEdge, Field
from lineage.errors import Conflict, InvalidInput, NotFound
from lineage.ingest.batches import predictions_batch, run_batch
from lineage.model import Batch, Edge, Node, NodeKind, Prediction, Run, Subgraph, now
from lineage.store._writer import KEYS_ALONE_FROM
from lineage.store.base import LineageStore, Transaction


def dataset(name: str, version: str = "1", **extra: object) -> Node:
    return Node(kind=NodeKind.DATASET, name=name, version=version, **extra)  # type: ignore[arg-type]


def feature(name: str, version: str = "1", **extra: object) -> Node:
    return Node(kind=NodeKind.FEATURE, name=name, version=version, **extra)  # type: ignore[arg-type]


def diamonds(levels: int, *, side: Callable[[str], Node]) -> Batch:
    """Datasets d0 <- d1 <- ... <- d<levels>, each through a diamond: d<i> derives from two ``side``
    nodes l<i> and r<i>, which both derive from d<i-1>. 2**levels paths from top to bottom."""
    nodes, edges = [dataset("d0")], []
    for level in range(1, levels + 1):
        left, right, join = side(f"l{level}"), side(f"r{level}"), dataset(f"d{level}")
        nodes += [left, right, join]
        top = f"dataset:d{level - 1}@1"
        edges += [
            Edge(source=left.uid, target=top),
            Edge(source=right.uid, target=top),
            Edge(source=join.uid, target=left.uid),
            Edge(source=join.uid, target=right.uid),
        ]
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


def chain(*nodes: Node) -> Batch:
    """nodes[0] <- nodes[1] <- ...: each node derives from the one before it."""
    edges = [Edge(source=b.uid, target=a.uid) for a, b in itertools.pairwise(nodes)]
    return Batch(nodes=nodes, edges=tuple(edges))


# --- versions, idempotence, conflicts, atomicity --------------------------------------------------


def test_a_recorded_node_comes_back_with_every_field(store: LineageStore) -> None:
    node = dataset(
        "customers",
        "2026-01",
        checksum="sha256:ab",
        created_at="2026-01-31T00:00:00.000000Z",
        owner="risk",
        source="warehouse",
        description="monthly snapshot",
        metadata={"rows": 1200, "cols": ["a", "b"]},
    )
    store.write(Batch(nodes=(node,)))
    got = store.get_node("dataset:customers@2026-01")
    assert got is not None
    assert got.content() == node.content()
    assert got.recorded_at is not None and got.recorded_at <= now()


def test_unknown_uid_gives_none_and_malformed_uid_an_error(store: LineageStore) -> None:
    assert store.get_node("dataset:nothing@1") is None
    with pytest.raises(InvalidInput, match="unknown kind 'table'"):
        store.get_node("table:x@1")


def test_rerecording_an_identical_version_is_a_noop(store: LineageStore) -> None:
    batch = chain(dataset("a"), feature("b"))
    first = store.write(batch)
    recorded = store.get_node("dataset:a@1")
    second = store.write(batch)
    assert (first.created_nodes, first.created_edges) == (2, 1)
    assert (second.created_nodes, second.created_edges, second.unchanged) == (0, 0, 3)
    assert store.get_node("dataset:a@1") == recorded  # recorded_at kept from the first write
    assert store.stats()["edges"] == 1


def test_same_uid_with_different_content_is_refused_naming_uid_and_fields(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("a", owner="ana", description="x"),)))
    with pytest.raises(Conflict) as refused:
        store.write(Batch(nodes=(dataset("b"), dataset("a", owner="bob", description="y"))))
    assert "dataset:a@1" in str(refused.value)
    assert "description, owner" in str(refused.value)
    assert store.get_node("dataset:b@1") is None, "nothing of a refused batch is written"
    assert store.get_node("dataset:a@1").owner == "ana"  # type: ignore[union-attr]


def test_a_batch_with_one_bad_edge_leaves_the_store_unchanged(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("base"),)))
    before = list(store.export_records())
    bad = Batch(
        nodes=(feature("f1"), feature("f2")),
        runs=(Run(uid="r1", name="step", inputs=("dataset:base@1",), outputs=("feature:f1@1",)),),
        edges=(
            Edge(source="feature:f1@1", target="dataset:base@1", run="r1"),
            Edge(source="feature:f2@1", target="dataset:missing@1", run="r1"),
        ),
    )
    with pytest.raises(NotFound, match="dataset:missing@1"):
        store.write(bad)
    assert list(store.export_records()) == before


@pytest.mark.parametrize("outputs", [1, 150], ids=["small", "bulk"])
def test_a_failure_midway_through_writing_rolls_everything_back(store: LineageStore, outputs: int) -> None:
    """Checks pass, then the database itself fails mid-batch: the transaction must undo the earlier
    statements of the batch, not only refuse before writing (for a bulk batch too, which LadybugDB
    writes by COPY and LOAD FROM)."""
    store.write(Batch(nodes=(dataset("base"),)))
    before = list(store.export_records())
    real_write = type(store)._write

    def failing_write(self: LineageStore, work):  # type: ignore[no-untyped-def]
        def sabotaged(tx):  # type: ignore[no-untyped-def]
            def run(query, params):  # type: ignore[no-untyped-def]
                if "DERIVED_FROM {run" in query or "COPY DERIVED_FROM" in query:  # the last: edges
                    raise RuntimeError("disk full")
                return tx(query, params)

            return work(run)

        return real_write(self, sabotaged)

    type(store)._write = failing_write  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            made = [feature(f"f{i}") for i in range(outputs)]
            batch = run_batch(Run(uid="r", name="s"), ["dataset:base@1"], made)
            others = tuple(Run(uid=f"r{i}", name="s", code_dirty=True) for i in range(outputs))
            store.write(replace(batch, runs=(*batch.runs, *others)))
    finally:
        type(store)._write = real_write  # type: ignore[method-assign]
    assert list(store.export_records()) == before


def test_versions_of_a_name_come_oldest_first(store: LineageStore) -> None:
    for version in ("v2", "v10", "v1"):
        store.write(Batch(nodes=(dataset("prices", version),)))
        time.sleep(0.002)
    store.write(Batch(nodes=(dataset("other", "v0"),)))
    assert [n.version for n in store.versions(NodeKind.DATASET, "prices")] == ["v2", "v10", "v1"]


def test_versions_of_many_names_at_once_are_each_names_versions(store: LineageStore) -> None:
    """A few names are looked up one at a time and many by lists (LineageStore.lookups_one_by_one):
    both give each name's versions oldest first, those written together in version order."""
    names = [f"n{i:02}" for i in range(store.lookups_one_by_one + 4)]
    store.write(Batch(nodes=tuple(dataset(name, v) for name in names for v in ("b", "a"))))
    store.write(Batch(nodes=tuple(dataset(name, "0") for name in names[::2])))
    many = store.versions_of((NodeKind.DATASET, name) for name in [*names, "never-recorded"])
    assert set(many) == {(NodeKind.DATASET, name) for name in names}
    for i, name in enumerate(names):
        expected = ["a", "b", "0"] if i % 2 == 0 else ["a", "b"]
        assert [n.version for n in many[(NodeKind.DATASET, name)]] == expected
        assert store.versions_of([(NodeKind.DATASET, name)]) == {
            (NodeKind.DATASET, name): many[(NodeKind.DATASET, name)]
        }


# --- listing and search ------------------------------------------------------------------------


def test_listing_pages_through_every_node_once(store: LineageStore) -> None:
    store.write(Batch(nodes=(*tuple(dataset(f"d{i:02}") for i in range(23)), feature("f"))))
    seen, after = [], None
    while True:
        page = store.list_nodes(kind=NodeKind.DATASET, first=10, after=after)
        assert page.total == 23
        seen += [n.uid for n in page.nodes]
        if not page.has_next:
            break
        after = page.end_cursor
    assert seen == sorted(f"dataset:d{i:02}@1" for i in range(23))


def test_search_is_a_case_insensitive_substring_of_the_name(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("Customer_Data"), dataset("customers_eu"), dataset("prices"))))
    page = store.list_nodes(search="CUSTOMER")
    assert [n.name for n in page.nodes] == ["Customer_Data", "customers_eu"]
    assert page.total == 2


def test_bad_page_arguments_are_refused(store: LineageStore) -> None:
    with pytest.raises(InvalidInput, match="page size"):
        store.list_nodes(first=0)
    with pytest.raises(InvalidInput, match="invalid cursor"):
        store.list_nodes(after="%%%")


# --- traversal ----------------------------------------------------------------------------------


def test_upstream_and_downstream_follow_derived_from(demo_store: LineageStore) -> None:
    up = demo_store.upstream("model:scoring_model@2")
    assert {n.uid for n in up.nodes} == {
        "model:scoring_model@2",
        "feature:purchase_analysis@2",
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
    }
    assert up.depths["dataset:historic_data@2025"] == 2
    assert not up.truncated
    down = demo_store.downstream("dataset:historic_data@2025")
    models = {n.uid for n in down.nodes if n.kind is NodeKind.MODEL}
    assert models == {
        "model:scoring_model@1",
        "model:scoring_model@2",
        "model:credit_limit_model@1",
        "model:credit_limit_model@2",
    }
    assert "prediction:credit_offer@c-1003-g2" in {n.uid for n in down.nodes}


def test_depth_bounds_the_traversal_and_says_it_was_cut(store: LineageStore) -> None:
    nodes = [dataset(f"n{i}") for i in range(6)]
    store.write(chain(*nodes))
    cut = store.downstream("dataset:n0@1", depth=3)
    assert [n.name for n in cut.nodes] == ["n0", "n1", "n2", "n3"]
    assert cut.truncated
    exact = store.downstream("dataset:n0@1", depth=5)
    assert len(exact.nodes) == 6 and not exact.truncated


def test_depth_out_of_range_is_refused(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("a"),)))
    for depth in (0, 51, -1):
        with pytest.raises(InvalidInput, match="depth"):
            store.upstream("dataset:a@1", depth=depth)


def test_traversal_of_an_unknown_uid_is_not_found(store: LineageStore) -> None:
    with pytest.raises(NotFound, match="dataset:ghost@1"):
        store.downstream("dataset:ghost@1")


def test_kind_filter_keeps_root_and_matching_kinds_but_traverses_through_others(
    demo_store: LineageStore,
) -> None:
    graph = demo_store.downstream("dataset:customer_data@2026-04", kinds=[NodeKind.MODEL])
    assert {n.uid for n in graph.nodes} == {
        "dataset:customer_data@2026-04",
        "model:scoring_model@2",
        "model:credit_limit_model@2",
    }
    assert {(e.source, e.target) for e in graph.edges} == {
        ("model:credit_limit_model@2", "model:scoring_model@2")
    }
    assert {(e.source, e.target, e.via) for e in graph.indirect} == {
        ("model:scoring_model@2", "dataset:customer_data@2026-04", ("feature:purchase_analysis@2",))
    }


def model(name: str, version: str = "1") -> Node:
    return Node(kind=NodeKind.MODEL, name=name, version=version)


def derived(*nodes: Node, edges: list[tuple[Node, Node]]) -> Batch:
    """The nodes, and each (source, target) pair as source DERIVED_FROM target."""
    return Batch(nodes=nodes, edges=tuple(Edge(source=s.uid, target=t.uid) for s, t in edges))


def links(graph: Subgraph) -> set[tuple[str, str, bool, tuple[str, ...]]]:
    return {(e.source, e.target, e.indirect, e.via) for e in graph.links}


def test_a_kinds_filter_links_the_kept_nodes_through_the_hidden_ones(store: LineageStore) -> None:
    store.write(chain(dataset("raw"), feature("f"), model("m")))
    kinds = [NodeKind.DATASET, NodeKind.MODEL]
    up = store.upstream("model:m@1", kinds=kinds)
    down = store.downstream("dataset:raw@1", kinds=kinds)
    for graph in (up, down):
        assert {n.uid for n in graph.nodes} == {"model:m@1", "dataset:raw@1"}
        assert graph.edges == ()
        assert links(graph) == {("model:m@1", "dataset:raw@1", True, ("feature:f@1",))}
        assert graph.indirect[0].run is None and graph.indirect[0].recorded_at is None
    assert up.depths == {"model:m@1": 0, "dataset:raw@1": 2}  # hops through the hidden feature count
    assert store.upstream("model:m@1").indirect == ()  # no filter, nothing hidden


def test_a_hidden_diamond_is_one_link_through_both_sides(store: LineageStore) -> None:
    """Each bridge once: 20 diamonds of hidden features between kept datasets give 20 links, one per
    pair, naming both sides of its diamond, and the 2**20 paths are never walked."""
    store.write(diamonds(20, side=feature))
    graph = store.upstream("dataset:d20@1", depth=50, kinds=[NodeKind.DATASET])
    assert len(graph.nodes) == 21 and graph.edges == ()
    assert links(graph) == {
        (f"dataset:d{i}@1", f"dataset:d{i - 1}@1", True, (f"feature:l{i}@1", f"feature:r{i}@1"))
        for i in range(1, 21)
    }


def test_a_recorded_edge_is_not_repeated_as_an_indirect_one(store: LineageStore) -> None:
    raw, f, m = dataset("raw"), feature("f"), model("m")
    store.write(derived(raw, f, m, edges=[(f, raw), (m, f), (m, raw)]))
    graph = store.upstream(m.uid, kinds=[NodeKind.MODEL, NodeKind.DATASET])
    assert links(graph) == {(m.uid, raw.uid, False, ())}


def test_a_kinds_filter_through_a_hidden_cycle_ends(store: LineageStore) -> None:
    raw, a, b, m = dataset("raw"), feature("a"), feature("b"), model("m")
    store.write(derived(raw, a, b, m, edges=[(m, a), (a, b), (b, a), (b, raw)]))
    graph = store.upstream(m.uid, kinds=[NodeKind.DATASET])
    assert links(graph) == {(m.uid, raw.uid, True, (a.uid, b.uid))}


def test_as_of_ignores_what_was_recorded_later(store: LineageStore) -> None:
    store.write(chain(dataset("raw"), feature("f", "1")))
    between = now()
    time.sleep(0.002)
    store.write(
        Batch(nodes=(feature("f", "2"),), edges=(Edge(source="feature:f@2", target="dataset:raw@1"),))
    )
    assert {n.uid for n in store.downstream("dataset:raw@1").nodes} == {
        "dataset:raw@1",
        "feature:f@1",
        "feature:f@2",
    }
    then = store.downstream("dataset:raw@1", as_of=between)
    assert {n.uid for n in then.nodes} == {"dataset:raw@1", "feature:f@1"}
    with pytest.raises(NotFound, match="after"):
        store.upstream("feature:f@2", as_of=between)
    with pytest.raises(InvalidInput, match="invalid time"):
        store.upstream("feature:f@1", as_of="yesterday")


def test_diamonds_give_distinct_nodes_and_edges(store: LineageStore) -> None:
    """A chain of 20 diamonds has 2**20 paths from top to bottom and 61 nodes."""
    store.write(diamonds(20, side=dataset))
    started = time.perf_counter()
    graph = store.upstream("dataset:d20@1", depth=50)
    assert time.perf_counter() - started < 10, "a path-enumerating traversal would not come back at all"
    assert len(graph.nodes) == 61 and len({n.uid for n in graph.nodes}) == 61
    assert len(graph.edges) == 80
    assert graph.depths["dataset:d0@1"] == 40


def test_a_traversal_answers_the_same_every_time_its_edges_in_the_order_of_its_nodes(
    store: LineageStore,
) -> None:
    """24 diamonds and 60 features of their top: enough edges for the engines to hand them over in
    no set order."""
    fan = [dataset(f"fan{i}") for i in range(60)]
    store.write(diamonds(24, side=dataset))
    store.write(Batch(nodes=tuple(fan), edges=tuple(Edge(source=f.uid, target="dataset:d0@1") for f in fan)))
    down, up = store.downstream("dataset:d0@1", depth=50), store.upstream("dataset:d24@1", depth=50)
    assert (len(down.edges), len(up.edges)) == (96 + 60, 96)
    for graph in (down, up):
        order = [(graph.depths[e.source], e.source, e.target) for e in graph.edges]
        assert order == sorted(order)
    assert store.downstream("dataset:d0@1", depth=50) == down


def test_a_derived_from_cycle_does_not_hang_a_traversal(store: LineageStore) -> None:
    a, b, c = dataset("a"), dataset("b"), dataset("c")
    store.write(
        Batch(
            nodes=(a, b, c),
            edges=(
                Edge(source=a.uid, target=b.uid),
                Edge(source=b.uid, target=c.uid),
                Edge(source=c.uid, target=a.uid),
            ),
        )
    )
    graph = store.upstream(a.uid, depth=50)
    assert {n.uid for n in graph.nodes} == {a.uid, b.uid, c.uid}
    assert len(graph.edges) == 3 and not graph.truncated
    assert store.path(a.uid, c.uid) is not None


# --- path -----------------------------------------------------------------------------------------


def test_path_is_the_shortest_chain_in_either_direction(demo_store: LineageStore) -> None:
    down = demo_store.path("dataset:customer_data@2026-04", "model:credit_limit_model@2")
    assert [n.uid for n in down or []] == [
        "dataset:customer_data@2026-04",
        "feature:purchase_analysis@2",
        "model:scoring_model@2",
        "model:credit_limit_model@2",
    ]
    up = demo_store.path("model:credit_limit_model@2", "dataset:customer_data@2026-04")
    assert [n.uid for n in up or []] == [n.uid for n in reversed(down or [])]
    assert demo_store.path("model:scoring_model@1", "model:scoring_model@2") is None
    with pytest.raises(NotFound):
        demo_store.path("model:scoring_model@1", "model:nope@1")


# --- runs -----------------------------------------------------------------------------------------


def test_run_details_with_inputs_and_outputs(demo_store: LineageStore) -> None:
    run = demo_store.get_run("run-train-scoring-2")
    assert run is not None
    assert run.inputs == ("feature:purchase_analysis@2",)
    assert run.outputs == ("model:scoring_model@2",)
    assert run.parameters == {"learning_rate": 0.05, "n_estimators": 500}
    assert run.code_version == "git:c7d8e9f" and run.code_dirty is False
    assert demo_store.produced_by(["model:scoring_model@2"]) == {
        "model:scoring_model@2": "run-train-scoring-2"
    }
    assert demo_store.get_run("no-such-run") is None


@pytest.mark.parametrize("count", [3, 150], ids=["few", "bulk"])
def test_runs_written_together_come_back_with_every_field(store: LineageStore, count: int) -> None:
    """Many runs in one write (LadybugDB loads 100 or more from an Arrow table) keep every field, a
    missing one as missing: a flag true, false or unknown, JSON objects, times, a parent."""
    store.write(Batch(nodes=(dataset("in"),), runs=(Run(uid="parent", name="pipeline"),)))
    runs = tuple(
        Run(
            uid=f"r{i:03}",
            name=f"step{i % 7}",
            code_version=f"git:{i:040x}" if i % 2 else None,
            code_dirty=(True, False, None)[i % 3],
            parameters={"lr": i / 100, "layers": [i, i + 1]} if i % 2 else {},
            environment={"python": "3.12"} if i % 3 else {},
            started_at=f"2026-01-01T00:00:{i % 60:02}.000000Z",
            ended_at=None if i % 4 else f"2026-01-01T01:00:{i % 60:02}.000000Z",
            status=(None, "COMPLETE", "FAIL", "RUNNING")[i % 4],
            user="ana" if i % 5 else None,
            parent="parent" if i % 2 else None,
            inputs=("dataset:in@1",),
        )
        for i in range(count)
    )
    store.write(Batch(runs=runs))
    stored = store.get_runs(run.uid for run in runs)
    assert all(stored[run.uid].recorded_at for run in runs)
    assert [replace(stored[run.uid], recorded_at=None) for run in runs] == list(runs)


def test_a_write_reads_the_links_of_the_runs_it_finds_stored_and_of_no_others(
    store: LineageStore, statements: list[str]
) -> None:
    """A bulk write looks up every run it carries; reading links for runs not stored yet cost LadybugDB
    more as the graph grew (cypher/runs_by_uid.cypher). Links merge for the runs that are."""
    store.write(Batch(nodes=tuple(dataset(f"d{i}") for i in range(4))))
    runs = [Run(uid=f"r{i}", name="job", inputs=(f"dataset:d{i}@1",)) for i in range(3)]
    store.write(Batch(runs=tuple(runs)))
    assert store._q("runs_links") not in statements
    later = [replace(run, inputs=(), outputs=("dataset:d3@1",), status="COMPLETE") for run in runs]
    store.write(Batch(runs=(*later, Run(uid="r-new", name="job"))))
    assert store._q("runs_links") in statements
    stored = store.get_runs(["r0", "r1", "r2", "r-new"])
    assert {uid: (run.inputs, run.outputs) for uid, run in stored.items()} == {
        **{f"r{i}": ((f"dataset:d{i}@1",), ("dataset:d3@1",)) for i in range(3)},
        "r-new": ((), ()),
    }


@pytest.mark.parametrize("parents", [3, KEYS_ALONE_FROM], ids=["few", "many"])
def test_a_write_reads_whole_only_the_nodes_it_carries_when_it_names_many_others(
    store: LineageStore, statements: list[str], parents: int
) -> None:
    """A bulk write names many stored nodes it does not carry (its edges' parents). It needs only to know
    they are stored: their whole records were two thirds of its look-ups on a 1M-node graph. A few are
    read with the batch's own nodes, in one statement. Either way a missing one is named."""
    stored = [dataset(f"p{i}") for i in range(parents)]
    store.write(Batch(nodes=tuple(stored)))
    statements.clear()
    child = feature("f")
    store.write(Batch(nodes=(child,), edges=tuple(Edge(source=child.uid, target=p.uid) for p in stored)))
    assert statements.count(store._q("nodes_by_uid")) == 1
    assert (store._q("nodes_exist") in statements) == (parents >= KEYS_ALONE_FROM)
    assert {e.target for e in store.upstream(child.uid).edges} == {p.uid for p in stored}
    other = feature("g")
    edges = [Edge(source=other.uid, target=p.uid) for p in [*stored, dataset("ghost")]]
    with pytest.raises(NotFound, match="feature:g@1 -> dataset:ghost@1 names unknown node dataset:ghost@1"):
        store.write(Batch(nodes=(other,), edges=tuple(edges)))
    assert store.get_node(other.uid) is None


def test_run_reports_merge_in_any_order(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("in"), dataset("out"))))
    complete = Run(
        uid="r",
        name="job",
        status="COMPLETE",
        ended_at="2026-01-01T01:00:00.000000Z",
        outputs=("dataset:out@1",),
    )
    start = Run(
        uid="r",
        name="job",
        status="START",
        started_at="2026-01-01T00:00:00.000000Z",
        inputs=("dataset:in@1",),
        parameters={"a": 1},
    )
    store.write(Batch(runs=(complete,)))
    store.write(Batch(runs=(start,)))
    store.write(Batch(runs=(start,)))
    run = store.get_run("r")
    assert run is not None
    assert run.status == "COMPLETE"
    assert (run.started_at, run.ended_at) == ("2026-01-01T00:00:00.000000Z", "2026-01-01T01:00:00.000000Z")
    assert (run.inputs, run.outputs, dict(run.parameters)) == (
        ("dataset:in@1",),
        ("dataset:out@1",),
        {"a": 1},
    )
    with pytest.raises(Conflict, match=r"run r is already recorded with different parameters\.a"):
        store.write(Batch(runs=(Run(uid="r", name="job", parameters={"a": 2}),)))


def test_a_run_ends_as_its_latest_terminal_report_says_in_any_order_of_arrival(store: LineageStore) -> None:
    complete = Run(uid="r", name="job", status="COMPLETE", ended_at="2026-01-01T10:00:00Z")
    fail = Run(uid="r", name="job", status="FAIL", ended_at="2026-01-01T09:00:00Z")
    for first, second in ((complete, fail), (fail, complete)):
        store.write(Batch(runs=(first,)))
        store.write(Batch(runs=(second,)))
        run = store.get_run("r")
        assert run is not None
        assert (run.status, run.ended_at) == ("COMPLETE", "2026-01-01T10:00:00.000000Z")
        store.write(Batch(runs=(Run(uid="r2", name="job"),)))  # the next order on a fresh run
        complete, fail = (replace(r, uid="r2") for r in (complete, fail))


def test_a_retry_that_derives_the_same_version_is_a_second_producing_run(store: LineageStore) -> None:
    source, model = dataset("train"), Node(kind=NodeKind.MODEL, name="m", version="1")
    store.write(run_batch(Run(uid="first", name="train"), [source], [model]))
    written = store.write(run_batch(Run(uid="retry", name="train"), [source.uid], [model]))
    assert (written.created_nodes, written.created_edges) == (0, 0)
    retry = store.get_run("retry")
    assert retry is not None and (retry.inputs, retry.outputs) == ((source.uid,), (model.uid,))
    assert store.produced_by([model.uid]) == {model.uid: "first"}  # the first run recorded stands
    assert [(e.key, e.run) for e in store.upstream(model.uid).edges] == [((model.uid, source.uid), "first")]


def test_an_edge_or_a_parent_naming_an_unknown_run_is_refused(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("a"), dataset("b"))))
    edge = Edge(source="dataset:b@1", target="dataset:a@1", run="never-recorded")
    with pytest.raises(NotFound, match="edge dataset:b@1 -> dataset:a@1 names unknown run never-recorded"):
        store.write(Batch(edges=(edge,)))
    child = Run(uid="task", name="t", parent="dag-run")
    with pytest.raises(NotFound, match=r"run task \(as its parent\) names unknown run dag-run"):
        store.write(Batch(runs=(child,)))
    column_edge = ColumnEdge(source="dataset:b@1", source_field="y", target="dataset:a@1", target_field="x",
                             run="lost")  # fmt: skip
    columns = (Field(node="dataset:a@1", name="x"), Field(node="dataset:b@1", name="y"))
    with pytest.raises(NotFound, match="column edge dataset:b@1#y -> dataset:a@1#x names unknown run lost"):
        store.write(Batch(fields=columns, column_edges=(column_edge,)))
    assert store.stats()["runs"] == store.stats()["edges"] == 0
    store.write(Batch(runs=(child, Run(uid="dag-run", name="dag"), Run(uid="never-recorded", name="x")),
                      edges=(edge,)))  # fmt: skip
    assert store.get_run("task") is not None and store.stats()["edges"] == 1


def test_a_run_cannot_be_its_own_parent(store: LineageStore) -> None:
    with pytest.raises(InvalidInput, match="run loop names itself as its parent"):
        store.write(Batch(runs=(Run(uid="loop", name="job", parent="loop"),)))
    assert store.get_run("loop") is None


def test_recent_runs_newest_first(demo_store: LineageStore) -> None:
    runs = demo_store.recent_runs(limit=3)
    assert len(runs) == 3
    assert [r.recorded_at for r in runs] == sorted((r.recorded_at for r in runs), reverse=True)


# --- stats --------------------------------------------------------------------------


def test_stats_count_every_kind(demo_store: LineageStore) -> None:
    assert demo_store.stats() == {
        "dataset": 6,
        "feature": 2,
        "model": 4,
        "prediction": 8,
        "runs": 8,
        "edges": 28,
    }


def test_producing_runs_come_whole_for_many_nodes_at_once(demo_store: LineageStore) -> None:
    runs = demo_store.producing_runs(
        ["model:scoring_model@1", "feature:purchase_analysis@2", "dataset:historic_data@2025"]
    )
    assert {uid: run.uid for uid, run in runs.items()} == {
        "model:scoring_model@1": "run-train-scoring-1",
        "feature:purchase_analysis@2": "run-features-2",
    }
    assert runs["model:scoring_model@1"].parameters == {"learning_rate": 0.1, "n_estimators": 300}


# --- bulk predictions -------------------------------------------------------------------------------


def test_bulk_predictions_store_what_a_predictions_batch_describes(store: LineageStore) -> None:
    """Enough predictions for LadybugDB's COPY path; chained ones, a run, and every check kept."""
    model = Node(kind=NodeKind.MODEL, name="scorer", version="3")
    spend = feature("spend")
    store.write(run_batch(Run(uid="train", name="train"), [spend], [model]))
    predictions = [
        Prediction(
            name="score",
            version=str(i),
            input_digest=f"sha256:{i:04x}",
            output={"score": i / 10},
            features=[spend.uid],
            parents=[f"prediction:score@{i - 1}"] if i % 2 else [],
            created_at="2026-05-01T12:00:00+02:00",
            metadata={"request": i},
        )
        for i in range(2500)
    ]
    serve = Run(uid="serve-1", name="serve")
    result = store.record_predictions(model.uid, predictions, run=serve)
    assert (result.created_nodes, result.created_edges, result.runs_written) == (2500, 6250, 1)

    expected = predictions_batch(model.uid, predictions, run=serve)
    stored = store.get_nodes(n.uid for n in expected.nodes)
    assert {u: n.content() for u, n in stored.items()} == {n.uid: n.content() for n in expected.nodes}
    graph = store.upstream("prediction:score@1", depth=1)
    assert {e.key for e in graph.edges if e.source == "prediction:score@1"} == {
        ("prediction:score@1", model.uid),
        ("prediction:score@1", spend.uid),
        ("prediction:score@1", "prediction:score@0"),
    }
    run = store.get_run("serve-1")
    assert run is not None and set(run.outputs) == {n.uid for n in expected.nodes}
    assert set(run.inputs) == set(expected.runs[0].inputs)

    again = store.record_predictions(model.uid, predictions[:10], run=serve)
    assert (again.created_nodes, again.created_edges, again.unchanged) == (0, 0, 10 + 25)
    changed = [
        Prediction(name="score", version="7", input_digest="sha256:0007", output=2, features=[spend.uid])
    ]
    with pytest.raises(Conflict, match=r"prediction:score@7 is already recorded with different .*output"):
        store.record_predictions(model.uid, changed)
    unknown = [
        Prediction(name="score", version="new", input_digest="x", output=1, features=["feature:nope@1"])
    ]
    with pytest.raises(NotFound, match="feature:nope@1"):
        store.record_predictions(model.uid, unknown)
    assert store.get_node("prediction:score@new") is None


def test_new_predictions_without_a_run_take_the_bulk_statement_and_are_found_like_any_version(
    store: LineageStore,
) -> None:
    """The common case, a logger's batch: new predictions of two names, every input stored. They are
    stored as a predictions batch describes them, found by name, and a second batch that repeats some
    of them is told apart from them prediction by prediction."""
    model = Node(kind=NodeKind.MODEL, name="scorer", version="1")
    spend, visits = feature("spend"), feature("visits")
    store.write(Batch(nodes=(model, spend, visits)))

    def logged(name: str, versions: range) -> list[Prediction]:
        return [
            Prediction(
                name=name,
                version=f"v{i}",
                input_digest=f"sha256:{i:04x}",
                output={"score": i / 100} if i % 3 else None,
                features=[spend.uid, visits.uid] if i % 2 else [spend.uid],
                created_at="2026-05-01T12:00:00Z" if i % 5 else None,
                metadata={"request": i} if i % 4 else {},
            )
            for i in versions
        ]

    predictions = logged("score", range(1500)) + logged("offer", range(700))
    result = store.record_predictions(model.uid, predictions)
    edges = sum(1 + len(p.features) for p in predictions)
    assert (result.created_nodes, result.created_edges, result.unchanged) == (2200, edges, 0)

    expected = predictions_batch(model.uid, predictions)
    stored = store.get_nodes(n.uid for n in expected.nodes)
    assert {u: n.content() for u, n in stored.items()} == {n.uid: n.content() for n in expected.nodes}
    offers = store.versions(NodeKind.PREDICTION, "offer")
    assert sorted(n.version for n in offers) == sorted(f"v{i}" for i in range(700))
    graph = store.upstream("prediction:score@v7", depth=1)
    assert {e.key for e in graph.edges} == {
        ("prediction:score@v7", model.uid),
        ("prediction:score@v7", spend.uid),
        ("prediction:score@v7", visits.uid),
    }
    assert store.stats()["edges"] == edges

    repeated, new = logged("score", range(1490, 1500)), logged("score", range(1500, 1510))
    again = store.record_predictions(model.uid, repeated + new)
    assert (again.created_nodes, again.unchanged) == (10, 10 + sum(1 + len(p.features) for p in repeated))
    assert store.stats()["edges"] == edges + sum(1 + len(p.features) for p in new)


# --- transactions -------------------------------------------------------------------------------------


def test_a_transaction_decides_and_writes_together_or_not_at_all(store: LineageStore) -> None:
    store.write(Batch(nodes=(dataset("base"),)))

    def add_feature(tx: Transaction) -> int:
        assert tx.get_nodes(["dataset:base@1"]).keys() == {"dataset:base@1"}
        written = tx.write(run_batch(Run(uid="r", name="s"), ["dataset:base@1"], [feature("f")]))
        assert tx.get_run("r") is not None  # its own write, read back inside
        return written.created_nodes

    assert store.transaction(add_feature) == 1
    assert store.get_node("feature:f@1") is not None

    def fail_after_writing(tx: Transaction) -> None:
        tx.write(Batch(nodes=(feature("g"),)))
        raise Conflict("decided against it")

    with pytest.raises(Conflict, match="decided against it"):
        store.transaction(fail_after_writing)
    assert store.get_node("feature:g@1") is None
