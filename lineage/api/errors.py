"""Every GraphQL error carries ``extensions.code``; a few also set the HTTP status of the response.

The store's errors are the user's answer, labelled by the one table of ``lineage.errors.ERRORS``
(BAD_USER_INPUT, NOT_FOUND, CONFLICT, ...). STORE_UNAVAILABLE turns the response into a 503 and
FORBIDDEN into a 403, so a client or a load balancer sees them
without reading the body. Anything else is a bug: logged with its traceback, and shown to the client
only as INTERNAL_SERVER_ERROR, since its message may hold internals.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import JSONResponse
from strawberry.extensions import SchemaExtension

from lineage.errors import ERRORS, LineageError, classify

# A GraphQL answer is a 200 with its errors in the body, except where no part of it could be answered:
# the store is down (503) or the caller may not do this (403).
RESPONSE_STATUSES = frozenset({503, 403})
HTTP_STATUS = {entry.code: entry.status for entry in ERRORS if entry.status in RESPONSE_STATUSES}
INTERNAL = "INTERNAL_SERVER_ERROR"


def error_response(
    request: Request, error: LineageError, *, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    """A JSON route's answer to a user's error: ``{"error": message, **extra}`` with the table's status
    and ``headers``, and ``Retry-After`` on a 503."""
    entry = classify(error)
    status = entry.status if entry else 500
    sent = dict(headers or {})
    if status == 503:
        sent["Retry-After"] = request.app.state.settings.retry_after
    return JSONResponse({"error": str(error), **extra}, status_code=status, headers=sent)


def code_of(error: GraphQLError) -> str:
    given = (error.extensions or {}).get("code")
    if isinstance(given, str):
        return given
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own errors: syntax, validation (query depth, tokens, aliases), variable values
        return "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT"
    entry = classify(original)
    return entry.code if entry else INTERNAL


class ErrorCodes(SchemaExtension):
    """Labels the errors of an operation once it is done, and sets the HTTP status they call for."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result_errors = getattr(context.result, "errors", None) or []
        errors = {id(e): e for e in (*(context.pre_execution_errors or []), *result_errors)}.values()
        statuses = []
        for error in errors:
            code = code_of(error)
            error.extensions = {**(error.extensions or {}), "code": code}
            if code == INTERNAL:
                error.message = "internal error: the server log has the details"
            if code in HTTP_STATUS:
                statuses.append(HTTP_STATUS[code])
        response = getattr(context.context, "response", None)
        if statuses and response is not None:
            response.status_code = max(statuses)
            if response.status_code == 503:
                response.headers["Retry-After"] = context.context.settings.retry_after
