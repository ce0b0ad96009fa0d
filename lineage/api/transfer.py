"""``GET /api/v1/export`` and ``POST /api/v1/import``: the whole graph as JSON Lines, out and in.

The export streams the same records, in the same order, as ``lineage export`` writes to a file (the
store pages through it as the stream is read). An import is one request body under the body limit
(5 MB by default), written in one transaction, so a larger file goes in as several requests: the
``lineage`` command splits it at record boundaries, each chunk a header line and whole records, and
sends nodes, runs and edges in the file's order, so each chunk finds what it links to already stored.
A chunk lands whole or not at all, and sending one again changes nothing.

Both need a token with read access when tokens are on; the import needs a read-write one. The import
answers 201 with what it wrote (``createdNodes``, ``createdEdges``, ``runsWritten``, ``unchanged``),
400 naming the first bad line, 403 for a read-only token, 409 for a conflict with what is stored and
415 for a body that is not JSON Lines.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from lineage.api.auth import refuse_write
from lineage.api.errors import error_response
from lineage.api.payload import PayloadError, load_json
from lineage.errors import InvalidInput, LineageError
from lineage.jsonl import encode_record, read_batch, with_header

MEDIA_TYPE = "application/x-ndjson"
MEDIA_TYPES = frozenset({MEDIA_TYPE, "application/jsonl", "application/json-lines"})


async def get_export(request: Request) -> Response:
    records = with_header(request.app.state.store.export_records())
    # A plain iterator: Starlette runs it in the thread pool, so the store's pages never block the loop.
    return StreamingResponse((encode_record(r) for r in records), media_type=MEDIA_TYPE)


async def post_import(request: Request) -> Response:
    if refused := refuse_write(request, MEDIA_TYPES, f"{MEDIA_TYPE} (JSON Lines)"):
        return refused
    try:
        lines = (await request.body()).decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        return _error(400, f"the body is not valid UTF-8: {exc.reason} at byte {exc.start}")
    max_depth = request.app.state.settings.max_json_depth
    try:
        for number, line in enumerate(lines, start=1):
            _check_line(line, number, max_depth)
        batch, names = read_batch(lines)
        store = request.app.state.store
        result = await run_in_threadpool(lambda: store.write(batch, names=names))
    except LineageError as exc:
        return error_response(request, exc)
    return JSONResponse(
        {
            "createdNodes": result.created_nodes,
            "createdEdges": result.created_edges,
            "runsWritten": result.runs_written,
            "unchanged": result.unchanged,
        },
        status_code=201,
    )


def _check_line(line: str, number: int, max_depth: int) -> None:
    """Refuse, naming the line, what is not JSON, nests too deep or holds text no store can keep."""
    if line.strip():
        try:
            load_json(line, max_depth=max_depth)
        except PayloadError as exc:
            raise InvalidInput(f"line {number}: {exc}") from None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
