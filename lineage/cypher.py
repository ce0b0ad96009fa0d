"""Loads the Cypher the stores run, one file per query, by name.

A backend looks for ``<name>.<backend>.cypher`` first and falls back to the shared ``<name>.cypher``, so
a dialect difference is a file beside the shared one, never an ``if`` in Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGED = Path(__file__).parent / "_cypher"
_SOURCE_TREE = Path(__file__).parent.parent / "cypher"


def _directory() -> Path:
    return _PACKAGED if _PACKAGED.is_dir() else _SOURCE_TREE


@cache
def load(name: str, backend: str) -> str:
    """The text of query ``name`` for ``backend``. Raises FileNotFoundError for an unknown name."""
    for candidate in (f"{name}.{backend}.cypher", f"{name}.cypher"):
        path = _directory() / candidate
        if path.is_file():
            return _strip_comments(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no Cypher query named {name!r} for backend {backend!r} in {_directory()}")


def statements(name: str, backend: str) -> list[str]:
    """A file of several statements (a schema), split on the ``;`` that ends each."""
    return [s.strip() for s in load(name, backend).split(";") if s.strip()]


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).strip()
