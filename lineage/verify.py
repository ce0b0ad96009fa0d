"""Check a recipe against the files one has: recompute the checksum of every version it reads or makes
that was recorded with a path, under a root directory, and compare.

Where a version's file is: its metadata ``path`` (what the SDK records for a file input or output), or
else its ``source`` when that is a relative file path (``data/customers.parquet``, ``./model.pkl``: no
URL scheme, and a ``/`` or a leading ``./``); either is taken relative to the root. A recorded path
that is absolute or climbs out of the root (``..``) is not followed: the store is not trusted to name
files outside the directory the user chose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from lineage.checksum import checksum
from lineage.model import Node

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Outcome(StrEnum):
    MATCH = "match"
    DIFFERS = "differs"
    MISSING = "missing"
    NO_CHECKSUM = "no-checksum"
    NO_PATH = "no-path"


@dataclass(frozen=True)
class Check:
    """One version checked: where it was looked for and what was found there."""

    node: Node
    path: str | None
    outcome: Outcome
    found: str | None = None


def recorded_path(node: Node) -> str | None:
    """The file path a version was recorded with, relative to a root, or None (see the module doc)."""
    path = node.metadata.get("path")
    if isinstance(path, str) and path.strip():
        return path
    source = node.source or ""
    if not _SCHEME.match(source) and ("/" in source or source.startswith("./")):
        return source
    return None


def verify(nodes: Iterable[Node], root: Path) -> list[Check]:
    """Check each of ``nodes`` under ``root``, in the order given."""
    return [_check(node, root) for node in nodes]


def _check(node: Node, root: Path) -> Check:
    path = recorded_path(node)
    relative = PurePosixPath(path) if path else None
    if relative is None or relative.is_absolute() or ".." in relative.parts:
        return Check(node=node, path=path, outcome=Outcome.NO_PATH)
    target = root / relative
    if not target.exists():
        return Check(node=node, path=path, outcome=Outcome.MISSING)
    found = checksum(target)
    if not node.checksum:
        return Check(node=node, path=path, outcome=Outcome.NO_CHECKSUM, found=found)
    outcome = Outcome.MATCH if found == node.checksum else Outcome.DIFFERS
    return Check(node=node, path=path, outcome=outcome, found=found)
