"""``GET /healthz``: is the store reachable? 200 or 503, with the backend named either way.

It never shows the store URL: a Neo4j URL may carry a password.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.errors import StoreUnavailable


async def healthz(request: Request) -> JSONResponse:
    store = request.app.state.store
    try:
        await run_in_threadpool(store.ping)
    except StoreUnavailable as exc:
        body = {
            "status": "unavailable",
            "store": {"backend": store.backend, "reachable": False, "error": str(exc)},
        }
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ok", "store": {"backend": store.backend, "reachable": True}})
