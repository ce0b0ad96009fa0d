"""The embedded backend: LadybugDB (the maintained fork of Kuzu), in-process, in a directory on disk."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import ladybug
import pyarrow

from lineage import cypher
from lineage.errors import InvalidInput, ReadOnlyViolation, StoreUnavailable
from lineage.model import WriteResult
from lineage.query import MAX_DEPTH
from lineage.store._ladybug_reads import prepare_read
from lineage.store._predictions import KIND, NotAllNew, PredictionColumns
from lineage.store._rows import Row, Tx, chunks
from lineage.store._writer import CONTENT, RUN_CONTENT, load_records
from lineage.store.base import LineageStore, PlanStep, RawResult

T = TypeVar("T")

# From how many rows an answer is read by column: making an Arrow table costs ~0.15 ms, more than
# reading a few rows one by one.
COLUMNAR_FROM = 100

SCHEMA_VERSION = 4


class LadybugStore(LineageStore):
    """A lineage graph in a LadybugDB directory.

    One process owns the directory at a time (LadybugDB locks it). Inside the process, each thread gets
    its own connection so reads run side by side, and writes take turns behind one lock, because
    LadybugDB allows a single write transaction at a time.

    With ``query_timeout`` set, a statement that runs longer is interrupted (the engine checks between
    steps of its plan, so a long step can overrun), and a write gives up waiting for its turn after as
    long: either way the caller learns that the store is not keeping up (StoreUnavailable) rather than
    waiting without end.
    """

    backend = "ladybug"
    write_chunk = 50_000  # a COPY takes them all at once (see _create)
    # A list of keys is joined by hash at 1.5-2 ms on a 100k-node graph, growing with it; a key alone is
    # a primary-key seek, 0.15-0.2 ms (name_versions.ladybug.cypher), so up to 8 keys, one at a time is
    # cheaper (measured).
    lookups_one_by_one = 8

    def __init__(self, *, path: Path, query_timeout: float | None = None) -> None:
        self.directory = path
        self._query_timeout = query_timeout
        self.url = f"ladybug://{path}"
        self._wal = path.with_name(f"{path.name}.wal")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Checkpoints are ours (see _checkpoint): left to the engine, one ran at nearly every
            # commit of a bulk write and cost more than the write.
            self._db = ladybug.Database(str(path), auto_checkpoint=False)
        except (RuntimeError, OSError) as exc:
            raise StoreUnavailable(f"cannot open the embedded store at {path}: {_first_line(exc)}") from None
        self._local = threading.local()
        self._deadlines = Deadlines(query_timeout) if query_timeout is not None else None
        self._write_lock = threading.Lock()
        self._connections: list[ladybug.Connection] = []
        for statement in cypher.statements("schema", self.backend):
            self._connection().execute(statement)
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a store written by an earlier release to the current layout, once. Version 2 added the
        Name nodes; version 3 links the versions that writes through a server left without one (the
        server's store skipped that step until 3). Either way: every node without a Name link gets one
        (a new store takes the same path with nothing to link). Version 4 links each run to its parent
        run (PARENT), so a run's children are found from its key."""
        found = self._read(self._q("schema_version"), {})
        version = found[0]["version"] if found else 0
        if version >= SCHEMA_VERSION:
            return

        def index_names(tx: Tx) -> None:
            if version < 3:
                self._on_new_nodes(tx, tx(self._q("unnamed_nodes"), {}))
            self._on_parents(tx, tx(self._q("runs_with_parent"), {}))
            tx(self._q("set_schema_version"), {"version": SCHEMA_VERSION})

        self._write(index_names)

    def _on_parents(self, tx: Tx, rows: Sequence[Row]) -> None:
        """Link each run to its parent run: LadybugDB indexes only primary keys, so a run's children
        are found through these links from the parent's key."""
        for chunk in chunks(list(rows)):
            tx(self._q("link_parents"), {"rows": chunk})

    def _on_new_nodes(self, tx: Tx, rows: Sequence[Row]) -> None:
        """Link new versions from their Name nodes, creating the names not seen before."""
        keys = [f"{row['kind']}:{row['name']}" for row in rows]
        self._create_names(tx, list(dict.fromkeys(keys)))
        links = [{"key": key, "uid": row["uid"]} for key, row in zip(keys, rows, strict=True)]
        for link_chunk in chunks(links, self.write_chunk):
            self._create(tx, "link_versions", link_chunk)

    def _create_names(self, tx: Tx, keys: list[str]) -> None:
        """Create the Name nodes among ``keys`` ("kind:name") that do not exist yet."""
        existing = {
            found["key"] for chunk in chunks(keys) for found in tx(self._q("names_by_key"), {"keys": chunk})
        }
        for chunk in chunks([key for key in keys if key not in existing]):
            tx(self._q("create_names"), {"keys": chunk})

    def _create_predictions(self, tx: Tx, batch: PredictionColumns) -> WriteResult:
        if load_records(tx, self._q, batch.uids):
            raise NotAllNew
        by_name: dict[str, list[int]] = {}
        for i, name in enumerate(batch.names):
            by_name.setdefault(name, []).append(i)
        self._create_names(tx, [f"{KIND}:{name}" for name in by_name])
        columns: dict[str, Sequence[str | None]] = {
            "uid": batch.uids,
            "version": batch.versions,
            "created_at": batch.created_at,
            "metadata": batch.metadata,
            "input_digest": batch.input_digests,
            "output": batch.outputs,
        }
        for name, rows in by_name.items():
            picked = columns if len(by_name) == 1 else {c: [v[i] for i in rows] for c, v in columns.items()}
            table = pyarrow.table({c: pyarrow.array(v, pyarrow.string()) for c, v in picked.items()})
            params = {"key": f"{KIND}:{name}", "name": name, "recorded_at": batch.recorded_at, "rows": table}
            tx(self._q("load_predictions"), params)
        edges = batch.edge_rows()
        for chunk in chunks(edges, self.write_chunk):
            self._create(tx, "create_edges", chunk)
        return WriteResult(created_nodes=len(batch.uids), created_edges=len(edges))

    def _create(self, tx: Tx, query: str, rows: list[Row]) -> None:
        """Chunks of COPY_MIN_ROWS or more go in by ``COPY FROM`` an Arrow table: LadybugDB's bulk path
        is ~5x faster than an UNWIND at 1,000 rows but slower below ~100 (measured), so small chunks (one
        OpenLineage event) keep the UNWIND query. Nodes, runs and VERSION links, which COPY cannot roll
        back safely, go in by ``LOAD FROM`` the Arrow table instead (3-10x faster than UNWIND)."""
        if len(rows) >= COPY_MIN_ROWS and query in _COPIES:
            table, columns = _COPIES[query]
            tx(f"COPY {table} FROM $rows", {"rows": arrow_table(rows, columns)})
        elif len(rows) >= COPY_MIN_ROWS and query in _LOADS:
            load, columns = _LOADS[query]
            tx(self._q(load), {"rows": arrow_table(rows, columns)})
        elif query in _NAMING_GIVEN_FIELDS:
            self._naming_given_fields(tx, query, rows)
        else:
            super()._create(tx, query, rows)

    def _naming_given_fields(self, tx: Tx, query: str, rows: list[Row]) -> None:
        """Run a query whose statement names only the fields its rows give (not null), one statement for
        each set of fields given: LadybugDB writes every property a statement names, null or not, at
        about the same cost. Rows of update_runs give a run's uid and the fields it changes."""
        allowed = _NAMING_GIVEN_FIELDS[query]
        by_fields: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for row in rows:
            flat = {"uid": row["uid"], **row["changes"]} if query == "update_runs" else row
            given = {field: value for field, value in flat.items() if value is not None}
            by_fields[tuple(given)].append(given)
        for fields, group in by_fields.items():
            if not set(fields) <= allowed:  # field names become Cypher text: only the table's own
                raise ValueError(f"{query} cannot name {sorted(set(fields) - allowed)}")
            properties = "{" + ", ".join(f"{field}: r.{field}" for field in fields) + "}"
            assignments = ", ".join(f"x.{field} = r.{field}" for field in fields if field != "uid")
            text = self._q(query).replace("{properties}", properties).replace("{assignments}", assignments)
            tx(text, {"rows": group})

    def _connection(self) -> ladybug.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
            # The default bound (30) is below the depth cap; a traversal looks one hop past its depth.
            conn.execute(f"CALL var_length_extend_max_depth={MAX_DEPTH + 1}")
            self._connections.append(conn)
        return conn

    def _execute(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        conn = self._connection()
        try:
            if self._deadlines is None:
                result = conn.execute(query, dict(params))
            else:
                with self._deadlines.watching(conn):
                    result = conn.execute(query, dict(params))
        except RuntimeError as exc:
            raise _translate(exc, overrun=self._overrun) from None
        assert isinstance(result, ladybug.QueryResult), "the store's queries are one statement each"
        # The store's own queries return plain columns (a whole node value costs twice as much to
        # return), so rows need no conversion beyond naming their values.
        columns = result.get_column_names()
        try:
            if result.get_num_tuples() >= COLUMNAR_FROM:
                return [dict(zip(columns, row, strict=True)) for row in _by_column(result)]
            # Read from the binding's result directly: the public iterator adds three Python calls a
            # row, a sixth of a large traversal's time before answers were read by column.
            rows = result._query_result
            found = []
            while rows.hasNext():
                found.append(dict(zip(columns, rows.getNext(), strict=True)))
            return found
        finally:
            result.close()

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._execute(query, params)

    def _overrun(self, what: str) -> StoreUnavailable:
        return StoreUnavailable(f"the embedded store did not answer within {self._query_timeout} s: {what}")

    @contextlib.contextmanager
    def _turn_to_write(self) -> Iterator[None]:
        if not self._write_lock.acquire(timeout=-1 if self._query_timeout is None else self._query_timeout):
            raise self._overrun("another write held it")
        try:
            yield
        finally:
            self._write_lock.release()

    def _write(self, work: Callable[[Tx], T]) -> T:
        with self._turn_to_write():
            self._execute("BEGIN TRANSACTION", {})
            try:
                result = work(self._execute)
            except BaseException:
                self._rollback()
                raise
            self._execute("COMMIT", {})
            self._checkpoint()
            return result

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the database once it has grown past CHECKPOINT_BYTES. A
        checkpoint costs about the same for one commit's changes as for many, so taking it every few
        hundred megabytes of log keeps its cost per write small; a crash replays the log, as before."""
        try:
            size = self._wal.stat().st_size
        except FileNotFoundError:
            return
        if size > CHECKPOINT_BYTES:
            self._execute("CHECKPOINT", {})

    def _rollback(self) -> None:
        # LadybugDB already rolls back a transaction in which a statement failed.
        with contextlib.suppress(RuntimeError):
            self._connection().execute("ROLLBACK")

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        conn = self._connection()
        # The read-only transaction is the second wall: prepare_read has the engine refuse what does more
        # than read before anything runs, and the engine refuses a write in this transaction regardless.
        conn.execute("BEGIN TRANSACTION READ ONLY")
        conn.set_query_timeout(int(timeout * 1000))
        try:
            result = conn.execute(prepare_read(conn, text, params), dict(params))
            assert isinstance(result, ladybug.QueryResult), "a prepared statement is one statement"
            columns = result.get_column_names()
            rows: list[Row] = []
            while result.has_next() and len(rows) <= limit:
                rows.append(dict(zip(columns, map(plain, result.get_next()), strict=True)))
        except RuntimeError as exc:
            # Whatever else the engine says of a user's query is about that query, never a crash.
            error = _translate(exc)
            raise (InvalidInput(f"Cypher error: {_first_line(exc)}") if error is exc else error) from None
        finally:
            conn.set_query_timeout(0)  # the store's own statements are watched by _deadlines instead
            self._rollback()
        return RawResult(columns=columns, rows=rows[:limit], truncated=len(rows) > limit)

    def _profile(self, query: str, params: Mapping[str, Any]) -> list[PlanStep]:
        def profiled(tx: Tx) -> list[PlanStep]:
            (row,) = tx(f"PROFILE {query}", params)
            raise _RolledBack(_plan_steps(next(iter(row.values()))))

        try:
            self._write(profiled)
        except _RolledBack as done:
            return done.steps
        raise AssertionError("unreachable: the profiled transaction always rolls back")

    def close(self) -> None:
        if self._deadlines is not None:
            self._deadlines.close()
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        self._db.close()


class Deadlines:
    """Interrupts a statement that runs past ``seconds``. LadybugDB's own query timeout costs every
    statement ~0.3 ms however short (an OpenLineage event of 15 statements took 11.5 ms with it and 7
    without), so the store keeps the deadlines: each statement registers its connection for as long as
    it runs, and one thread wakes at the earliest deadline and interrupts that connection (woken by a
    statement only when it has none to wait for: a wake-up per statement cost ~1 ms an event). An
    interrupt that arrives after the statement has ended does nothing (the engine clears it at the
    next)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._running: dict[int, tuple[float, ladybug.Connection]] = {}
        self._changed = threading.Condition()
        self._closed = False
        self._idle = False  # the watcher waits for a first statement, not for a deadline
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def watching(self, conn: ladybug.Connection) -> Iterator[None]:
        """Interrupt ``conn`` if the statement run inside this block outlasts the deadline."""
        token = threading.get_ident()
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="ladybug-deadlines", daemon=True)
                self._thread.start()
            self._running[token] = (time.monotonic() + self._seconds, conn)
            if self._idle:  # else it already waits for an earlier deadline: every one is as far off
                self._changed.notify()
        try:
            yield
        finally:
            with self._changed:
                self._running.pop(token, None)

    def _watch(self) -> None:
        with self._changed:
            while not self._closed:
                if not self._running:
                    self._idle = True
                    self._changed.wait()
                    self._idle = False
                    continue
                token, (deadline, conn) = min(self._running.items(), key=lambda item: item[1][0])
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._changed.wait(wait)
                    continue
                del self._running[token]  # interrupted once; its statement ends with an error
                conn.interrupt()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify()


