"""Which running server holds an embedded store: a small record beside the store's directory.

An embedded store is owned by one process (LadybugDB locks its directory), so while ``lineage serve``
holds it, any other ``lineage`` command on it goes through that server instead. The server writes
``<dir>.server.json`` (its URL and process id) once it listens, and removes it when it stops. A record
whose process is gone (the server was killed) is stale: it is ignored and removed.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from lineage.store.registry import embedded_path


@dataclass(frozen=True)
class ServerRecord:
    """A server that holds an embedded store: where it listens, and its process."""

    url: str
    pid: int

    def write(self, path: Path) -> None:
        """Write the record whole (beside, then renamed), readable by its owner only."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(asdict(self)) + "\n", encoding="utf-8")
        partial.chmod(0o600)
        os.replace(partial, path)


def record_path(store_url: str) -> Path | None:
    """Where the record of a server holding this store lives; None when the store is not embedded."""
    directory = embedded_path(store_url)
    return None if directory is None else directory.with_name(f"{directory.name}.server.json")


def holding_server(store_url: str) -> ServerRecord | None:
    """The live server that holds this embedded store, if any. A stale record is removed."""
    path = record_path(store_url)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        record = ServerRecord(url=str(data["url"]), pid=int(data["pid"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # unreadable or half-written by something else: not a server to go through
    if not _alive(record.pid):
        path.unlink(missing_ok=True)
        return None
    return record


def release(store_url: str) -> None:
    """Remove this process's record of the store, and only its own."""
    path = record_path(store_url)
    if path is not None and (held := holding_server(store_url)) is not None and held.pid == os.getpid():
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False  # 0 and negative ids name process groups, not a server
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether the process has ended but not yet been reaped (on Linux; elsewhere, no way to tell)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
