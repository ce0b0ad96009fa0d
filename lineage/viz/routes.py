"""The HTML routes (``/``, ``/graph/{uid}`` and ``/diff``) that ``lineage.api.app.create_app`` mounts.

Endpoints read the store from ``request.app.state.store``. They are plain functions, so starlette runs
them in its thread pool: store calls block, and must not hold up the event loop. A uid may hold ``:``,
``@`` and ``/``, hence the ``path`` convertor.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from lineage.errors import InvalidInput, LineageError, classify
from lineage.model import NodeKind
from lineage.query import default_depth, validate_depth
from lineage.viz.browse import render_browse_page, render_error_page
from lineage.viz.diff_page import render_diff_page
from lineage.viz.links import Links
from lineage.viz.page import render_graph_page
from lineage.viz.query import GraphQuery, parse_as_of, parse_kinds

# The policy is in a <meta> element too (so a standalone file has it); the header adds what a meta
# element cannot carry: no framing by other sites.
HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def browse(request: Request) -> HTMLResponse:
    links = _links(request)
    params = request.query_params
    try:
        kinds = parse_kinds([params.get("kind", "")], "kind")
        if len(kinds) > 1:
            raise InvalidInput("kind: choose one kind, or none for every kind")
        html = render_browse_page(
            request.app.state.store,
            links=links,
            search=params.get("search", "").strip(),
            kind=NodeKind(kinds[0]) if kinds else None,
            after=params.get("after") or None,
            as_of=parse_as_of(params.get("asOf")),
        )
    except LineageError as exc:
        return _error(request, exc, links)
    return HTMLResponse(html, headers=HEADERS)


def graph(request: Request) -> HTMLResponse:
    links = _links(request)
    params = request.query_params
    try:
        query = GraphQuery.from_params(request.path_params["uid"], {k: params.getlist(k) for k in params})
        max_depth = request.app.state.settings.max_depth
        if "depth" not in params:
            query = query.changed(depth=default_depth(max_depth))
        validate_depth(query.depth, max_depth)
        html = render_graph_page(request.app.state.store, query, links=links)
    except LineageError as exc:
        return _error(request, exc, links)
    return HTMLResponse(html, headers=HEADERS)


def diff_page(request: Request) -> HTMLResponse:
    links = _links(request)
    params = request.query_params
    try:
        a, b = (params.get(name, "").strip() for name in ("a", "b"))
        if not a or not b:
            raise InvalidInput("a diff compares two nodes: give their uids as ?a=...&b=...")
        html = render_diff_page(
            request.app.state.store, a, b, links=links, as_of=parse_as_of(params.get("asOf"))
        )
    except LineageError as exc:
        return _error(request, exc, links)
    return HTMLResponse(html, headers=HEADERS)


def _links(request: Request) -> Links:
    return Links(base=request.scope.get("root_path", "").rstrip("/"))


def _error(request: Request, exc: LineageError, links: Links) -> HTMLResponse:
    entry = classify(exc)
    status = entry.status if entry else 500
    heading = HTTPStatus(status).phrase
    headers = {**HEADERS, "Retry-After": request.app.state.settings.retry_after} if status == 503 else HEADERS
    return HTMLResponse(
        render_error_page(heading, str(exc), links=links), status_code=status, headers=headers
    )


routes: list[BaseRoute] = [
    Route("/", browse, methods=["GET"], name="browse"),
    Route("/graph/{uid:path}", graph, methods=["GET"], name="graph"),
    Route("/diff", diff_page, methods=["GET"], name="diff"),
]
