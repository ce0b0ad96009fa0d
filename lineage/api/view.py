"""The ``/graphql`` endpoint: strawberry's ASGI view with this app's per-request context.

POST runs queries and mutations; GET runs queries (never mutations) or, from a browser, shows
GraphiQL from the files this package ships (``lineage.api.graphiql``), not strawberry's page, which
loads it from a CDN. WebSocket subscriptions are off: the schema has none.

A body is decoded with the API's JSON limits (``lineage.api.payload``: nesting depth, text a store
cannot keep, valid UTF-8), and strawberry's own refusals (no query, a mutation over GET, a body that
is not JSON) are answered as JSON ``{"error": ...}`` rather than its plain text.

Answers are encoded with orjson: a 5,001-node subgraph is 1.8 MB of JSON, which the json module
takes ~20 ms to write and orjson ~5.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from lineage.api.context import Context
from lineage.api.graphiql import graphiql_page
from lineage.api.metrics import Metrics
from lineage.api.payload import PayloadError, load_json
from lineage.api.schema import LineageSchema
from lineage.api.settings import Settings


class GraphQLView(GraphQL[Context, None]):
    def __init__(self, schema: LineageSchema, *, settings: Settings, metrics: Metrics) -> None:
        super().__init__(schema, graphql_ide="graphiql", subscription_protocols=())
        self.settings = settings
        self.metrics = metrics

    async def run(self, request: Request | WebSocket, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().run(request, *args, **kwargs)
        except HTTPException as exc:
            headers = {"Allow": "GET, POST"} if exc.status_code == 405 else None
            return JSONResponse({"error": exc.reason}, status_code=exc.status_code, headers=headers)

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_page()

    def decode_json(self, data: str | bytes) -> object:
        try:
            return load_json(data, max_depth=self.settings.max_json_depth)
        except PayloadError as exc:
            raise HTTPException(400, str(exc)) from None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        assert isinstance(request, Request) and isinstance(response, Response)  # no websockets served
        return Context(
            store=request.app.state.store,
            settings=self.settings,
            scopes=frozenset(request.auth.scopes),
            metrics=self.metrics,
            request=request,
            response=response,
        )

    def encode_json(self, data: object) -> bytes:
        try:
            return orjson.dumps(data, default=_mapping_as_dict)
        except orjson.JSONEncodeError:  # what orjson refuses (integers beyond 64 bits) json writes
            return json.dumps(data, separators=(",", ":"), default=_mapping_as_dict).encode()


def _mapping_as_dict(value: Any) -> dict[str, Any]:
    """A node's metadata is any ``Mapping``; JSON scalars hand it out as it is."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
