"""Folders kept at the top of the repository, where reviewers read them, that wheels carry inside the
package (``force-include`` in pyproject.toml): the Cypher and the GraphQL example queries."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).parent


def shipped_folder(packaged: str, source: str) -> Path:
    """``lineage/<packaged>`` in an installed wheel, else ``<source>`` at the top of a source checkout."""
    inside = _PACKAGE / packaged
    return inside if inside.is_dir() else _PACKAGE.parent / source
