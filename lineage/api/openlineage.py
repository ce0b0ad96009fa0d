"""``POST /api/v1/lineage``: the OpenLineage endpoint, as the ``openlineage-python`` HTTP transport
calls it (JSON body, optionally gzip-compressed, bearer token).

Answers: 201 with the run as merged; 400 ``{"error", "field"}`` for a malformed event, or a body that
is not UTF-8 JSON within the depth limit or holds text a store cannot keep (nothing is written); 403
for a read-only token; 409 when the event contradicts what the run already holds; 415 for a body that
is not JSON (which also stops a cross-site form post from writing to a server running without
tokens); 503 when the store is down. The body's size and its gzip decoding are the edge's
(``lineage.api.body``: 413 beyond ``Settings.max_body_bytes``).
"""

from __future__ import annotations

from starlette.authentication import has_required_scope
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.api.auth import WRITE, WRITE_REFUSED
from lineage.api.errors import error_response
from lineage.api.payload import PayloadError, load_json
from lineage.errors import LineageError
from lineage.ingest.openlineage import EventError, parse_event, record_event


async def post_lineage(request: Request) -> JSONResponse:
    if not has_required_scope(request, [WRITE]):
        return _error(403, WRITE_REFUSED)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return _error(415, f"the body must be application/json, not {media_type or 'untyped'}")
    try:
        payload = load_json(await request.body(), max_depth=request.app.state.settings.max_json_depth)
        event = parse_event(payload)
    except (PayloadError, EventError) as exc:
        return _error(400, str(exc), field=exc.field)
    try:
        recorded = await run_in_threadpool(record_event, request.app.state.store, event)
    except LineageError as exc:
        return error_response(request, exc, field=None)
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
    )


def _error(status: int, message: str, *, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=status)
