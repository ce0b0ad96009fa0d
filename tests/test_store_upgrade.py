"""An embedded store written by an earlier release opens at the current layout, with nothing lost."""

from __future__ import annotations

from pathlib import Path

from lineage.model import Batch, Node, NodeKind, Run, now
from lineage.store import open_store
from lineage.store._rows import Tx
from lineage.store._writer import records_of
from lineage.store.ladybug import SCHEMA_VERSION, LadybugStore


def test_versions_written_without_a_name_link_are_found_after_the_upgrade(tmp_path: Path) -> None:
    """Up to layout 2, a write through the server skipped the Name link of new versions, so looking a
    name's versions up missed them. Opening such a store links them."""
    url = f"ladybug://{tmp_path / 'graph'}"
    linked, unlinked = (Node(kind=NodeKind.MODEL, name="churn", version=v) for v in ("1", "2"))
    with open_store(url) as store:
        assert isinstance(store, LadybugStore)
        store.write(Batch(nodes=(linked,)))

        def as_layout_2_through_a_server(tx: Tx) -> None:
            store._create(tx, "create_nodes", records_of(Batch(nodes=(unlinked,)), now()).nodes)
            tx(store._q("set_schema_version"), {"version": 2})

        store._write(as_layout_2_through_a_server)
        assert [n.uid for n in store.versions(NodeKind.MODEL, "churn")] == [linked.uid]
    with open_store(url) as store:
        assert [n.uid for n in store.versions(NodeKind.MODEL, "churn")] == [linked.uid, unlinked.uid]
        assert store._read(store._q("schema_version"), {}) == [{"version": SCHEMA_VERSION}]


def test_runs_of_a_store_made_before_facet_times_keep_them_after_the_upgrade(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    with open_store(url) as store:
        assert isinstance(store, LadybugStore)
        store._connection().execute("ALTER TABLE Run DROP facet_times")  # the table as first released
    with open_store(url) as store:
        run = Run(uid="r", name="job", parameters={"lr": 0.1}, facet_times={"parameters.lr": now()})
        store.write(Batch(runs=(run,)))
        stored = store.get_run("r")
        assert stored is not None and stored.facet_times == run.facet_times


def test_runs_recorded_before_parent_links_are_found_as_children_after_the_upgrade(tmp_path: Path) -> None:
    """Up to layout 3, a run's parent was a property only; layout 4 links it, so the parent's children
    are found from its key. Opening a layout-3 store links the runs recorded before."""
    url = f"ladybug://{tmp_path / 'graph'}"
    with open_store(url) as store:
        assert isinstance(store, LadybugStore)
        store.write(Batch(runs=(Run(uid="dag", name="dag"),)))

        def as_layout_3(tx: Tx) -> None:
            child = Run(uid="task", name="task", parent="dag", recorded_at=now())
            store._create(tx, "create_runs", [child.to_record()])
            tx(store._q("set_schema_version"), {"version": 3})

        store._write(as_layout_3)
        assert store.child_runs("dag") == []
    with open_store(url) as store:
        assert [r.uid for r in store.child_runs("dag")] == ["task"]
        assert store._read(store._q("schema_version"), {}) == [{"version": SCHEMA_VERSION}]
