"""Every GraphQL error carries ``extensions.code``; a few also set the HTTP status of the response.

The store's errors are the user's answer (BAD_USER_INPUT, NOT_FOUND, CONFLICT). STORE_UNAVAILABLE
turns the response into a 503 and FORBIDDEN into a 403, so a client or a load balancer sees them
without reading the body. Anything else is a bug: logged with its traceback, and shown to the client
only as INTERNAL_SERVER_ERROR, since its message may hold internals.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from lineage.errors import Conflict, InvalidInput, NotFound, ReadOnlyViolation, StoreUnavailable

CODES: tuple[tuple[type[Exception], str], ...] = (
    (StoreUnavailable, "STORE_UNAVAILABLE"),
    (InvalidInput, "BAD_USER_INPUT"),
    (NotFound, "NOT_FOUND"),
    (Conflict, "CONFLICT"),
    (ReadOnlyViolation, "FORBIDDEN"),
)
HTTP_STATUS = {"STORE_UNAVAILABLE": 503, "FORBIDDEN": 403}
INTERNAL = "INTERNAL_SERVER_ERROR"


def code_of(error: GraphQLError) -> str:
    given = (error.extensions or {}).get("code")
    if isinstance(given, str):
        return given
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        # graphql-core's own errors: syntax, validation (query depth, tokens, aliases), variable values
        return "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT"
    for error_class, code in CODES:
        if isinstance(original, error_class):
            return code
    return INTERNAL


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
