"""The bulk completion of plain fields (``lineage.api.execution``) gives graphql-core's own answers.

Every query runs twice, through the app's schema and through the same schema with graphql-core's
executor, and the answers must be the same to the byte: data, key order, errors and their paths. A toy
schema feeds it the values graphql-core refuses, which must come out as graphql-core reports them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from enum import Enum
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from lineage.api.auth import READ
from lineage.api.context import Context
from lineage.api.execution import PlainFieldsExecutor
from lineage.api.metrics import Metrics
from lineage.api.schema import build_schema
from lineage.api.settings import Settings
from lineage.store import LineageStore

SETTINGS = Settings()
MODEL = "model:credit_limit_model@2"

QUERIES = {
    "plain fields, aliases, __typename, a fragment and directives": """
        query Q($uid: ID!, $skip: Boolean!) {
          upstream(uid: $uid) {
            __typename
            truncated
            root { uid kind }
            nodes { ...Fields id: uid kind @skip(if: $skip) n: name __typename }
            edges { source target run recordedAt __typename }
          }
        }
        fragment Fields on LineageNode {
          uid kind name version checksum recordedAt createdAt owner source description metadata
          inputDigest output
        }""",
    "nested plain fields, fetched and completed in bulk": """
        query Q($uid: ID!) {
          upstream(uid: $uid) {
            nodes {
              uid
              run: producedBy { uid name codeVersion codeDirty parameters status startedAt __typename }
              kind
              versions { uid version recordedAt kind }
              name
            }
          }
        }""",
    "nested fields, fetched in bulk": """
        query Q($uid: ID!) {
          upstream(uid: $uid, kinds: [MODEL, FEATURE]) {
            nodes {
              uid
              producedBy { uid name codeVersion codeDirty parameters environment startedAt endedAt
                           status user parentUid recordedAt inputUids outputUids
                           inputs { uid kind } parent { uid } }
              kind
              versions { uid version recordedAt }
              name
            }
          }
        }""",
    "nested fields through the DataLoaders, a node's own traversal": """
        query Q($uid: ID!) {
          node(uid: $uid) {
            uid producedBy { uid outputs { uid versions { uid } } } versions { uid kind }
            downstream(depth: 2) { nodes { uid kind } edges { source target } }
          }
          nodes(first: 5) {
            totalCount edges { cursor node { uid kind producedBy { uid } } } pageInfo { hasNextPage }
          }
        }""",
    "impact, audit and path": """
        query Q($uid: ID!) {
          impact(uid: "dataset:customer_data@2026-01") {
            root { uid kind } total byKind { kind count nodes { depth node { uid kind metadata } } }
          }
          audit(predictionUid: "prediction:credit_offer@c-1002-g2") {
            prediction { uid kind } madeBy { uid } inputs { uid } chained { uid } reproducible gaps
            models { model { uid } trainedOn { uid kind } superseded { node { uid } latest { uid } } }
          }
          path(fromUid: "dataset:customer_data@2026-04", toUid: $uid) { uid kind }
        }""",
    "errors: an unknown node, a malformed uid": """
        query Q($uid: ID!) {
          node(uid: "model:nothing@1") { uid }
          ok: node(uid: $uid) { uid kind }
          bad: node(uid: "no uid") { uid }
        }""",
}


def with_graphql_cores_executor(schema: strawberry.Schema) -> strawberry.Schema:
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    return schema


def answer(schema: strawberry.Schema, query: str, context: Any = None, **variables: Any) -> str:
    """The answer as the response holds it: data and errors, in order."""
    result = asyncio.run(schema.execute(query, variable_values=variables, context_value=context))
    errors = [{"message": e.message, "path": e.path} for e in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors})


@pytest.fixture
def contexts(demo_store: LineageStore) -> Iterator[Callable[[], Context]]:
    yield lambda: Context(store=demo_store, settings=SETTINGS, scopes=frozenset({READ}), metrics=Metrics())


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_the_lineage_schema_answers_as_graphql_core_does(contexts: Callable[[], Context], query: str) -> None:
    ours, reference = build_schema(SETTINGS), with_graphql_cores_executor(build_schema(SETTINGS))
    for skip in (False, True):
        variables = {"uid": MODEL, "skip": skip} if "$skip" in query else {"uid": MODEL}
        expected = answer(reference, query, contexts(), **variables)
        assert answer(ours, query, contexts(), **variables) == expected
        assert '"data": null' not in expected


def test_a_subgraph_s_plain_fields_are_completed_in_bulk(
    contexts: Callable[[], Context], monkeypatch: pytest.MonkeyPatch
) -> None:
    """graphql-core resolves the traversal and the subgraph's object fields, and none of the fields of
    its nodes or edges (nor, prefetched in bulk, their ``producedBy`` and ``versions``)."""
    resolved: list[str] = []
    execute_field = PlainFieldsExecutor.execute_field

    def counting(self: PlainFieldsExecutor, parent_type: Any, *args: Any) -> Any:
        resolved.append(parent_type.name)
        return execute_field(self, parent_type, *args)

    monkeypatch.setattr(PlainFieldsExecutor, "execute_field", counting)
    for query, expected in (
        ("plain fields, aliases, __typename, a fragment and directives", ["Subgraph"] * 3),
        ("nested plain fields, fetched and completed in bulk", ["Subgraph"]),
    ):
        resolved.clear()
        result = answer(build_schema(SETTINGS), QUERIES[query], contexts(), uid=MODEL, skip=False)
        assert len(json.loads(result)["data"]["upstream"]["nodes"]) > 5
        assert sorted(resolved) == ["Query", *expected]


# --- a toy schema, fed what graphql-core refuses ------------------------------------------------------


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str
    label: str | None
    size: int | None
    colour: Colour | None

    @strawberry.field
    def loud(self) -> str:
        if self.name == "boom":
            raise ValueError("loud failed")
        return self.name.upper()


ITEMS: list[Any] = []


@strawberry.type
class ToyQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS

    @strawberry.field
    def maybe_items(self) -> list[Item | None] | None:
        return ITEMS

    @strawberry.field
    def first(self) -> Item | None:
        return ITEMS[0]


def item(name: Any = "a", label: Any = None, size: Any = 1, colour: Any = Colour.RED) -> Any:
    return SimpleNamespace(name=name, label=label, size=size, colour=colour)


CASES = {
    "fine": [item(), item("b", "B", None)],
    "a null in a non-null field": [item(), item(None)],
    "a value String cannot represent": [item(), item(label={"not": "text"})],
    "an Int out of range": [item(size=2**40), item()],
    "a number where String is expected": [item(label=7), item(label=True)],
    "enum members, values and neither": [item(colour="blue"), item(colour=None), item(colour="green")],
    "a resolver that fails": [item(), item("boom")],
    "a null object in the list": [item(), None],
    "an object missing a field": [item(), SimpleNamespace(name="x")],
}
TOY_QUERIES = [
    "{ items { name label size colour __typename } }",
    "{ maybeItems { n: name label size colour } }",
    "{ items { name loud label } }",
    "{ first { name label size colour loud } }",
]


@pytest.mark.parametrize("items", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("query", TOY_QUERIES)
def test_values_graphql_core_refuses_are_reported_as_it_reports_them(
    items: list[Any], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(f"{__name__}.ITEMS", items)
    ours = strawberry.Schema(query=ToyQuery, execution_context_class=PlainFieldsExecutor)
    assert answer(ours, query) == answer(strawberry.Schema(query=ToyQuery), query)


class CountResolves(SchemaExtension):
    calls = 0

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        CountResolves.calls += 1
        return _next(root, info, *args, **kwargs)


def test_an_extension_that_wraps_resolvers_still_sees_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(f"{__name__}.ITEMS", [item(), item("b")])
    counts = []
    for executor in (PlainFieldsExecutor, None):
        CountResolves.calls = 0
        schema = strawberry.Schema(
            query=ToyQuery, extensions=[CountResolves], execution_context_class=executor
        )
        schema.execute_sync("{ items { name label } }")
        counts.append(CountResolves.calls)
    assert counts == [5, 5]
