"""Every query the stores run costs what its answer costs, not what the graph holds: proved on the
engines' own profiles, not by timing.

The graph is many small, disconnected lineages (a dataset, two feature versions, three model versions
and their predictions, each produced by a run). Each query is profiled anchored on one lineage; had any
operator of its plan scanned a table or joined against one, it would have produced rows by the thousand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow
import pytest

from lineage import cypher
from lineage.columns import Alias, ColumnEdge, Field
from lineage.facets import Facet, Feed, Feeding, NameRecords, Subject
from lineage.ingest.batches import Prediction, merge, predictions_batch, run_batch
from lineage.model import Batch, Node, NodeKind, Run
from lineage.store._writer import name_key
from lineage.store.base import LineageStore
from lineage.store.ladybug import arrow_table

LINEAGES = 150
# One lineage holds 14 nodes, 6 runs and ~20 edges; the graph, ~2,000 nodes and ~3,000 edges.
MOST_ROWS = 60

# Queries that read the whole graph on purpose: counts for `lineage stats`, keyset pages for export,
# the browse page's listing and recent runs, and the one-off migration of a store written before Name
# nodes existed. Everything else must stay anchored.
WHOLE_GRAPH = {
    "count_by_kind",
    "count_edges",
    "count_nodes",
    "count_runs",
    "page_nodes",
    "page_runs",
    "page_subjects",
    "list_nodes",
    "recent_runs",
    "unnamed_nodes",
    "schema",
    "kind_versions",  # a pass over one kind's versions, on purpose: bounded by the kind below
    # The keyset pages of fields and aliases for export, the run search of the browse page (a substring
    # of the job's SQL or type has no index, as the node search has none), and the one-off upgrade that
    # links runs to their parents.
    "page_fields",
    "page_aliases",
    "search_runs",
    "runs_with_parent",
}


def _lineage(i: int) -> Batch:
    def node(kind: NodeKind, name: str, version: str) -> Node:
        return Node(kind=kind, name=f"{name}{i}", version=version)

    data = node(NodeKind.DATASET, "customers", "1")
    features = [node(NodeKind.FEATURE, "spend", v) for v in ("1", "2")]
    models = [node(NodeKind.MODEL, "score", v) for v in ("1", "2", "3")]
    dag = Run(uid=f"dag-{i}", name="dag")
    batches = [
        run_batch(Run(uid=f"extract-{i}-{f.version}", name="extract", parent=dag.uid), [data], [f])
        for f in features
    ]
    batches.append(
        Batch(
            runs=(dag,),
            fields=tuple(Field(node=data.uid, name=f"c{c}", type="int") for c in range(3)),
            column_edges=tuple(
                ColumnEdge(
                    source=f.uid,
                    source_field=f"c{c}",
                    target=data.uid,
                    target_field=f"c{c}",
                    run=f"extract-{i}-{f.version}",
                )
                for f in features
                for c in range(2)
            ),
            aliases=(Alias(alias=f"dataset:hive/customers{i}@1", uid=data.uid),),
        )
    )
    batches += [
        run_batch(Run(uid=f"train-{i}-{m.version}", name="train"), [features[n % 2]], [m])
        for n, m in enumerate(models)
    ]
    predictions = [
        Prediction(
            name=f"offer{i}", version=str(p), input_digest="sha256:00", output=p, features=[features[1].uid]
        )
        for p in range(5)
    ]
    batches.append(predictions_batch(models[2].uid, predictions, run=Run(uid=f"serve-{i}", name="serve")))
    return merge(Batch(nodes=(data,)), *batches)


def _names(i: int) -> NameRecords:
    """What OpenLineage events of lineage ``i`` record by name: a job, its datasets, facets, feeds."""
    job, source, target = f"job:ns:extract{i}", f"dataset:ns:customers{i}", f"dataset:ns:spend{i}"
    subjects = [Subject(key=job, kind="job", namespace="ns", name=f"extract{i}")]
    subjects += [Subject(key=k, kind="dataset", namespace="ns", name=k[11:]) for k in (source, target)]
    facets = [
        Facet(subject=key, name=name, value={"n": n}, event_time=f"2026-05-0{n}T00:00:00.000000Z")
        for key in (job, source)
        for name in ("sql", "schema")
        for n in (1, 2)
    ]
    feeds = [Feed(origin=source, destination=job, how=how) for how in Feeding]
    feeds.append(Feed(origin=job, destination=target, how=Feeding.OBSERVED))
    return NameRecords(subjects=tuple(subjects), facets=tuple(facets), feeds=tuple(feeds))


@pytest.fixture
def lineages(store: LineageStore) -> LineageStore:
    store.write(merge(*(_lineage(i) for i in range(LINEAGES))))
    for start in range(0, LINEAGES, 50):
        records = [_names(i) for i in range(start, start + 50)]
        merged = NameRecords(
            *(tuple(x for r in records for x in getattr(r, f)) for f in NameRecords.__annotations__)
        )
        store.transaction(lambda tx, merged=merged: tx.write_names(merged))
    return store


def _params(anchor: int) -> dict[str, dict[str, Any]]:
    """Realistic parameters for every anchored query, all within lineage ``anchor``."""
    data, model = f"dataset:customers{anchor}@1", f"model:score{anchor}@3"
    offer = f"prediction:offer{anchor}@0"
    features = [f"feature:spend{anchor}@1", f"feature:spend{anchor}@2"]
    runs = [f"extract-{anchor}-1", f"train-{anchor}-3", f"serve-{anchor}"]
    edge = {"source": model, "target": features[1], "run": None, "recorded_at": "2026"}
    run_row = {**Run(uid=runs[0], name="extract").to_record()}
    node_row = Node(kind=NodeKind.DATASET, name="brand-new", version="1").to_record()
    field_row = Field(node=data, name="c0", type="int").to_record()
    prediction_row = {
        "uid": f"prediction:offer{anchor}@brand-new",
        "version": "brand-new",
        "created_at": None,
        "metadata": "{}",
        "input_digest": "sha256:00",
        "output": "1",
    }
    return {
        "node_by_uid": {"uid": model},
        "nodes_by_uid": {"uids": [data, model, offer]},
        "nodes_exist": {"uids": [data, model, "model:never-recorded@1"]},
        "runs_by_uid": {"uids": runs},
        "run_by_uid": {"uid": runs[1]},
        "run_links": {"uid": runs[2]},
        "runs_links": {"uids": runs},
        "parents": {"uids": [model, offer, *features]},
        "children_exist": {"uids": [data, *features], "as_of": "9999"},
        "upstream_reach": {"uid": offer, "limit": 1000},
        "downstream_reach": {"uid": data, "limit": 1000},
        "upstream_parents": {"uid": offer},
        "downstream_parents": {"uid": data},
        "produced_by": {"uids": [model, offer, data]},
        "versions": {"keys": [name_key(NodeKind.MODEL, f"score{anchor}"), name_key(NodeKind.FEATURE, "x")]},
        "name_versions": name_key(NodeKind.MODEL, f"score{anchor}"),
        "names_by_key": {"keys": [f"model:score{anchor}", "dataset:brand-new"]},
        "create_names": {"keys": ["dataset:brand-new"]},
        "link_versions": {"rows": [{"key": f"model:score{anchor}", "uid": data}]},
        "path": {"source": offer, "target": data},
        "schema_version": {},
        "set_schema_version": {"version": 3},
        "create_nodes": {"rows": [node_row]},
        "load_nodes": {"rows": _arrow([node_row])},
        "load_versions": {"rows": _arrow([{"key": f"model:score{anchor}", "uid": data}])},
        "create_edges": {"rows": [edge]},
        "create_predictions": {
            "targets": [model, features[1]],
            "rows": [{**prediction_row, "name": f"offer{anchor}", "derives_from": [0, 1]}],
            "recorded_at": "2026",
        },
        "load_predictions": {
            "key": f"prediction:offer{anchor}",
            "name": f"offer{anchor}",
            "recorded_at": "2026",
            "rows": _arrow([prediction_row]),
        },
        "create_runs": {"rows": [{**run_row, "uid": "run-brand-new"}]},
        "load_runs": {"rows": _arrow([{**run_row, "uid": "run-brand-new", "code_dirty": True}])},
        # Neo4j sets a row's changes; LadybugDB each field the statement names (as filled in below)
        "update_runs": {"rows": [{"uid": runs[0], "changes": {"status": "COMPLETE"}, "status": "COMPLETE"}]},
        "link_inputs": {"rows": [{"run": runs[1], "uid": data, "recorded_at": "2026"}]},
        "link_outputs": {"rows": [{"run": runs[1], "uid": data, "recorded_at": "2026"}]},
        "runs_exist": {"uids": [*runs, "run-never-recorded"]},
        "lock_runs": {"uids": runs},
        "lock_nodes": {"uids": [data, model, "dataset:never-recorded@1"]},
        "fields_by_key": {"keys": [f"{data}#c0", f"{features[0]}#c1", f"{data}#never"]},
        "node_fields": {"uids": [data, features[0], model]},
        "column_edges": {"keys": [f"{features[0]}#c0", f"{features[1]}#c1", f"{data}#c0"]},
        "column_edges_into": {"keys": [f"{data}#c0", f"{data}#c2"]},
        "column_upstream_reach": {"key": f"{features[1]}#c0"},
        "column_downstream_reach": {"key": f"{data}#c1"},
        "create_fields": {"rows": [{**field_row, "key": f"{data}#new", "name": "new"}]},
        "create_column_edges": {
            "rows": [
                {
                    "source": f"{features[0]}#c0",
                    "target": f"{data}#c2",
                    "run": None,
                    "transformations": "[]",
                    "recorded_at": "2026",
                }
            ]
        },
        "aliases_by_key": {"keys": [f"dataset:hive/customers{anchor}@1", "dataset:never@1"]},
        "create_aliases": {
            "rows": [{"key": "dataset:brand-new-alias@1", "uid": data, "recorded_at": "2026"}]
        },
        "child_runs": {"uid": f"dag-{anchor}"},
        "link_parents": {"rows": [{"run": runs[1], "parent": f"dag-{anchor}"}]},
        **_name_params(anchor),
    }


def _name_params(anchor: int) -> dict[str, dict[str, Any]]:
    job, source = f"job:ns:extract{anchor}", f"dataset:ns:customers{anchor}"
    facet = Facet(subject=job, name="sql", value={"n": 9}, event_time="2026-06-01T00:00:00.000000Z")
    subject = Subject(key="job:ns:brand-new", kind="job", namespace="ns", name="brand-new")
    return {
        "subjects_by_key": {"keys": [job, source, "job:ns:never-reported"]},
        "lock_subjects": {"keys": [job, source, "job:ns:never-reported"]},
        "create_subjects": {"rows": [subject.to_record()]},
        "facets_by_uid": {"uids": [facet.uid]},
        "create_facets": {"rows": [facet.to_record()]},
        "facets_of": {"keys": [job, source, "job:ns:never-reported"]},
        "feeds_out": {"keys": [{"key": source}, {"key": job}]},
        "feeds_in": {"keys": [{"key": source}, {"key": job}]},
        "feeds_between": {
            "keys": [{"origin": source, "destination": job}, {"origin": job, "destination": source}]
        },
        "feed_pair": {"origin": source, "destination": job},
        "subject_feeds_out": {"key": source},
        "subject_feeds_in": {"key": source},
        "create_feeds": {
            "rows": [{"origin": job, "destination": source, "how": "declared", "recorded_at": "2026"}]
        },
    }


def _arrow(rows: list[dict[str, Any]]) -> pyarrow.Table:
    """Rows as the Arrow table LadybugDB's bulk forms read (``LOAD FROM $rows``)."""
    return arrow_table(rows, {key: key for key in rows[0]})


