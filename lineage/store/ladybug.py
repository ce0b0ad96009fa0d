"""The embedded backend: LadybugDB (the maintained fork of Kuzu), in-process, in a directory on disk."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import ladybug

from lineage import cypher
from lineage.errors import InvalidInput, ReadOnlyViolation, StoreUnavailable
from lineage.store.base import MAX_DEPTH, LineageStore, RawResult, Row, Tx

T = TypeVar("T")


class LadybugStore(LineageStore):
    """A lineage graph in a LadybugDB directory.

    One process owns the directory at a time (LadybugDB locks it). Inside the process, each thread gets
    its own connection so reads run side by side, and writes take turns behind one lock, because
    LadybugDB allows a single write transaction at a time.
    """

    backend = "ladybug"

    def __init__(self, *, path: Path) -> None:
        self.directory = path
        self.url = f"ladybug://{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = ladybug.Database(str(path))
        except (RuntimeError, OSError) as exc:
            raise StoreUnavailable(f"cannot open the embedded store at {path}: {_first_line(exc)}") from None
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connections: list[ladybug.Connection] = []
        for statement in cypher.statements("schema", self.backend):
            self._connection().execute(statement)
        self._index_names()

    def _index_names(self) -> None:
        """Give a store written before Name nodes existed its Name nodes, once."""
        if self._read(self._q("first_name"), {}) or not self._read(self._q("first_node"), {}):
            return
        self._write(lambda tx: tx(self._q("index_names"), {}))

    def _connection(self) -> ladybug.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
            # The default bound (30) is below the depth cap; a traversal looks one hop past its depth.
            conn.execute(f"CALL var_length_extend_max_depth={MAX_DEPTH + 1}")
            self._connections.append(conn)
        return conn

    def _execute(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        try:
            result = self._connection().execute(query, dict(params))
        except RuntimeError as exc:
            raise _translate(exc) from None
        columns = result.get_column_names()
        return [dict(zip(columns, map(plain, row), strict=True)) for row in result.get_all()]

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._execute(query, params)

    def _write(self, work: Callable[[Tx], T]) -> T:
        with self._write_lock:
            self._execute("BEGIN TRANSACTION", {})
            try:
                result = work(self._execute)
            except BaseException:
                self._rollback()
                raise
            self._execute("COMMIT", {})
            return result

    def _rollback(self) -> None:
        # LadybugDB already rolls back a transaction in which a statement failed.
        with contextlib.suppress(RuntimeError):
            self._connection().execute("ROLLBACK")

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        conn = self._connection()
        conn.execute("BEGIN TRANSACTION READ ONLY")
        conn.set_query_timeout(int(timeout * 1000))
        try:
            result = conn.execute(text, dict(params))
            columns = result.get_column_names()
            rows = []
            while result.has_next() and len(rows) <= limit:
                rows.append(dict(zip(columns, map(plain, result.get_next()), strict=True)))
        except RuntimeError as exc:
            raise _translate(exc) from None
        finally:
            conn.set_query_timeout(0)
            self._rollback()
        return RawResult(columns=columns, rows=rows[:limit], truncated=len(rows) > limit)

    def close(self) -> None:
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._db.close()


def plain(value: Any) -> Any:
    """LadybugDB returns nodes and relationships as dicts with internal ``_ID``/``_LABEL`` keys; the
    contract wants their properties only."""
    if isinstance(value, dict):
        return {k: plain(v) if isinstance(v, dict | list) else v for k, v in value.items() if k[0] != "_"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _translate(exc: RuntimeError) -> Exception:
    message = _first_line(exc)
    if "read-only transaction" in message:
        return ReadOnlyViolation(f"refused: the query writes, and raw Cypher is read-only ({message})")
    if "interrupted" in message.lower() or "timeout" in message.lower():
        return InvalidInput(f"query timed out: {message}")
    if message.startswith(("Parser exception", "Binder exception", "Catalog exception")):
        return InvalidInput(f"Cypher error: {message}")
    return exc


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
