"""``GET /healthz``: is the store reachable? 200 or 503, with the backend named either way.

It answers within ``HEALTH_WAIT`` seconds whatever the store does. The store is asked on a thread of
the probe's own, not in the request thread pool, which a hung store may have filled with waiting
requests; one question is in flight at a time, and a request that finds one running waits for its
answer instead of asking again. A store behind a tripped circuit breaker answers at once with the
reason it is down.

It never shows the store URL: a Neo4j URL may carry a password.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.errors import StoreUnavailable
from lineage.store.base import LineageStore

HEALTH_WAIT = 1.5


class StoreProbe:
    """Pings a store in the background; ``check`` waits a bounded time for the answer."""

    def __init__(self, store: LineageStore) -> None:
        self._store = store
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-probe")
        self._asking: asyncio.Future[StoreUnavailable | None] | None = None

    async def check(self, wait: float = HEALTH_WAIT) -> StoreUnavailable | None:
        """None when the store answered, else why it did not (in time)."""
        loop = asyncio.get_running_loop()
        # A question asked from another event loop (a test client without a lifespan) cannot be awaited here.
        if self._asking is None or self._asking.done() or self._asking.get_loop() is not loop:
            self._asking = loop.run_in_executor(self._thread, self._ping)
        try:
            return await asyncio.wait_for(asyncio.shield(self._asking), wait)
        except TimeoutError:
            return StoreUnavailable(f"the store did not answer within {wait:g} s")

    def _ping(self) -> StoreUnavailable | None:
        try:
            self._store.ping()
        except StoreUnavailable as exc:
            return exc
        return None

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)


async def healthz(request: Request) -> JSONResponse:
    store = request.app.state.store
    problem = await request.app.state.probe.check()
    if problem is not None:
        body = {
            "status": "unavailable",
            "store": {"backend": store.backend, "reachable": False, "error": str(problem)},
        }
        headers = {"Retry-After": request.app.state.settings.retry_after}
        return JSONResponse(body, status_code=503, headers=headers)
    return JSONResponse({"status": "ok", "store": {"backend": store.backend, "reachable": True}})
