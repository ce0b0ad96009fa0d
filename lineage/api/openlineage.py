"""``POST /api/v1/lineage``: the OpenLineage endpoint, as the ``openlineage-python`` HTTP transport
calls it (JSON body, optionally gzip-compressed, bearer token).

Answers: 201 with the run as merged (a JobEvent or DatasetEvent: the job's or dataset's id); 400
``{"error", "field"}`` for a malformed event, or a body that is not UTF-8 JSON within the depth limit or
holds text a store cannot keep (nothing is written); 403 for a read-only token; 409 when the event
contradicts what the run already holds; 415 for a body that is not JSON (which also stops a cross-site
form post from writing to a server running without tokens); 503 when the store is down. The body's size
and its gzip decoding are the edge's (``lineage.api.body``: 413 beyond ``Settings.max_body_bytes``).

Every event is checked against the JSON Schemas of the spec version it names (``ol_validate``). In
strict mode an event that fails is a 400 listing each violation's path; in lenient mode (the default)
it is recorded as usual. Either way the answer's ``X-OpenLineage-Strict-Violations`` header counts the
violations, and ``lineage_openlineage_strict_failures`` in /metrics counts the events that have some.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.api.auth import JSON_TYPES, refuse_write
from lineage.api.errors import error_response
from lineage.api.payload import PayloadError, load_json
from lineage.errors import LineageError
from lineage.ingest.ol_events import StaticEvent, parse_any, record_static
from lineage.ingest.ol_validate import Mode, Violation, violations
from lineage.ingest.openlineage import EventError, record_event

VIOLATIONS_HEADER = "X-OpenLineage-Strict-Violations"


async def post_lineage(request: Request) -> JSONResponse:
    if refused := refuse_write(request, JSON_TYPES, "application/json"):
        return refused
    settings = request.app.state.settings
    try:
        payload = load_json(await request.body(), max_depth=settings.max_json_depth)
    except PayloadError as exc:
        return _error(400, str(exc), field=exc.field)
    found = await run_in_threadpool(violations, payload)
    if found:
        request.app.state.metrics.openlineage_strict_failures.labels(_event_label(payload)).inc()
    headers = {VIOLATIONS_HEADER: str(len(found))}
    if found and settings.openlineage_validate is Mode.STRICT:
        return _refused(found, headers)
    store = request.app.state.store
    try:
        event = parse_any(payload)
        if isinstance(event, StaticEvent):
            created = await run_in_threadpool(record_static, store, event)
            return _static_answer(event, created, headers)
        recorded = await run_in_threadpool(record_event, store, event)
    except EventError as exc:
        return _error(400, str(exc), field=exc.field, headers=headers)
    except LineageError as exc:
        return error_response(request, exc, headers=headers, field=None)
    run = recorded.run
    return JSONResponse(
        {
            "run": run.uid,
            "status": None if run.status is None else run.status.value,
            "inputs": list(run.inputs),
            "outputs": list(run.outputs),
            "createdNodes": recorded.created_nodes,
            "createdEdges": recorded.created_edges,
        },
        status_code=201,
        headers=headers,
    )


def _static_answer(event: StaticEvent, created: int, headers: dict[str, str]) -> JSONResponse:
    key = "job" if event.type == "JobEvent" else "dataset"
    body: dict[str, Any] = {"type": event.type, key: event.subject, "createdRecords": created}
    if event.type == "JobEvent":
        body["datasets"] = list(event.datasets)
    return JSONResponse(body, status_code=201, headers=headers)


def _refused(found: list[Violation], headers: dict[str, str]) -> JSONResponse:
    """Strict mode's 400: the first violation as the error, and every one by path."""
    return JSONResponse(
        {
            "error": f"the event fails the OpenLineage schemas ({len(found)} violations): {found[0]}",
            "field": found[0].path or None,
            "violations": [{"path": v.path, "message": v.message} for v in found],
        },
        status_code=400,
        headers=headers,
    )


def _event_label(payload: Any) -> str:
    """The metric's label: the event's type by its shape (a bounded set, whatever is sent)."""
    if not isinstance(payload, dict):
        return "invalid"
    if "run" in payload:
        return "RunEvent"
    return "JobEvent" if "job" in payload else "DatasetEvent" if "dataset" in payload else "invalid"


def _error(
    status: int, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=status, headers=headers)
