"""``POST /api/v1/lineage``: the OpenLineage endpoint, as the ``openlineage-python`` HTTP transport
calls it (JSON body, optionally gzip-compressed, bearer token).

Answers: 201 with the run as merged; 400 ``{"error", "field"}`` for a malformed event (nothing is
written); 403 for a read-only token; 409 when the event contradicts what the run already holds; 413
for an oversized body; 415 for a body that is not JSON (which also stops a cross-site form post from
writing to a server running without tokens); 503 when the store is down.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.api.auth import WRITE_REFUSED, Access, access_of
from lineage.errors import Conflict, InvalidInput, NotFound
from lineage.ingest.openlineage import EventError, parse_event, record_event


async def post_lineage(request: Request) -> JSONResponse:
    if access_of(request) is not Access.WRITE:
        return _error(403, WRITE_REFUSED)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return _error(415, f"the body must be application/json, not {media_type or 'untyped'}")
    limit: int = request.app.state.settings.max_body_bytes
    try:
        payload = _decode(await _body(request, limit), request.headers.get("content-encoding", ""), limit)
        event = parse_event(payload)
    except _TooLarge:
        return _error(413, f"the event is larger than {limit} bytes")
    except EventError as exc:
        return _error(400, str(exc), field=exc.field)
    try:
        recorded = await run_in_threadpool(record_event, request.app.state.store, event)
    except Conflict as exc:
        return _error(409, str(exc))
    except NotFound as exc:
        return _error(404, str(exc))
    except InvalidInput as exc:
        return _error(400, str(exc))
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


class _TooLarge(Exception):
    pass


async def _body(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, encoding: str, limit: int) -> Any:
    if encoding.strip().lower() == "gzip":
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            # Bounded, so a small gzip bomb cannot expand into gigabytes.
            body = inflater.decompress(body, limit + 1)
        except zlib.error as exc:
            raise EventError(None, f"the body is not valid gzip: {exc}") from None
        if len(body) > limit:
            raise _TooLarge
        if not inflater.eof or inflater.unused_data:
            raise EventError(None, "the body is not valid gzip: truncated, or followed by other data")
    elif encoding.strip() not in ("", "identity"):
        raise EventError(None, f"unsupported Content-Encoding {encoding!r}: gzip or none")
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EventError(None, f"the body is not valid JSON: {exc}") from None


def _refuse_constant(name: str) -> None:
    # Python's json reads NaN and Infinity, which JSON does not have and no store can keep.
    raise EventError(None, f"the body is not valid JSON: {name} is not a JSON number")


def _error(status: int, message: str, *, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=status)
