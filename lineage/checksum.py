"""Content digests of files and directories, streamed so a multi-GB file never sits in memory.

A directory's digest follows DVC: hash every file, then hash the sorted manifest of relative paths and
file digests. Renaming a file inside changes the digest; touching its mtime does not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK_SIZE = 1024 * 1024


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_SIZE):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def checksum(path: str | Path) -> str:
    """The digest of a file, or of a directory tree as ``sha256:<hex>.dir``."""
    root = Path(path)
    if root.is_file():
        return file_digest(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no file or directory at {root}")
    manifest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        manifest.update(f"{file.relative_to(root).as_posix()}\t{file_digest(file)}\n".encode())
    return f"sha256:{manifest.hexdigest()}.dir"
