"""The starlette app: ``/graphql``, ``/api/v1/lineage``, ``/api/v1/predictions``, ``/healthz``,
``/metrics`` and the HTML pages.

Every request crosses the same edge, outermost first: the metrics, the ``Host`` check (loopback names
unless configured), authentication (scopes from the bearer token or the browser session; every route
but ``/healthz`` and ``/login`` needs ``read``), and the body limit (read only once the caller is let
in). Every error answer is JSON ``{"error": ...}``, Starlette's own 404 and 405 included; the HTML
pages answer their own errors in HTML.

``create_app`` takes its settings and, for tests and embedding, an already opened store. A store it
opens itself is a ``ReconnectingStore``, so the server starts while the store is down, answers 503
meanwhile, and recovers by itself. Start-up waits for the store at most the connect timeout: a store that
hangs is reported and left opening in the background. ``app_from_env`` is the factory uvicorn's workers
import.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lineage.api.auth import RequireRead, TokenBackend, refuse_token
from lineage.api.body import BodyLimitMiddleware
from lineage.api.errors import error_response
from lineage.api.graphiql import routes as graphiql_routes
from lineage.api.health import StoreProbe, healthz
from lineage.api.hosts import TrustedHosts
from lineage.api.login import routes as login_routes
from lineage.api.marquez import get_lineage
from lineage.api.metrics import Metrics, MetricsMiddleware
from lineage.api.openlineage import post_lineage
from lineage.api.predictions import post_predictions
from lineage.api.reconnect import ReconnectingStore
from lineage.api.schema import build_schema
from lineage.api.settings import Settings
from lineage.api.throttle import FailureLimit
from lineage.api.transfer import get_export, post_import
from lineage.api.view import GraphQLView
from lineage.errors import LineageError
from lineage.store.base import LineageStore
from lineage.store.registry import open_store, redacted
from lineage.viz.routes import routes as html_routes

log = logging.getLogger("lineage.api")


def create_app(settings: Settings | None = None, *, store: LineageStore | None = None) -> Starlette:
    """The API. With ``store`` given, the caller owns it: the app uses it as it is and never closes it.
    Otherwise the app opens ``settings.store_url`` as a ``ReconnectingStore`` and closes it at shutdown."""
    settings = settings or Settings()
    metrics = Metrics()
    served = store or ReconnectingStore(
        settings.store_url,
        retry_after=settings.reconnect_interval,
        open_wait=settings.connect_timeout,
        opener=partial(open_store, timeouts=settings.timeouts),
        on_unavailable=metrics.store_errors.inc,
    )
    probe = StoreProbe(served)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        auth = "bearer tokens required" if settings.tokens else "no auth"
        problem = await probe.check(wait=settings.connect_timeout)
        if problem is None:
            log.info("serving the %s store (%s): %s", served.backend, auth, redacted(served.url))
        else:
            log.warning(
                "the store %s is unavailable, serving 503 until it is back: %s", redacted(served.url), problem
            )
        yield
        probe.close()
        if store is None:
            served.close()

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLView(build_schema(settings), settings=settings, metrics=metrics)),
            Route("/api/v1/lineage", post_lineage, methods=["POST"]),
            Route("/api/v1/predictions", post_predictions, methods=["POST"]),
            Route("/api/v1/export", get_export, methods=["GET"]),
            Route("/api/v1/import", post_import, methods=["POST"]),
            Route("/api/v1/lineage", get_lineage, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics.render, methods=["GET"]),
            *login_routes,
            *graphiql_routes,
            *html_routes,
        ],
        middleware=[
            Middleware(MetricsMiddleware, metrics=metrics),
            Middleware(TrustedHosts, allowed_hosts=settings.allowed_hosts),
            Middleware(
                AuthenticationMiddleware, backend=TokenBackend(settings.tokens), on_error=refuse_token
            ),
            Middleware(RequireRead),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        ],
        exception_handlers={
            LineageError: _lineage_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
        lifespan=lifespan,
    )
    app.state.store = served
    app.state.probe = probe
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.login_failures = FailureLimit(limit=settings.max_login_failures)
    return app


async def _lineage_error(request: Request, exc: Exception) -> Response:
    """A user's error that a route left to the app (the store going down, mostly), by the one table."""
    assert isinstance(exc, LineageError)
    return error_response(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's 404 and 405 (with its ``Allow`` header), in JSON like every other error."""
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    # Starlette logs the traceback itself once this answer is sent.
    return JSONResponse({"error": "internal error: the server log has the details"}, status_code=500)


def app_from_env() -> Starlette:
    """The app configured by ``LINEAGE_*`` environment variables (``Settings.from_env``): the server's."""
    app = create_app(Settings.from_env())
    # The modules, the schema and the app live as long as the server does. Frozen out of the
    # collector's generations, they are no longer traced by each full collection that a large
    # answer's thousands of objects set off. Collected first, so that no garbage is frozen with them.
    # Here, not in create_app: this process is the server's own, where tests and embedders share theirs.
    gc.collect()
    gc.freeze()
    return app
