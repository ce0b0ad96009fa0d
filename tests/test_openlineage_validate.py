"""Strict validation against the official JSON Schemas the package ships, and lenient mode's count of
the events that would fail it: the paths named, the header, the metric, the settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.cli import main
from lineage.errors import InvalidInput
from lineage.ingest.ol_validate import Mode, Violation, shipped_versions, violations
from lineage.store import LineageStore
from tests.api_support import local_client
from tests.ol_events import (
    LAKE,
    WAREHOUSE,
    dataset_event,
    ds,
    engine,
    job_event,
    job_type,
    new_id,
    official,
    parameters,
    run_event,
    schema_facet,
)

ENDPOINT = "/api/v1/lineage"
HEADER = "X-OpenLineage-Strict-Violations"


def valid_run() -> dict[str, Any]:
    return run_event(
        new_id(),
        "orders.aggregate",
        run_facets={"processing_engine": engine("2.10.1"), "executionParameters": parameters(lr="0.1")},
        inputs=[ds(WAREHOUSE, "public.orders", schema=schema_facet("id"))],
        outputs=[ds(LAKE, "orders/daily")],
    )


def dbt_source() -> dict[str, Any]:
    """What dbt really sends: a facet with ``"_deleted": null`` and a data source without a scheme."""
    source = official("1-0-1/DatasourceDatasetFacet", name="warehouse", uri="warehouse.internal/analytics")
    schema = {**schema_facet("id"), "_deleted": None}
    return dataset_event(ds(WAREHOUSE, "public.orders", dataSource=source, schema=schema))


def test_the_schemas_of_every_spec_version_ship_with_the_package() -> None:
    assert {"1-0-0", "1-0-5", "2-0-0", "2-0-2"} <= set(shipped_versions())


@pytest.mark.parametrize(
    "event",
    [
        valid_run(),
        job_event("orders.load", inputs=[ds(WAREHOUSE, "t")], outputs=[], jobType=job_type()),
        dataset_event(ds(WAREHOUSE, "public.orders", schema=schema_facet("id"))),
        {
            **valid_run(),
            "schemaURL": "https://openlineage.io/spec/1-0-5/OpenLineage.json#/$defs/RunEvent",
        },
        {**valid_run(), "eventTime": "2026-05-01t08:00:00z"},  # RFC 3339 allows lower case
    ],
    ids=["RunEvent", "JobEvent", "DatasetEvent", "spec 1-0-5", "lower case time"],
)
def test_valid_events_of_each_type_pass(event: dict[str, Any]) -> None:
    assert violations(event) == []


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"producer": None}, "producer", "None is not of type 'string'"),
        ({"run": {"runId": "42"}}, "run.runId", "'42' is not a 'uuid'"),
        ({"eventTime": "tomorrow"}, "eventTime", "'tomorrow' is not a 'date-time'"),
        ({"inputs": [{"namespace": WAREHOUSE}]}, "inputs[0]", "'name' is a required property"),
        (
            {"run": {"runId": new_id(), "facets": {"processing_engine": {**engine("1"), "version": 2}}}},
            "run.facets.processing_engine.version",
            "2 is not of type 'string'",
        ),
        ({"schemaURL": "https://openlineage.io/spec/9-9-9/OpenLineage.json"}, "schemaURL", "names no"),
        (
            {
                "job": {
                    "namespace": "n",
                    "name": "j",
                    "facets": {"jobType": {**job_type(), "_schemaURL": "x"}},
                }
            },
            "job.facets.jobType._schemaURL",
            "'x' is not a 'uri'",
        ),
    ],
)
def test_a_violation_names_its_json_path(change: dict[str, Any], path: str, message: str) -> None:
    found = violations({**valid_run(), **change})
    assert [v.path for v in found] == [path]
    assert message in found[0].message


def test_what_integrations_really_send_fails_strict_at_named_paths() -> None:
    found = violations(dbt_source())
    assert found == [
        Violation("dataset.facets.dataSource.uri", "'warehouse.internal/analytics' is not a 'uri'"),
        Violation("dataset.facets.schema._deleted", "None is not of type 'boolean'"),
    ]


@pytest.fixture
def strict(store: LineageStore) -> Iterator[TestClient]:
    settings = Settings(openlineage_validate=Mode.STRICT)
    with local_client(create_app(settings, store=store)) as client:
        yield client


@pytest.fixture
def lenient(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=store)) as client:
        yield client


def test_strict_mode_refuses_with_every_path_and_writes_nothing(
    strict: TestClient, store: LineageStore
) -> None:
    response = strict.post(ENDPOINT, json=dbt_source())
    assert response.status_code == 400
    body = response.json()
    assert [v["path"] for v in body["violations"]] == [
        "dataset.facets.dataSource.uri",
        "dataset.facets.schema._deleted",
    ]
    assert body["field"] == "dataset.facets.dataSource.uri"
    assert body["error"].startswith("the event fails the OpenLineage schemas (2 violations)")
    assert response.headers[HEADER] == "2"
    assert store.subjects([f"dataset:{WAREHOUSE}:public.orders"]) == {}
    assert strict.post(ENDPOINT, json=valid_run()).status_code == 201


def strict_failures(client: TestClient, event: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(f'lineage_openlineage_strict_failures_total{{event="{event}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_lenient_mode_records_and_counts_what_strict_would_refuse(
    lenient: TestClient, store: LineageStore
) -> None:
    response = lenient.post(ENDPOINT, json=dbt_source())
    assert (response.status_code, response.headers[HEADER]) == (201, "2")
    assert store.subjects([f"dataset:{WAREHOUSE}:public.orders"]) != {}
    clean = lenient.post(ENDPOINT, json=valid_run())
    assert (clean.status_code, clean.headers[HEADER]) == (201, "0")
    assert strict_failures(lenient, "DatasetEvent") == 1
    assert strict_failures(lenient, "RunEvent") == 0


def test_the_mode_comes_from_the_environment_and_a_wrong_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LINEAGE_OPENLINEAGE_VALIDATE", "STRICT")
    assert Settings.from_env().openlineage_validate is Mode.STRICT
    monkeypatch.setenv("LINEAGE_OPENLINEAGE_VALIDATE", "picky")
    with pytest.raises(InvalidInput, match="expected strict or lenient"):
        Settings.from_env()
    assert Settings().openlineage_validate is Mode.LENIENT


def test_serve_takes_the_mode_and_refuses_another() -> None:
    refused = CliRunner().invoke(main, ["serve", "--openlineage-validate", "picky"])
    assert refused.exit_code == 2
    assert "'picky' is not one of 'strict', 'lenient'" in refused.output