_OPERATOR = re.compile(r"([A-Z_]+)\[\d+\]")
_ROWS = re.compile(r"NumOutputTuples: (\d+)")


def _plan_steps(text: str) -> list[PlanStep]:
    """The operators of a profile. The profiler draws the plan as a tree of boxes, siblings side by
    side, so a box's row count belongs to the operator named nearest above it in the same column."""
    steps = []
    named: list[tuple[int, str]] = []
    for line in text.splitlines():
        if found := list(_OPERATOR.finditer(line)):
            named = [((m.start() + m.end()) // 2, m.group(1)) for m in found]
        for m in _ROWS.finditer(line):
            middle = (m.start() + m.end()) // 2
            _, operator = min(named, key=lambda item: abs(item[0] - middle))
            steps.append(PlanStep(operator, int(m.group(1))))
    return steps


class _RolledBack(Exception):
    """Carries a profile out of the transaction it rolls back."""

    def __init__(self, steps: list[PlanStep]) -> None:
        self.steps = steps


COPY_MIN_ROWS = 100
CHECKPOINT_BYTES = 256 * 1024 * 1024
# For each create query that may go in by COPY: the table it fills and, in the table's column order,
# the row field of each column (a relationship's first two columns are the keys of its two ends).
# Not nodes, runs or VERSION links: LadybugDB 0.22 corrupts its heap when a transaction that copied into
# a node table, or into VERSION after creating its Name nodes, is rolled back (the process aborts at a
# later allocation or at close; the bulk case of test_a_failure_midway_through_writing_rolls_everything_back
# caught it). The DERIVED_FROM, USED and PRODUCED links, the bulk of a lineage graph, roll back cleanly.
_COPIES: dict[str, tuple[str, dict[str, str]]] = {
    "create_edges": (
        "DERIVED_FROM",
        {"from": "source", "to": "target", "run": "run", "recorded_at": "recorded_at"},
    ),
    "link_inputs": ("USED", {"from": "run", "to": "uid", "recorded_at": "recorded_at"}),
    "link_outputs": ("PRODUCED", {"from": "run", "to": "uid", "recorded_at": "recorded_at"}),
}

_NODE_FIELDS = ("uid", *CONTENT, "recorded_at")
_RUN_FIELDS = ("uid", *RUN_CONTENT, "recorded_at")
# The queries whose statement names only the fields its rows give (_naming_given_fields), and the
# columns each may name.
_NAMING_GIVEN_FIELDS = {
    "create_nodes": frozenset(_NODE_FIELDS),
    "create_runs": frozenset(_RUN_FIELDS),
    "update_runs": frozenset(_RUN_FIELDS),
}

# The create queries that have a LOAD FROM form for large chunks, where COPY is unsafe (above): the
# query that reads an Arrow table, and its columns.
_LOADS: dict[str, tuple[str, dict[str, str]]] = {
    "create_nodes": ("load_nodes", {field: field for field in _NODE_FIELDS}),
    "create_runs": ("load_runs", {field: field for field in _RUN_FIELDS}),
    "link_versions": ("load_versions", {"key": "key", "uid": "uid"}),
}
# The columns that are not text (Run.code_dirty is BOOLEAN).
_ARROW_TYPES = {"code_dirty": pyarrow.bool_()}


def arrow_table(rows: Sequence[Row], columns: Mapping[str, str]) -> pyarrow.Table:
    """The rows as an Arrow table, its columns named as the statement reads them. Their types are given,
    not inferred: a column with no value in any row would otherwise have no type to cast. Arrow reads
    the rows in one pass of its own, as a struct array: 1.4-1.8x as fast as a Python list per column
    on the bench's chunks. Arrow would take a missing field for null, so the first row is checked: the
    rows of one table are built alike."""
    if rows and (missing := [f for f in columns.values() if f not in rows[0]]):
        raise KeyError(f"rows for an Arrow table lack {missing}")
    struct = pyarrow.struct([(f, _ARROW_TYPES.get(c, pyarrow.string())) for c, f in columns.items()])
    return pyarrow.Table.from_struct_array(pyarrow.array(rows, struct)).rename_columns(list(columns))


def plain(value: Any) -> Any:
    """LadybugDB returns nodes and relationships as dicts with internal ``_ID``/``_LABEL`` keys; the
    contract wants their properties only."""
    if isinstance(value, dict):
        return {k: plain(v) if isinstance(v, dict | list) else v for k, v in value.items() if k[0] != "_"}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _translate(exc: RuntimeError, *, overrun: Callable[[str], Exception] | None = None) -> Exception:
    """The store's error for an engine error. ``overrun`` makes the error of a query that ran out of time;
    without it (a user's raw query and its own limit) that is the user's answer."""
    message = _first_line(exc)
    if "read-only transaction" in message:
        return ReadOnlyViolation(f"refused: the query writes, and raw Cypher is read-only ({message})")
    if "interrupted" in message.lower() or "timeout" in message.lower():
        return InvalidInput(f"query timed out: {message}") if overrun is None else overrun(message)
    if message.startswith(("Parser exception", "Binder exception", "Catalog exception")):
        return InvalidInput(f"Cypher error: {message}")
    return exc


def _by_column(result: ladybug.QueryResult) -> list[Sequence[Any]]:
    """A large answer's rows, converted a column at a time from Arrow: C++ work, where reading a row
    at a time builds each row in Python (the 6,279 edges of the bench's downstream traversal: 30 ms
    against 50). Plain values (text, numbers, lists of them) come out the same either way."""
    table = result.get_as_arrow(chunk_size=result.get_num_tuples())
    return list(zip(*(column.to_pylist() for column in table.columns), strict=True))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
