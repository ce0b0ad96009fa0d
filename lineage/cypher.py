"""Loads the Cypher the stores run, one file per query, by name.

A backend looks for ``<name>.<backend>.cypher`` first and falls back to the shared ``<name>.cypher``, so
a dialect difference is a file beside the shared one, never an ``if`` in Python.

One difference is handled in the loader instead: Neo4j planner hints. Neo4j caches a query's plan and
replans only when its statistics drift and ten seconds have passed, so a plan made while the uid index
still looked empty (right after start-up or a first import) can scan the index once per UNWIND row,
~25x slower, for as long as the server runs. A ``USING INDEX SEEK`` line pins the seek; it means nothing
to LadybugDB, which plans by primary key anyway, so other backends get the file without those lines
rather than a copy of every query.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lineage.shipped import shipped_folder

_NEO4J_HINT = "USING INDEX"


def _directory() -> Path:
    return shipped_folder("_cypher", "cypher")


@cache
def load(name: str, backend: str) -> str:
    """The text of query ``name`` for ``backend``. Raises FileNotFoundError for an unknown name."""
    for candidate in (f"{name}.{backend}.cypher", f"{name}.cypher"):
        path = _directory() / candidate
        if path.is_file():
            return _for_backend(path.read_text(encoding="utf-8"), backend)
    raise FileNotFoundError(f"no Cypher query named {name!r} for backend {backend!r} in {_directory()}")


def statements(name: str, backend: str) -> list[str]:
    """A file of several statements (a schema), split on the ``;`` that ends each."""
    return [s.strip() for s in load(name, backend).split(";") if s.strip()]


def _for_backend(text: str, backend: str) -> str:
    """The query without comment lines, and without Neo4j planner hints for other backends."""
    dropped = ("//",) if backend == "neo4j" else ("//", _NEO4J_HINT)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(dropped)).strip()
