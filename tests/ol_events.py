"""OpenLineage events as the integrations send them (Airflow's static lineage, dbt's datasets, Spark's
runs), written for these tests after the spec and the integrations' documented output, with the
official facets' real ``_schemaURL``s so that strict validation checks them."""

from __future__ import annotations

import uuid
from typing import Any

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
FACETS = "https://openlineage.io/spec/facets"
AIRFLOW = "https://github.com/apache/airflow/tree/providers-openlineage/1.14.0"
WAREHOUSE = "postgres://warehouse:5432"
LAKE = "s3://lake"


def official(schema: str, **fields: Any) -> dict[str, Any]:
    """A facet of the spec: ``schema`` is ``<version>/<Name>`` (``1-1-1/SchemaDatasetFacet``)."""
    name = schema.split("/")[1]
    return {"_producer": AIRFLOW, "_schemaURL": f"{FACETS}/{schema}.json#/$defs/{name}", **fields}


def schema_facet(*columns: str) -> dict[str, Any]:
    fields = [{"name": c, "type": "VARCHAR"} for c in columns]
    return official("1-1-1/SchemaDatasetFacet", fields=fields)


def job_type(processing: str = "BATCH") -> dict[str, Any]:
    return official("2-0-3/JobTypeJobFacet", processingType=processing, integration="AIRFLOW", jobType="TASK")


def engine(version: str) -> dict[str, Any]:
    return official("1-1-1/ProcessingEngineRunFacet", version=version, name="Airflow")


def parameters(**values: Any) -> dict[str, Any]:
    items = [{"key": k, "value": v} for k, v in values.items()]
    return official("1-0-0/ExecutionParametersRunFacet", parameters=items)


def source_location(commit: str) -> dict[str, Any]:
    return official(
        "1-1-0/SourceCodeLocationJobFacet",
        type="git",
        url="https://github.com/acme/etl/blob/main/dags/orders.py",
        version=commit,
    )


def ds(namespace: str, name: str, **facets: Any) -> dict[str, Any]:
    return {"namespace": namespace, "name": name, "facets": facets}


def job_event(name: str, *, inputs: list[Any], outputs: list[Any], **job_facets: Any) -> dict[str, Any]:
    """Static lineage, as Airflow sends it for a DAG's tasks before they run."""
    return {
        "eventTime": job_facets.pop("at", "2026-05-01T06:00:00Z"),
        "producer": AIRFLOW,
        "schemaURL": f"{SPEC}#/$defs/JobEvent",
        "job": {"namespace": "airflow://prod", "name": name, "facets": job_facets},
        "inputs": inputs,
        "outputs": outputs,
    }


def dataset_event(dataset: dict[str, Any], at: str = "2026-05-01T06:00:00Z") -> dict[str, Any]:
    """A dataset's own facets, as dbt sends them for its sources."""
    return {
        "eventTime": at,
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.30.0/integration/dbt",
        "schemaURL": f"{SPEC}#/$defs/DatasetEvent",
        "dataset": dataset,
    }


def run_event(
    run_id: str, name: str, event_type: str = "COMPLETE", at: str = "2026-05-01T08:00:00Z", **parts: Any
) -> dict[str, Any]:
    return {
        "eventType": event_type,
        "eventTime": at,
        "producer": AIRFLOW,
        "schemaURL": f"{SPEC}#/$defs/RunEvent",
        "run": {"runId": run_id, "facets": parts.pop("run_facets", {})},
        "job": {"namespace": "airflow://prod", "name": name, "facets": parts.pop("job_facets", {})},
        "inputs": parts.pop("inputs", []),
        "outputs": parts.pop("outputs", []),
        **parts,
    }


def new_id() -> str:
    return str(uuid.uuid4())
