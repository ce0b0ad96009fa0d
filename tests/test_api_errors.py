"""Every GraphQL error gets a code; a bug's message stays in the server log, not in the answer."""

from __future__ import annotations

import logging

import pytest
import strawberry
from graphql import GraphQLError

from lineage.api.errors import ErrorCodes, code_of
from lineage.api.schema import LineageSchema
from lineage.errors import Conflict, InvalidInput, NotFound, ReadOnlyViolation, StoreUnavailable


@pytest.mark.parametrize(
    ("original", "code"),
    [
        (InvalidInput("x"), "BAD_USER_INPUT"),
        (NotFound("x"), "NOT_FOUND"),
        (Conflict("x"), "CONFLICT"),
        (StoreUnavailable("x"), "STORE_UNAVAILABLE"),
        (ReadOnlyViolation("x"), "FORBIDDEN"),
        (RuntimeError("x"), "INTERNAL_SERVER_ERROR"),
    ],
)
def test_errors_are_coded_by_what_raised_them(original: Exception, code: str) -> None:
    assert code_of(GraphQLError("x", original_error=original, path=["f"])) == code


def test_graphql_core_errors_are_validation_or_input_errors() -> None:
    assert code_of(GraphQLError("Syntax Error")) == "GRAPHQL_VALIDATION_FAILED"
    assert code_of(GraphQLError("x", extensions={"code": "FORBIDDEN"})) == "FORBIDDEN"


@strawberry.type
class Broken:
    @strawberry.field
    def secret(self) -> str:
        raise RuntimeError("password=hunter2 in a stack somewhere")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("no node model:x@1")


def test_a_bug_is_masked_in_the_answer_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    schema = LineageSchema(query=Broken, extensions=[ErrorCodes])
    with caplog.at_level(logging.ERROR, logger="strawberry.execution"):
        result = schema.execute_sync("{ secret }")
        missing = schema.execute_sync("{ missing }")
    [error] = result.errors or []
    assert error.message == "internal error: the server log has the details"
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" in caplog.text  # the operator sees what happened
    [not_found] = missing.errors or []
    assert (not_found.message, not_found.extensions) == ("no node model:x@1", {"code": "NOT_FOUND"})
    assert "model:x@1" not in caplog.text  # an answer, not an incident
