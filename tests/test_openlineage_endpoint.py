"""POST /api/v1/lineage over HTTP, on both backends: the answers a producer sees, and that a refused
event leaves the store exactly as it was."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from openlineage.client.event_v2 import OutputDataset, RunState
from openlineage.client.transport.http import HttpCompression, HttpConfig, HttpTransport
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.store import LineageStore
from tests.api_support import local_client, openlineage_client, serving
from tests.test_openlineage_client import event
from tests.test_openlineage_events import dataset, run_event

ENDPOINT = "/api/v1/lineage"


@pytest.fixture
def client(store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=store)) as client:
        yield client


def post(client: TestClient, body: Any, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(ENDPOINT, content=content, headers={"Content-Type": "application/json", **headers})


def test_an_event_is_recorded_and_the_answer_names_what_it_became(
    client: TestClient, store: LineageStore
) -> None:
    run_id = str(uuid.uuid4())
    response = post(client, run_event(run_id, inputs=[dataset("in")], outputs=[dataset("out")]))
    assert response.status_code == 201
    assert response.json() == {
        "run": run_id,
        "status": "COMPLETE",
        "inputs": ["dataset:postgres://db:5432/in@unversioned"],
        "outputs": [f"dataset:postgres://db:5432/out@{run_id}"],
        "createdNodes": 2,
        "createdEdges": 1,
    }
    assert store.stats()["edges"] == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b"{not json", None, "the body is not valid JSON"),
        (b"[1, 2]", None, "the event must be a JSON object"),
        (
            json.dumps(run_event(str(uuid.uuid4()), outputs=[dataset("n")]))
            .replace('"outputs"', '"x": NaN, "outputs"')
            .encode(),
            None,
            "NaN is not a JSON number",
        ),
        (
            {"eventTime": "2026-05-01T08:00:00Z", "producer": "p", "runs": []},
            None,
            "an OpenLineage event has a run (RunEvent), a job (JobEvent) or a dataset (DatasetEvent)",
        ),
        ({**run_event("not-a-uuid")}, "run.runId", "run.runId must be a UUID"),
        ({**run_event(str(uuid.uuid4())), "job": None}, "job", "job is required"),
        (
            {**run_event(str(uuid.uuid4())), "outputs": [dataset("ok"), {"namespace": "n", "name": 5}]},
            "outputs[1].name",
            "outputs[1].name must be a non-empty string",
        ),
    ],
)
def test_a_malformed_event_is_a_400_naming_the_field_and_writes_nothing(
    client: TestClient, store: LineageStore, body: Any, field: str | None, message: str
) -> None:
    response = post(client, body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["field"] == field
    assert message in answer["error"]
    assert store.stats() == {"dataset": 0, "feature": 0, "model": 0, "prediction": 0, "runs": 0, "edges": 0}


def test_an_event_contradicting_its_run_is_a_409_and_writes_nothing(
    client: TestClient, store: LineageStore
) -> None:
    run_id = str(uuid.uuid4())
    assert post(client, run_event(run_id, job_name="extract", outputs=[dataset("a")])).status_code == 201
    before = list(store.export_records())
    response = post(client, run_event(run_id, job_name="load", outputs=[dataset("b")]))
    assert response.status_code == 409
    assert response.json() == {
        "error": f"run {run_id} is already recorded with different name",
        "field": None,
    }
    assert list(store.export_records()) == before


def test_only_json_is_accepted(client: TestClient, store: LineageStore) -> None:
    response = client.post(
        ENDPOINT, content=json.dumps(run_event(str(uuid.uuid4()))), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"] == "the body must be application/json, not text/plain"
    assert store.stats()["runs"] == 0


def test_an_oversized_event_is_refused(store: LineageStore) -> None:
    big = run_event(str(uuid.uuid4()), outputs=[dataset(f"table_{i}") for i in range(100)])
    with local_client(create_app(Settings(max_body_bytes=2000), store=store)) as client:
        plain = post(client, big)
        bomb = post(client, gzip.compress(json.dumps(big).encode()), **{"Content-Encoding": "gzip"})
    assert (plain.status_code, bomb.status_code) == (413, 413)
    assert plain.json()["error"] == "the request body is larger than 2000 bytes"
    assert bomb.json()["error"] == "the request body is larger than 2000 bytes once decompressed"
    assert store.stats()["runs"] == 0


def test_gzip_bodies_are_accepted_and_broken_ones_refused(client: TestClient, store: LineageStore) -> None:
    body = json.dumps(run_event(str(uuid.uuid4()), outputs=[dataset("zipped")])).encode()
    assert post(client, gzip.compress(body), **{"Content-Encoding": "gzip"}).status_code == 201
    for bad in (b"not gzip at all", gzip.compress(body)[:-8], gzip.compress(body) + b"trailing"):
        broken = post(client, bad, **{"Content-Encoding": "gzip"})
        assert broken.status_code == 400
        assert broken.json()["error"].startswith("the body is not valid gzip")
    assert post(client, body, **{"Content-Encoding": "br"}).status_code == 400
    assert store.stats()["runs"] == 1


def test_the_client_transport_with_gzip_compression(store: LineageStore) -> None:
    run_id = str(uuid.uuid4())
    compressed = event(
        RunState.COMPLETE,
        run_id,
        "compressed",
        "2026-05-01T08:00:00Z",
        outputs=[OutputDataset("s3://lake", "out")],
    )
    with serving(create_app(store=store)) as url:
        HttpTransport(HttpConfig(url=url, compression=HttpCompression.GZIP)).emit(compressed)
    run = store.get_run(run_id)
    assert run is not None and run.outputs == (f"dataset:s3://lake/out@{run_id}",)


def test_the_client_sees_a_refusal_as_an_http_error(store: LineageStore) -> None:
    run_id = str(uuid.uuid4())
    with serving(create_app(store=store)) as url:
        client = openlineage_client(url, retries=False)
        client.emit(event(RunState.START, run_id, "first-name", "2026-05-01T08:00:00Z"))
        with pytest.raises(requests.HTTPError, match="409"):
            client.emit(event(RunState.COMPLETE, run_id, "second-name", "2026-05-01T09:00:00Z"))


def test_a_run_whose_events_together_fan_out_too_far_is_refused(
    client: TestClient, store: LineageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each event alone is small; the run they make is not, so the second event is refused whole."""
    import lineage.ingest.batches

    monkeypatch.setattr(lineage.ingest.batches, "MAX_EDGES_PER_RUN", 100)
    run_id = str(uuid.uuid4())
    wide_in = run_event(run_id, inputs=[dataset(f"in{i}") for i in range(20)], outputs=[dataset("out0")])
    assert post(client, wide_in).status_code == 201
    before = list(store.export_records())
    wide_out = run_event(run_id, outputs=[dataset(f"out{i}") for i in range(1, 20)])
    refused = post(client, wide_out)
    assert refused.status_code == 400
    assert "20 inputs x 20 outputs make more than 100" in refused.json()["error"]
    assert list(store.export_records()) == before
