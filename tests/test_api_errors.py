"""Every GraphQL error gets a code; a bug's message stays in the server log, not in the answer."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeVar

import pytest
import strawberry
from graphql import GraphQLError

from lineage.api.app import create_app
from lineage.api.errors import ErrorCodes, code_of
from lineage.api.schema import LineageSchema
from lineage.errors import (
    ERRORS,
    Conflict,
    ErrorClass,
    InvalidInput,
    LineageError,
    NotFound,
    ReadOnlyViolation,
    StoreUnavailable,
)
from lineage.model import Subgraph
from lineage.remote import Server
from lineage.store import open_store
from lineage.store.base import LineageStore, Transaction
from lineage.store.delegating import DelegatingStore
from tests.api_support import local_client, serving
from tests.test_openlineage_events import run_event

T = TypeVar("T")


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


# --- one table for every surface ----------------------------------------------------------------------


class Refusing(DelegatingStore):
    """An embedded store whose traversals and write transactions fail with one error, as a store's do."""

    def __init__(self, inner: LineageStore, error: LineageError) -> None:
        self.inner, self.error = inner, error
        self.url, self.backend = inner.url, inner.backend  # type: ignore[misc]

    def _target(self) -> LineageStore:
        return self.inner

    def _call(self, use: Callable[[LineageStore], T]) -> T:
        return use(self.inner)

    def upstream(self, uid: str, **options: Any) -> Subgraph:
        raise self.error

    def transaction(self, work: Callable[[Transaction], T]) -> T:
        raise self.error

    def close(self) -> None:
        """The test closes the store it opened."""


@pytest.mark.parametrize("entry", ERRORS, ids=lambda e: e.code)
def test_an_error_gets_the_same_label_from_graphql_the_json_routes_the_pages_and_the_client(
    entry: ErrorClass, tmp_path: Path
) -> None:
    with open_store(f"ladybug://{tmp_path / 'graph'}") as inner:
        refusing = Refusing(inner, entry.error("the reason"))
        with local_client(create_app(store=refusing)) as client:
            answer = client.post("/graphql", json={"query": '{ upstream(uid: "model:m@1") { truncated } }'})
            page = client.get("/graph/model:credit_limit_model@2?direction=upstream")
            event = client.post("/api/v1/lineage", json=run_event(str(uuid.uuid4())))
        served = serving(create_app(store=refusing))  # an app's lifespan runs once
        with served as url, Server(url) as server, pytest.raises(entry.error, match="the reason"):
            server.graphql('{ upstream(uid: "model:m@1") { truncated } }')
    assert answer.json()["errors"][0]["extensions"]["code"] == entry.code
    assert answer.status_code == (entry.status if entry.status in (403, 503) else 200)  # GraphQL's way
    assert (page.status_code, event.status_code) == (entry.status, entry.status)
    assert f"<h1>{HTTPStatus(entry.status).phrase}</h1>" in page.text
    assert event.json() == {"error": "the reason", "field": None}
    if entry.status == 503:
        assert page.headers["Retry-After"] == event.headers["Retry-After"] == answer.headers["Retry-After"]
