"""The SDL in graphql/schema.graphql is what clients and reviewers read: it must be the schema served."""

from __future__ import annotations

from pathlib import Path

from lineage.api.schema import export_sdl

SDL = Path(__file__).resolve().parent.parent / "graphql" / "schema.graphql"


def test_the_exported_sdl_matches_the_schema() -> None:
    assert SDL.read_text(encoding="utf-8") == export_sdl(), (
        "graphql/schema.graphql is stale: regenerate it with "
        "`python -m lineage.api.schema graphql/schema.graphql` and review the diff"
    )


def test_graphql_folder_never_shadows_graphql_core() -> None:
    assert not (SDL.parent / "__init__.py").exists()
    import graphql

    assert Path(graphql.__file__).parent != SDL.parent
