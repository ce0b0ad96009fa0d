"""``GET /api/v1/lineage?nodeId=...&depth=N``: the lineage of a job or dataset in the shape Marquez
returns (``lineage.marquez``), for scripts written against Marquez. Read scope, like every read route.

Query parameters: ``nodeId`` (``dataset:<namespace>:<name>`` or ``job:<namespace>:<name>``, required),
``depth`` (jobs away, 20 by default as in Marquez, at most the server's ``max_depth``), ``declared``
(``true`` by default: include the feeds JobEvents declared that no run has observed yet).

Answers: 200 ``{"graph": [...]}``; 400 ``{"error"}`` for a missing or malformed parameter; 404 for a
node no event has named; 503 when the store is down (the app's handler).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.errors import InvalidInput, NotFound
from lineage.marquez import DEFAULT_DEPTH, lineage

_BOOLEANS = {"true": True, "false": False}


async def get_lineage(request: Request) -> JSONResponse:
    params = request.query_params
    max_depth = request.app.state.settings.max_depth
    try:
        node_id = params.get("nodeId")
        if not node_id:
            raise InvalidInput("nodeId is required, e.g. nodeId=dataset:<namespace>:<name>")
        depth = _depth(params.get("depth"), max_depth)
        declared = _BOOLEANS.get(params.get("declared", "true").lower())
        if declared is None:
            raise InvalidInput(f"declared must be true or false, not {params['declared']!r}")
        graph = await run_in_threadpool(
            lineage, request.app.state.store, node_id, depth=depth, declared=declared
        )
    except NotFound as exc:
        return JSONResponse({"error": str(exc)}, status_code=404)
    except InvalidInput as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return JSONResponse(graph)


def _depth(text: str | None, max_depth: int) -> int:
    if text is None:
        return min(DEFAULT_DEPTH, max_depth)
    if not text.isdigit() or not 0 <= int(text) <= max_depth:
        raise InvalidInput(f"depth {text!r} out of range: a whole number from 0 to {max_depth}")
    return int(text)
