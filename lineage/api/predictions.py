"""``POST /api/v1/predictions``: predictions in bulk, the volume path beside ``recordPredictions``.

The body is the mutation's input as plain JSON, ``{"modelUid", "predictions": [{"name", "version",
"inputDigest", "output", "features", "parents", "createdAt", "metadata"}]}``, recorded by the store's
bulk path in one transaction, with the same checks. It skips what makes the mutation slow at volume:
GraphQL's input conversion of every prediction and reading them back for the answer, which here is the
counts ``{"createdNodes", "createdEdges", "unchanged"}``.

Answers: 201 with the counts; 400 ``{"error", "field"}`` for a malformed body (the field's JSON path) or
a prediction the store refuses; 403 for a read-only token; 404 when the model version or a feature or
parent is not recorded; 409 for a prediction recorded before with other content; 413 for a body over the
limit or more than ``Settings.max_predictions`` predictions; 415 when the body is not JSON. Nothing is
written unless everything is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from lineage.api.auth import JSON_TYPES, refuse_write
from lineage.api.errors import error_response
from lineage.api.payload import PayloadError, load_json
from lineage.errors import LineageError
from lineage.model import Prediction


async def post_predictions(request: Request) -> JSONResponse:
    if refused := refuse_write(request, JSON_TYPES, "application/json"):
        return refused
    settings = request.app.state.settings
    try:
        body = _object(load_json(await request.body(), max_depth=settings.max_json_depth), None)
        model_uid = _text(body, "modelUid", "modelUid")
        given = body.get("predictions")
        if not isinstance(given, list) or not given:
            raise PayloadError("predictions", "predictions must be a non-empty list")
        if len(given) > settings.max_predictions:
            return _error(413, f"{len(given)} predictions in one call: at most {settings.max_predictions}")
        predictions = [
            _prediction(_object(p, f"predictions[{i}]"), f"predictions[{i}]") for i, p in enumerate(given)
        ]
    except PayloadError as exc:
        return _error(400, str(exc), field=exc.field)
    try:
        result = await run_in_threadpool(request.app.state.store.record_predictions, model_uid, predictions)
    except LineageError as exc:
        return error_response(request, exc, field=None)
    return JSONResponse(
        {
            "createdNodes": result.created_nodes,
            "createdEdges": result.created_edges,
            "unchanged": result.unchanged,
        },
        status_code=201,
    )


def _prediction(item: Mapping[str, Any], path: str) -> Prediction:
    metadata = item.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise PayloadError(f"{path}.metadata", f"{path}.metadata must be a JSON object")
    if "output" not in item:
        raise PayloadError(f"{path}.output", f"{path}.output is required")
    created_at = item.get("createdAt")
    if created_at is not None and not isinstance(created_at, str):
        raise PayloadError(f"{path}.createdAt", f"{path}.createdAt must be an ISO 8601 time")
    return Prediction(
        name=_text(item, "name", f"{path}.name"),
        version=_text(item, "version", f"{path}.version"),
        input_digest=_text(item, "inputDigest", f"{path}.inputDigest"),
        output=item["output"],
        features=_uids(item, "features", path),
        parents=_uids(item, "parents", path),
        created_at=created_at,
        metadata=metadata or {},
    )


def _uids(item: Mapping[str, Any], key: str, path: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
        raise PayloadError(f"{path}.{key}", f"{path}.{key} must be a list of uids")
    return value


def _object(value: Any, path: str | None) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, f"{path or 'the body'} must be a JSON object")
    return value


def _text(item: Mapping[str, Any], key: str, path: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise PayloadError(path, f"{path} must be a non-empty string")
    return value


def _error(status: int, message: str, *, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "field": field}, status_code=status)
