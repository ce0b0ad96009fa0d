"""Runs and predictions sent to a running lineage server.

A run goes as OpenLineage RunEvents to ``/api/v1/lineage`` (START when the block opens, COMPLETE, FAIL
or ABORT when it ends, with its inputs and outputs), in the facets the server already maps: the
``sourceCodeLocation`` job facet (code version ``git:<commit>``), ``executionParameters`` (parameters),
``processing_engine`` (the environment) and the ``lineageGraph`` dataset facet (kind, name, version).
Predictions go to the bulk route ``/api/v1/predictions`` (``recordPredictions`` without GraphQL's
per-item cost), in requests kept under the server's body limit and its ``max_predictions``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lineage.model import Prediction
from lineage.remote import Server
from lineage.sdk.run import Artifact, Run

PRODUCER = "https://github.com/lineage-graph/lineage-graph/tree/main/lineage/sdk"
RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_FACET_SCHEMAS = {
    "sourceCodeLocation": "https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json",
    "executionParameters": "https://example.com/schemas/ExecutionParametersRunFacet.json",
    "processing_engine": "https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json",
    "errorMessage": "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json",
    "lineageGraph": "https://example.com/schemas/LineageGraphDatasetFacet.json",
}

MAX_BODY_BYTES = 4_000_000
"""Below the server's 5 MB default body limit, with room for the request around the predictions."""


class ServerTarget:
    """A run as OpenLineage events, predictions to the bulk route, to one server. ``max_batch`` is the
    most predictions a request carries: the server's ``max_predictions`` by default."""

    def __init__(self, server: Server, *, max_batch: int = 10_000) -> None:
        self.server = server
        self.max_batch = max_batch

    def start(self, run: Run) -> None:
        self.server.post_json("/api/v1/lineage", run_event(run))

    def finish(self, run: Run) -> None:
        self.server.post_json("/api/v1/lineage", run_event(run))

    def record_predictions(self, model_uid: str, predictions: Sequence[Prediction]) -> None:
        rows = [_prediction_input(p) for p in predictions]
        for start in range(0, len(rows), self.max_batch):
            self._send(model_uid, rows[start : start + self.max_batch])

    def _send(self, model_uid: str, rows: list[dict[str, Any]]) -> None:
        text = json.dumps({"modelUid": model_uid, "predictions": rows})
        if len(rows) > 1 and len(text) > MAX_BODY_BYTES:
            half = len(rows) // 2
            self._send(model_uid, rows[:half])
            self._send(model_uid, rows[half:])
            return
        self.server.post_text("/api/v1/predictions", text, "application/json")

    def close(self) -> None:
        self.server.close()


def run_event(run: Run) -> dict[str, Any]:
    """The RunEvent for the run's current state: START before the block runs, its outcome after."""
    assert run.environment is not None and run.status is not None, "the run has not started"
    ended = run.status.is_terminal
    engine = run.environment_record()["processing_engine"]
    run_facets = {
        "executionParameters": {"parameters": [{"key": k, "value": v} for k, v in run.parameters.items()]},
        "processing_engine": engine,
    }
    if run.error is not None:
        run_facets["errorMessage"] = {"message": run.error["message"], "programmingLanguage": "python"}
    code = run.environment.code_facet()
    event = {
        "eventType": run.status.value,
        "eventTime": run.ended_at if ended else run.started_at,
        "producer": PRODUCER,
        "schemaURL": RUN_EVENT_SCHEMA,
        "run": {"runId": run.uid, "facets": _facets(run_facets)},
        "job": {
            "namespace": run.namespace,
            "name": run.name,
            "facets": _facets({"sourceCodeLocation": code} if code else {}),
        },
        "inputs": [_dataset(a) for a in run.inputs] if ended else [],
        "outputs": [_dataset(a) for a in run.outputs] if ended else [],
    }
    return event


def _facets(facets: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        name: {"_producer": PRODUCER, "_schemaURL": _FACET_SCHEMAS[name], **facet}
        for name, facet in facets.items()
    }


def _dataset(artifact: Artifact) -> dict[str, Any]:
    # OpenLineage's dataset has no checksum field: the project's lineageGraph facet carries it.
    marker = {"kind": artifact.kind.value, "name": artifact.name, "version": artifact.version}
    if artifact.checksum:
        marker["checksum"] = artifact.checksum
    return {
        "namespace": artifact.namespace,
        "name": artifact.name,
        "facets": _facets({"lineageGraph": {**marker, "metadata": artifact.metadata}}),
    }


def _prediction_input(p: Prediction) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": p.name,
        "version": p.version,
        "inputDigest": p.input_digest,
        "output": p.output,
        "features": list(p.features),
        "parents": list(p.parents),
    }
    if p.created_at is not None:
        row["createdAt"] = p.created_at
    if p.metadata:
        row["metadata"] = dict(p.metadata)
    return row
