"""The GraphQL schema: queries, mutations, scalars, and the limits that stop abusive documents.

``schema`` is built with the default settings, for tools and for the SDL in ``graphql/schema.graphql``
(``python -m lineage.api.schema graphql/schema.graphql`` writes it); an app builds its own schema with
its settings' limits.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext
from strawberry.utils.logging import StrawberryLogger

from lineage.api.errors import INTERNAL, ErrorCodes, code_of
from lineage.api.execution import PlainFieldsExecutor
from lineage.api.metrics import OperationMetrics
from lineage.api.mutations import Mutation
from lineage.api.queries import Query
from lineage.api.scalars import SCALARS
from lineage.api.settings import Settings
from lineage.api.store_queries import StoreQuery


class LineageSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log only the errors that are bugs: a NOT_FOUND is an answer, not an incident."""
        for error in errors:
            if code_of(error) == INTERNAL:
                StrawberryLogger.error(error, execution_context)


def build_schema(settings: Settings) -> LineageSchema:
    # The limits' rule classes are made once, here: strawberry's limiters make new classes for every
    # operation, and the validation cache's key holds the rules, so it would never hit. Parsing and
    # validating a repeated query (a dashboard, a script, the pages) then costs a dictionary look-up.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    # Factories, not instances: strawberry builds fresh extensions for every operation.
    extensions: Iterable[Any] = (
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        ParserCache,
        ValidationCache,
        ErrorCodes,
        OperationMetrics,
    )
    return LineageSchema(
        query=merge_types("Query", (Query, StoreQuery)),
        mutation=Mutation,
        extensions=list(extensions),
        execution_context_class=PlainFieldsExecutor,
        config=StrawberryConfig(scalar_map=SCALARS),
    )


schema = build_schema(Settings())


def export_sdl() -> str:
    """The SDL of the schema, as ``graphql/schema.graphql`` holds it."""
    return print_schema(schema) + "\n"


if __name__ == "__main__":
    # python -m lineage.api.schema graphql/schema.graphql (strawberry's own exporter needs typer)
    Path(sys.argv[1]).write_text(export_sdl(), encoding="utf-8")
