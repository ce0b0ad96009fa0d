"""Prometheus metrics, in a registry of the app's own so that many apps can live in one process.

Labels stay bounded: a route is its template (``/graph/{uid}``, never the uid), and GraphQL operation
names, which clients choose, are kept for the first ``MAX_OPERATION_NAMES`` distinct names and counted
as ``other`` after that.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

MAX_OPERATION_NAMES = 200
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lineage_http_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.request_seconds = Histogram(
            "lineage_http_request_duration_seconds",
            "HTTP request latency by route template and method.",
            ["route", "method"],
            registry=self.registry,
        )
        self.operations = Counter(
            "lineage_graphql_operations",
            "GraphQL operations by operation name and outcome (ok or error).",
            ["operation", "outcome"],
            registry=self.registry,
        )
        self.operation_seconds = Histogram(
            "lineage_graphql_operation_duration_seconds",
            "GraphQL operation latency by operation name.",
            ["operation"],
            registry=self.registry,
        )
        self.store_errors = Counter(
            "lineage_store_errors",
            "Store calls that failed because the store was unavailable.",
            registry=self.registry,
        )
        self.openlineage_strict_failures = Counter(
            "lineage_openlineage_strict_failures",
            "OpenLineage events that fail the spec's JSON Schemas (refused in strict mode, recorded "
            "in lenient mode), by event type.",
            ["event"],
            registry=self.registry,
        )
        self._names: set[str] = set()
        self._names_lock = threading.Lock()

    def operation_label(self, name: str | None) -> str:
        if not name:
            return "anonymous"
        if not _NAME.fullmatch(name):
            return "other"
        with self._names_lock:
            if name in self._names:
                return name
            if len(self._names) < MAX_OPERATION_NAMES:
                self._names.add(name)
                return name
        return "other"

    async def render(self, request: Request) -> Response:
        # On the event loop, not in the thread pool: requests waiting on a hung store may fill that.
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            route, method = _route_template(scope), scope["method"]
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.request_seconds.labels(route, method).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    for route in scope["app"].router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return str(getattr(route, "path", "other"))
    return "unmatched"


class OperationMetrics(SchemaExtension):
    """Times each GraphQL operation; runs once per operation, never per field."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context.context
        metrics: Metrics | None = getattr(context, "metrics", None)
        if metrics is None:
            return
        label = metrics.operation_label(self.execution_context.operation_name)
        result = self.execution_context.result
        outcome = "error" if result is None or getattr(result, "errors", None) else "ok"
        metrics.operations.labels(label, outcome).inc()
        metrics.operation_seconds.labels(label).observe(time.perf_counter() - started)