def _queries() -> set[str]:
    directory = Path(cypher.__file__).parent.parent / "cypher"
    return {path.name.split(".")[0] for path in directory.glob("*.cypher")}


def test_every_query_is_either_profiled_here_or_whole_graph_by_design() -> None:
    assert _queries() - WHOLE_GRAPH == set(_params(0)), "profile the new query in this file"


def _busiest_operators(store: LineageStore) -> dict[str, tuple[str, int]]:
    """For each query this backend has, the operator of its plan that produced the most rows."""
    busiest = {}
    for name, params in _params(LINEAGES // 2).items():
        try:
            text = store._q(name).replace("{max_depth}", "10")
            text = text.replace("{nearest_limit}", "ORDER BY depth, uid LIMIT $limit")
            text = text.replace("{assignments}", "x.status = r.status")
            text = text.replace("{properties}", "{uid: r.uid}")
        except FileNotFoundError:
            continue  # a query of the other backend's layout (LadybugDB's Name nodes)
        steps = store._profile(text, params)
        assert steps, f"no plan for {name}"
        top = max(steps, key=lambda step: step.rows)
        busiest[name] = (top.operator, top.rows)
    return busiest


def test_query_cost_follows_its_answer(lineages: LineageStore) -> None:
    busiest = _busiest_operators(lineages)
    assert len(busiest) >= 15
    too_busy = {name: op for name, op in busiest.items() if op[1] > MOST_ROWS}
    assert not too_busy, f"operators producing more than {MOST_ROWS} rows: {too_busy}"


def test_the_profile_catches_a_scan(lineages: LineageStore) -> None:
    """A parents query written the way that scans (a look-up by a property no engine indexes) is
    caught by the same bound: the test above can fail."""
    scan = "MATCH (a:Node)-[e:DERIVED_FROM]->(b:Node) WHERE a.version = $version RETURN a.uid, b.uid"
    steps = lineages._profile(scan, {"version": "3"})
    assert max(step.rows for step in steps) > MOST_ROWS


def test_a_pass_over_one_kind_never_reads_the_node_table(lineages: LineageStore) -> None:
    """``kind_versions`` (the pass "which models are stale" makes) reads the names (LadybugDB) or the
    index entries of the kind (Neo4j): never the predictions and data beside the models."""
    models = 3 * LINEAGES
    names = 4 * LINEAGES
    nodes = sum(lineages.stats()[kind.value] for kind in NodeKind)
    assert max(models, names) < nodes  # so that a scan of the node table would show
    params = {"kind": "model", "prefix": "model:", "after": "", "limit": 51}
    steps = lineages._profile(lineages._q("kind_versions"), params)
    assert steps
    assert max(step.rows for step in steps) <= max(models, names)
