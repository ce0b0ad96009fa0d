"""The OpenLineage facets that carry meaning, on both backends: column lineage (``columnLineage``),
schema fields, aliases (``symlinks``), the run hierarchy (``parent``), and the ownership, documentation,
sql and jobType facets the browse search finds.

The events are written here in the shape the integrations send (a Spark job and a dbt model run
inside an Airflow DAG run, each task's run naming the DAG run in its ``parent`` facet).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from lineage.columns import Alias, ColumnEdge, Field
from lineage.errors import Conflict, NotFound
from lineage.ingest.openlineage import EventError, parse_event, record_event
from lineage.jsonl import export_graph, import_graph
from lineage.model import Batch, Node, NodeKind
from lineage.store import LineageStore, open_store

SPARK = "https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/spark"
DBT = "https://github.com/OpenLineage/OpenLineage/tree/1.40.0/integration/dbt"
LAKE = "s3://acme-lake"
WAREHOUSE = "postgres://warehouse:5432"
DAG_RUN = str(uuid.UUID("0195a3a1-0000-7000-8000-00000000da90"))
CLEAN_RUN = str(uuid.UUID("0195a3a1-0000-7000-8000-0000000000c1"))
FEATURE_RUN = str(uuid.UUID("0195a3a1-0000-7000-8000-0000000000f2"))


def facet(producer: str, schema: str, **fields: Any) -> dict[str, Any]:
    return {
        "_producer": producer,
        "_schemaURL": f"https://openlineage.io/spec/facets/{schema}.json#/$defs/{schema.split('/')[0]}",
        **fields,
    }


def input_field(namespace: str, name: str, field: str, *transformations: dict[str, Any]) -> dict[str, Any]:
    return {"namespace": namespace, "name": name, "field": field, "transformations": list(transformations)}


def transformation(kind: str, subtype: str, description: str = "", masking: bool = False) -> dict[str, Any]:
    return {"type": kind, "subtype": subtype, "description": description, "masking": masking}


def task_event(
    producer: str,
    run_id: str,
    job: str,
    inputs: list[dict[str, Any]],
    outputs: list[dict[str, Any]],
    job_facets: dict[str, Any],
    at: str,
) -> dict[str, Any]:
    """A COMPLETE RunEvent of an Airflow task, its run inside the DAG run (the parent facet)."""
    return {
        "eventType": "COMPLETE",
        "eventTime": at,
        "producer": producer,
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {
            "runId": run_id,
            "facets": {
                "parent": facet(
                    producer,
                    "1-1-0/ParentRunFacet",
                    run={"runId": DAG_RUN},
                    job={"namespace": "airflow", "name": "daily_features"},
                    root={
                        "run": {"runId": DAG_RUN},
                        "job": {"namespace": "airflow", "name": "daily_features"},
                    },
                )
            },
        },
        "job": {"namespace": "airflow", "name": job, "facets": job_facets},
        "inputs": inputs,
        "outputs": outputs,
    }


ORDERS_SCHEMA = [
    {"name": "order_id", "type": "bigint"},
    {"name": "customer_id", "type": "bigint", "description": "Customer key"},
    {"name": "amount", "type": "decimal(12,2)", "description": "Order value"},
    {"name": "status", "type": "varchar"},
]


def clean_orders_event() -> dict[str, Any]:
    """Spark: raw orders (also known as a Hive table) -> clean orders, amounts converted."""
    raw = {
        "namespace": LAKE,
        "name": "raw/orders",
        "facets": {
            "schema": facet(SPARK, "1-1-1/SchemaDatasetFacet", fields=ORDERS_SCHEMA),
            "symlinks": facet(
                SPARK,
                "1-0-1/SymlinksDatasetFacet",
                identifiers=[{"namespace": "hive://metastore:9083", "name": "raw.orders", "type": "TABLE"}],
            ),
        },
    }
    clean = {
        "namespace": LAKE,
        "name": "clean/orders",
        "facets": {
            "schema": facet(
                SPARK,
                "1-1-1/SchemaDatasetFacet",
                fields=[
                    {"name": "customer_id", "type": "bigint"},
                    {"name": "amount_eur", "type": "double", "description": "Order value in EUR"},
                ],
            ),
            "columnLineage": facet(
                SPARK,
                "1-2-0/ColumnLineageDatasetFacet",
                fields={
                    "customer_id": {
                        "inputFields": [
                            input_field(
                                LAKE, "raw/orders", "customer_id", transformation("DIRECT", "IDENTITY")
                            )
                        ]
                    },
                    "amount_eur": {
                        "inputFields": [
                            input_field(
                                LAKE,
                                "raw/orders",
                                "amount",
                                transformation("DIRECT", "TRANSFORMATION", "amount * fx_rate"),
                            )
                        ]
                    },
                },
                dataset=[input_field(LAKE, "raw/orders", "status", transformation("INDIRECT", "FILTER"))],
            ),
            "ownership": facet(SPARK, "1-0-1/OwnershipDatasetFacet", owners=[{"name": "team:payments"}]),
            "documentation": facet(
                SPARK, "1-0-1/DocumentationDatasetFacet", description="Settled orders, amounts in euro"
            ),
        },
    }
    job_facets = {
        "jobType": facet(
            SPARK, "2-0-3/JobTypeJobFacet", processingType="BATCH", integration="SPARK", jobType="SQL_JOB"
        ),
        "sql": facet(
            SPARK, "1-1-0/SQLJobFacet", query="SELECT customer_id, amount * fx AS amount_eur FROM raw"
        ),
    }
    return task_event(
        SPARK, CLEAN_RUN, "daily_features.clean_orders", [raw], [clean], job_facets, "2026-06-01T02:10:00Z"
    )


def features_event() -> dict[str, Any]:
    """dbt: clean orders -> customer spend features in the warehouse."""
    clean = {"namespace": LAKE, "name": "clean/orders"}
    features = {
        "namespace": WAREHOUSE,
        "name": "analytics.customer_spend",
        "facets": {
            "schema": facet(
                DBT,
                "1-1-1/SchemaDatasetFacet",
                fields=[
                    {"name": "customer_id", "type": "bigint"},
                    {"name": "total_spend", "type": "double"},
                ],
            ),
            "columnLineage": facet(
                DBT,
                "1-2-0/ColumnLineageDatasetFacet",
                fields={
                    "total_spend": {
                        "inputFields": [
                            input_field(
                                LAKE,
                                "clean/orders",
                                "amount_eur",
                                transformation("DIRECT", "AGGREGATION", "sum(amount_eur)"),
                            )
                        ]
                    },
                    "customer_id": {
                        "inputFields": [
                            input_field(
                                LAKE, "clean/orders", "customer_id", transformation("DIRECT", "IDENTITY")
                            )
                        ]
                    },
                },
            ),
        },
    }
    job_facets = {
        "jobType": facet(
            DBT, "2-0-3/JobTypeJobFacet", processingType="BATCH", integration="DBT", jobType="MODEL"
        ),
        "sql": facet(DBT, "1-1-0/SQLJobFacet", query="select customer_id, sum(amount_eur) as total_spend"),
        "ownership": facet(DBT, "1-0-1/OwnershipJobFacet", owners=[{"name": "team:growth"}]),
    }
    return task_event(
        DBT,
        FEATURE_RUN,
        "daily_features.customer_spend",
        [clean],
        [features],
        job_facets,
        "2026-06-01T02:30:00Z",
    )


RAW = f"dataset:{LAKE}/raw/orders@unversioned"
CLEAN = f"dataset:{LAKE}/clean/orders@{CLEAN_RUN}"
FEATURES = f"dataset:{WAREHOUSE}/analytics.customer_spend@{FEATURE_RUN}"


@pytest.fixture
def pipeline(store: LineageStore) -> LineageStore:
    for payload in (clean_orders_event(), features_event()):
        record_event(store, parse_event(payload))
    return store


def edges_of(graph: Any) -> set[tuple[str, str]]:
    return {(f"{e.source}#{e.source_field}", f"{e.target}#{e.target_field}") for e in graph.edges}


def test_column_lineage_across_two_jobs_at_depth_two_upstream(pipeline: LineageStore) -> None:
    graph = pipeline.column_lineage(FEATURES, "total_spend", depth=2)
    assert [(f.node, f.name, graph.depths[f.key]) for f in graph.fields] == [
        (FEATURES, "total_spend", 0),
        (CLEAN, "amount_eur", 1),
        (RAW, "amount", 2),
    ]
    assert edges_of(graph) == {
        (f"{FEATURES}#total_spend", f"{CLEAN}#amount_eur"),
        (f"{CLEAN}#amount_eur", f"{RAW}#amount"),
    }
    by_target = {e.target_field: e for e in graph.edges}
    assert by_target["amount"].transformations == (
        {"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "amount * fx_rate", "masking": False},
    )
    assert by_target["amount"].run == CLEAN_RUN and by_target["amount_eur"].run == FEATURE_RUN
    assert not graph.truncated
    # One hop stops at the clean table, and says there is more.
    near = pipeline.column_lineage(FEATURES, "total_spend", depth=1)
    assert [f.name for f in near.fields] == ["total_spend", "amount_eur"] and near.truncated


def test_column_lineage_across_two_jobs_at_depth_two_downstream(pipeline: LineageStore) -> None:
    graph = pipeline.column_lineage(RAW, "customer_id", direction="downstream", depth=2)
    assert [(f.node, f.name) for f in graph.fields] == [
        (RAW, "customer_id"),
        (CLEAN, "customer_id"),
        (FEATURES, "customer_id"),
    ]
    assert not graph.truncated
    # The status column feeds the clean table as a whole (a filter), and nothing further.
    status = pipeline.column_lineage(RAW, "status", direction="downstream")
    assert [(f.node, f.name) for f in status.fields] == [(RAW, "status"), (CLEAN, "")]
    assert status.edges[0].transformations == (
        {"type": "INDIRECT", "subtype": "FILTER", "description": "", "masking": False},
    )


def test_schema_fields_are_listed_on_the_node(pipeline: LineageStore) -> None:
    fields = pipeline.fields([RAW, CLEAN])
    assert [(f.name, f.type, f.description) for f in fields[RAW]] == [
        ("amount", "decimal(12,2)", "Order value"),
        ("customer_id", "bigint", "Customer key"),
        ("order_id", "bigint", None),
        ("status", "varchar", None),
    ]
    assert ("amount_eur", "double", "Order value in EUR") in [
        (f.name, f.type, f.description) for f in fields[CLEAN]
    ]


def test_a_symlink_finds_the_dataset_by_its_other_name(pipeline: LineageStore) -> None:
    alias = "dataset:hive://metastore:9083/raw.orders@unversioned"
    found = pipeline.get_node(alias)
    assert found is not None and found.uid == RAW
    assert pipeline.resolve_alias(alias) == RAW
    downstream = pipeline.downstream(alias, depth=2)
    assert downstream.root.uid == RAW and {n.uid for n in downstream.nodes} == {RAW, CLEAN, FEATURES}
    assert [f.name for f in pipeline.column_lineage(alias, "amount", direction="downstream").fields] == [
        "amount",
        "amount_eur",
        "total_spend",
    ]
    assert pipeline.get_node("dataset:hive://metastore:9083/raw.customers@unversioned") is None


def test_an_alias_stands_for_one_version_for_good(pipeline: LineageStore) -> None:
    alias = "dataset:hive://metastore:9083/raw.orders@unversioned"
    with pytest.raises(Conflict, match="already stands for"):
        pipeline.write(Batch(aliases=(Alias(alias=alias, uid=CLEAN),)))
    with pytest.raises(Conflict, match="uid of a recorded version"):
        pipeline.write(Batch(aliases=(Alias(alias=CLEAN, uid=RAW),)))
    assert pipeline.get_node(alias).uid == RAW  # type: ignore[union-attr]


def test_the_parent_facet_links_task_runs_into_the_dag_run(pipeline: LineageStore) -> None:
    children = pipeline.child_runs(DAG_RUN)
    assert [(r.uid, r.name) for r in children] == sorted(
        [(CLEAN_RUN, "daily_features.clean_orders"), (FEATURE_RUN, "daily_features.customer_spend")]
    )
    dag = pipeline.get_run(DAG_RUN)
    assert dag is not None and dag.name == "daily_features" and dag.parent is None
    assert pipeline.child_runs(CLEAN_RUN) == []


def test_ownership_documentation_sql_and_job_type_are_kept_and_searchable(pipeline: LineageStore) -> None:
    clean = pipeline.get_node(CLEAN)
    assert clean is not None
    assert (clean.owner, clean.description) == ("team:payments", "Settled orders, amounts in euro")
    assert [n.uid for n in pipeline.list_nodes(search="TEAM:PAYMENTS").nodes] == [CLEAN]
    assert [n.uid for n in pipeline.list_nodes(search="in euro").nodes] == [CLEAN]
    run = pipeline.get_run(FEATURE_RUN)
    assert run is not None
    assert run.environment["job_type"] == {
        "processingType": "BATCH",
        "integration": "DBT",
        "jobType": "MODEL",
    }
    assert run.environment["sql"] == "select customer_id, sum(amount_eur) as total_spend"
    assert run.environment["job_owners"] == "team:growth"
    assert [r.uid for r in pipeline.search_runs("sum(amount_eur)")] == [FEATURE_RUN]
    assert {r.uid for r in pipeline.search_runs("batch")} == {CLEAN_RUN, FEATURE_RUN}
    assert [r.uid for r in pipeline.search_runs("spark")] == [CLEAN_RUN]
    assert pipeline.search_runs("streaming") == []


def test_replaying_the_events_changes_nothing(pipeline: LineageStore) -> None:
    before = list(pipeline.export_records())
    for payload in (features_event(), clean_orders_event()):
        record_event(pipeline, parse_event(payload))
    assert list(pipeline.export_records()) == before


def test_export_and_import_keep_columns_aliases_and_the_hierarchy(
    pipeline: LineageStore, tmp_path: Path
) -> None:
    exported = tmp_path / "graph.jsonl"
    export_graph(pipeline, exported)
    kinds = [line.split('"type":"')[1].split('"')[0] for line in exported.read_text().splitlines()[1:]]
    assert {"field", "column_edge", "alias"} <= set(kinds)
    with open_store(f"ladybug://{tmp_path / 'copy'}") as copy:
        import_graph(copy, exported)
        assert list(copy.export_records()) == list(pipeline.export_records())
        graph = copy.column_lineage(FEATURES, "total_spend", depth=2)
        assert [f.name for f in graph.fields] == ["total_spend", "amount_eur", "amount"]
        assert copy.get_node("dataset:hive://metastore:9083/raw.orders@unversioned").uid == RAW  # type: ignore[union-attr]
        assert {r.uid for r in copy.child_runs(DAG_RUN)} == {CLEAN_RUN, FEATURE_RUN}


def test_an_export_from_before_columns_still_imports(store: LineageStore, tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text(
        '{"format":"lineage-graph","type":"header","version":1}\n'
        '{"checksum":null,"created_at":null,"description":null,"input_digest":null,"kind":"dataset",'
        '"metadata":"{}","name":"orders","output":null,"owner":null,"recorded_at":"2026-01-01T00:00:00.000000Z",'
        '"source":null,"type":"node","uid":"dataset:orders@1","version":"1"}\n'
    )
    import_graph(store, old)
    assert store.get_node("dataset:orders@1") is not None
    assert store.fields(["dataset:orders@1"]) == {}


def test_column_edges_through_the_batch_api(store: LineageStore) -> None:
    """Not OpenLineage: a pipeline records its columns and their lineage with its run's batch."""
    a, b = (
        Node(kind=NodeKind.DATASET, name="a", version="1"),
        Node(kind=NodeKind.FEATURE, name="b", version="1"),
    )
    edge = ColumnEdge(
        source=b.uid,
        source_field="x2",
        target=a.uid,
        target_field="x",
        transformations=[{"type": "DIRECT", "subtype": "TRANSFORMATION", "description": "x * 2"}],
    )
    store.write(Batch(nodes=(a, b), fields=(Field(node=a.uid, name="x", type="int"),), column_edges=(edge,)))
    graph = store.column_lineage(b.uid, "x2")
    assert [(f.node, f.name, f.type) for f in graph.fields] == [(b.uid, "x2", None), (a.uid, "x", "int")]
    with pytest.raises(NotFound, match="names unknown node dataset:missing@1"):
        store.write(
            Batch(
                column_edges=(
                    ColumnEdge(source=b.uid, source_field="y", target="dataset:missing@1", target_field="y"),
                )
            )
        )
    with pytest.raises(NotFound, match="has no recorded field 'nope'"):
        store.column_lineage(b.uid, "nope")
    with pytest.raises(NotFound, match="no node feature:c@1"):
        store.column_lineage("feature:c@1", "x")


def test_a_malformed_column_lineage_facet_names_the_field(store: LineageStore) -> None:
    payload = features_event()
    payload["outputs"][0]["facets"]["columnLineage"]["fields"]["total_spend"]["inputFields"][0]["field"] = 7
    with pytest.raises(EventError) as caught:
        parse_event(payload)
    assert caught.value.field == "outputs[0].facets.columnLineage.fields.total_spend.inputFields[0].field"
