"""The Neo4j 5 backend, through the official driver.

One driver for the life of the store; a session per call (sessions are cheap). Reads go through
``execute_read`` so a cluster can serve them from followers; writes through ``execute_write``, whose
function the driver may retry, which is why the batch writer does all its checking inside it.

Every transaction carries the query timeout, which the server enforces; a watchdog on the client gives up
a little later, for a server that is frozen and enforces nothing (see ``lineage.store.timeouts``). Every
error that means "the server is not there" becomes StoreUnavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConnectionPoolError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    NotALeader,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from lineage import cypher
from lineage.errors import Conflict, InvalidInput, ReadOnlyViolation, StoreUnavailable
from lineage.model import WriteResult
from lineage.store._predictions import NotAllNew, PredictionColumns
from lineage.store._rows import Row, Tx, chunks
from lineage.store.base import LineageStore, PlanStep, RawResult
from lineage.store.timeouts import DeadlineExceeded, Timeouts, Watchdog

T = TypeVar("T")
# What a server that is down, stopping, starting, frozen or out of reach raises.
UNAVAILABLE = (
    ServiceUnavailable,
    SessionExpired,
    DatabaseUnavailable,
    NotALeader,
    ConnectionPoolError,
    OSError,
)


class Neo4jStore(LineageStore):
    backend = "neo4j"

    def __init__(
        self, *, uri: str, user: str, password: str, database: str = "neo4j", timeouts: Timeouts | None = None
    ) -> None:
        self.url = f"{uri}?database={database}"
        self.database = database
        self._timeouts = timeouts or Timeouts()
        # As many workers as the driver has connections: beyond that, calls would wait for the pool anyway.
        self._watchdog = Watchdog(workers=100, name="neo4j-call")
        try:
            # Server notices ("constraint already exists", "property run does not exist yet") are noise
            # for queries that are fixed and tested; left on, the driver logs them at every call.
            self._driver = neo4j.GraphDatabase.driver(
                uri,
                auth=(user, password),
                notifications_min_severity="OFF",
                # The driver retries a failing transaction for 30 s by default; an API request should
                # learn of an outage sooner than that: as soon as it would give up connecting.
                max_transaction_retry_time=self._timeouts.connect,
                # A server that accepts connections but never answers (frozen, overloaded) would
                # otherwise hold the first caller for the driver's 30 s, then 60 s in the pool.
                connection_timeout=self._timeouts.connect,
                connection_acquisition_timeout=self._timeouts.connect,
            )
        except (DriverError, ValueError) as exc:
            raise StoreUnavailable(f"invalid Neo4j URL {uri}: {_first_line(exc)}") from None
        try:
            self._driver.verify_connectivity()
        except AuthError as exc:
            self._driver.close()
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials of {user!r}: {exc.message}"
            ) from None
        except (*UNAVAILABLE, DriverError) as exc:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {_first_line(exc)}") from None
        self._columns: dict[str, list[str]] = {}
        self._guarded(self._create_schema)

    def _create_schema(self) -> None:
        """Create the constraints and indexes unless they exist. Several servers or workers starting at
        once all see "not there" and create together; the losers' refusal means it now exists."""
        for statement in cypher.statements("schema", self.backend):
            try:
                self._driver.execute_query(statement, database_=self.database)
            except ClientError as exc:
                if exc.code != _SCHEMA_EXISTS:
                    raise

    def _session(self, access: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=access)

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return self._run(tx, query, params)

        return self._guarded(lambda: self._execute(neo4j.READ_ACCESS, work))

    def _reading(self, work: Callable[[Tx], T]) -> T:
        def transaction(tx: neo4j.ManagedTransaction) -> T:
            return work(lambda query, params: self._run(tx, query, params))

        return self._guarded(lambda: self._execute(neo4j.READ_ACCESS, transaction))

    def _write(self, work: Callable[[Tx], T]) -> T:
        def transaction(tx: neo4j.ManagedTransaction) -> T:
            return work(lambda query, params: self._run(tx, query, params))

        return self._guarded(lambda: self._creating(lambda: self._execute(neo4j.WRITE_ACCESS, transaction)))

    def _creating(self, write: Callable[[], T]) -> T:
        """Run ``write`` again when another transaction created one of its new nodes or runs first.

        Two writers that both read "not stored" both create; the second's create waits for the first
        and then finds its record (see create_nodes.neo4j.cypher). Run again, the second reads what the
        first committed and decides anew: a no-op for equal content, a Conflict for different. Each
        retry follows a commit of another writer, so a few suffice."""
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                return write()
            except _CreatedMeanwhile as exc:
                if attempt == CREATE_ATTEMPTS:
                    raise Conflict(
                        f"other clients wrote the same nodes or runs at the same moment {attempt} times "
                        f"in a row ({_first_line(exc)}); send it again"
                    ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _create(self, tx: Tx, query: str, rows: list[Row]) -> None:
        meanwhile = tx(self._q(query), {"rows": rows})
        if meanwhile:
            raise _CreatedMeanwhile(f"{meanwhile[0]['uid']} was created by another transaction")

    def _create_predictions(self, tx: Tx, batch: PredictionColumns) -> WriteResult:
        rows = [
            {
                "uid": uid,
                "name": name,
                "version": version,
                "created_at": created_at,
                "metadata": metadata,
                "input_digest": input_digest,
                "output": output,
                "derives_from": derives_from,
            }
            for uid, name, version, created_at, metadata, input_digest, output, derives_from in zip(
                batch.uids,
                batch.names,
                batch.versions,
                batch.created_at,
                batch.metadata,
                batch.input_digests,
                batch.outputs,
                batch.derives_from,
                strict=True,
            )
        ]
        for chunk in chunks(rows):
            params = {"targets": batch.targets, "rows": chunk, "recorded_at": batch.recorded_at}
            if tx(self._q("create_predictions"), params):
                raise NotAllNew
        return WriteResult(created_nodes=len(rows), created_edges=sum(map(len, batch.derives_from)))

    def _hold(
        self,
        tx: Tx,
        *,
        runs: Iterable[str] = (),
        nodes: Iterable[str] = (),
        subjects: Iterable[str] = (),
    ) -> None:
        # Sorted, runs before nodes before subjects: every writer takes its locks in one order, so none
        # waits in a cycle.
        for query, uids in (("lock_runs", runs), ("lock_nodes", nodes)):
            wanted = sorted(set(uids))
            for chunk in chunks(wanted):
                tx(self._q(query), {"uids": chunk})
        for chunk in chunks(sorted(set(subjects))):
            tx(self._q("lock_subjects"), {"keys": chunk})

    def _run(self, tx: neo4j.ManagedTransaction, query: str, params: Mapping[str, Any]) -> list[Row]:
        """The rows of one of the store's queries. The driver decodes one record holding a list of
        thousands of lists several times faster than thousands of records (~40 us a record), and lists
        travel lighter than maps, so every query that returns rows is run inside ``CALL () { ... }``,
        its rows collected into one list of value lists, and named again here."""
        columns = self._columns.get(query)
        if columns is None:
            # Consumed, not just asked for its keys: a result left open is exhausted when the
            # transaction ends, and if a later query of the transaction failed, that raises in the
            # driver's rollback before ROLLBACK is sent, leaving the failed transaction and its locks
            # on the server until the connection times out.
            explained = tx.run(f"EXPLAIN {query}", dict(params))
            columns = self._columns[query] = list(explained.keys())
            explained.consume()
        if not columns:
            tx.run(query, dict(params)).consume()
            return []
        (record,) = tx.run(_collecting(query, columns), dict(params))
        return [dict(zip(columns, values, strict=True)) for values in record["rows"]]

    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        def work(tx: neo4j.ManagedTransaction) -> RawResult:
            # Neo4j plans the query first and says what it does; the read access mode is the second wall.
            _refuse_unless_reading(tx.run(f"EXPLAIN {text}", dict(params)).consume(), self.database)
            result = tx.run(text, dict(params))
            columns = list(result.keys())
            rows: list[Row] = []
            for record in result:
                if len(rows) == limit:
                    return RawResult(columns=columns, rows=rows, truncated=True)
                rows.append(record.data())
            return RawResult(columns=columns, rows=rows, truncated=False)

        def read() -> RawResult:
            return self._execute(neo4j.READ_ACCESS, work, timeout)

        try:
            return self._guarded(read, user_timeout=timeout)
        except Neo4jError as exc:
            # What _guarded leaves (an unknown procedure, a missing database, CALL ... IN TRANSACTIONS
            # in a managed transaction) is about the user's query, never a crash.
            raise InvalidInput(f"Cypher error: {_first_line(exc)}") from None

    def _profile(self, query: str, params: Mapping[str, Any]) -> list[PlanStep]:
        with self._session(neo4j.WRITE_ACCESS) as session, session.begin_transaction() as tx:
            summary = tx.run(f"PROFILE {query}", dict(params)).consume()
            tx.rollback()
        return list(_plan_steps(summary.profile or {}))

    def _execute(
        self, access: str, work: Callable[[neo4j.ManagedTransaction], T], timeout: float | None = None
    ) -> T:
        """Run ``work`` in a managed transaction of ``timeout`` seconds (the store's query timeout when
        None), which the server enforces."""
        timed = neo4j.unit_of_work(timeout=self._timeouts.query if timeout is None else timeout)(work)
        with self._session(access) as session:
            if access == neo4j.READ_ACCESS:
                return session.execute_read(timed)
            return session.execute_write(timed)

    def _guarded(self, call: Callable[[], T], *, user_timeout: float | None = None) -> T:
        """``call()`` with the driver's errors turned into the store's, held by the watchdog.

        ``user_timeout``: a user's raw query with a time limit of its own, whose overrun is an answer to
        that user (InvalidInput); the store's own queries overrunning theirs means the store is not
        keeping up (StoreUnavailable). The watchdog waits a connection's worth longer than the server's
        timeout, so a live server's own answer always comes first."""
        timeout = self._timeouts.query if user_timeout is None else user_timeout
        deadline = None if timeout is None else timeout + self._timeouts.connect
        try:
            return self._watchdog.call(deadline, call)
        except DeadlineExceeded as exc:
            raise StoreUnavailable(f"Neo4j did not answer within {exc.seconds:g} s") from None
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"Neo4j is unavailable: {_first_line(exc)}") from None
        except ClientError as exc:
            raise _translate(exc, user_query=user_timeout is not None) from None
        except TransientError as exc:
            if "MemoryPoolOutOfMemoryError" in (exc.code or ""):
                raise InvalidInput(
                    "the write is too large for one Neo4j transaction (the server's transaction memory, "
                    "dbms.memory.transaction.total.max, ran out): split it, or give the server more heap"
                ) from None
            # Unavailable, or still transient (a deadlock, a lock wait) after the driver's retries:
            # either way, a moment later may succeed.
            raise StoreUnavailable(f"Neo4j is unavailable or busy: {_first_line(exc)}") from None

    def close(self) -> None:
        self._watchdog.close()
        self._driver.close()


CREATE_ATTEMPTS = 5
_SCHEMA_EXISTS = "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"


class _CreatedMeanwhile(Exception):
    """A record this transaction was creating was created by another one first: decide again."""


def _plan_steps(plan: Mapping[str, Any]) -> Iterator[PlanStep]:
    yield PlanStep(plan["operatorType"].split("@")[0], int(plan.get("rows", 0)))
    for child in plan.get("children", ()):
        yield from _plan_steps(child)


_QUERY_KINDS = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or administers the server"}
# Operators of a read-only plan that still reach outside the store's graph, and why they are refused.
_OUTSIDE = {
    "LoadCSV": "LOAD CSV reads files and URLs outside the store",
    "TerminateTransactions": "TERMINATE TRANSACTIONS ends other sessions' transactions",
}


def _refuse_unless_reading(summary: neo4j.ResultSummary, database: str) -> None:
    """Raise ReadOnlyViolation unless Neo4j's plan of a query (from EXPLAIN) only reads the store's own
    database: its query type is ``r``, and no operator reaches a file, a URL, another database or
    another session."""
    kind = summary.query_type or "r"
    if kind != "r":
        what = _QUERY_KINDS.get(kind, f"is of type {kind!r}")
        raise ReadOnlyViolation(
            f"refused: raw Cypher is read-only, and Neo4j plans this query as one that {what}"
        )
    for operator_type in _operator_types(summary.plan or {}):
        operator, _, where = operator_type.partition("@")
        if where and where != database:
            raise ReadOnlyViolation(
                f"refused: raw Cypher reads the store's database {database!r}, and this query uses {where!r}"
            )
        if operator in _OUTSIDE:
            raise ReadOnlyViolation(f"refused: raw Cypher is read-only, and {_OUTSIDE[operator]}")


def _operator_types(plan: Mapping[str, Any]) -> Iterator[str]:
    """Every operator of a plan as Neo4j names it, with its database: ``NodeByLabelScan@neo4j``."""
    if "operatorType" in plan:
        yield plan["operatorType"]
    for child in plan.get("children", ()):
        yield from _operator_types(child)


def _collecting(query: str, columns: Sequence[str]) -> str:
    """``query`` with its rows collected into a single ``rows`` list of value lists (see
    Neo4jStore._run)."""
    values = ", ".join(f"`{column}`" for column in columns)
    return f"CALL () {{\n{query}\n}}\nRETURN collect([{values}]) AS rows"


def _translate(exc: Neo4jError, *, user_query: bool = False) -> Exception:
    code = exc.code or ""
    if code.endswith(("AccessMode", "ForbiddenDueToTransactionType")) or "read access mode" in (
        exc.message or ""
    ):
        return ReadOnlyViolation(f"refused: the query writes, and raw Cypher is read-only ({exc.message})")
    # A transaction the server ended while it waited for a lock past its timeout (LockClientStopped),
    # or that was terminated, is a timeout too: the same write can succeed when retried.
    if any(part in code for part in ("TransactionTimedOut", "Timeout", "LockClientStopped", "Terminated")):
        if not user_query:
            return StoreUnavailable(f"Neo4j did not finish in time: {exc.message}")
        return InvalidInput(f"query timed out: {exc.message}")
    if ".Statement." in code:
        return InvalidInput(f"Cypher error: {_first_line(exc)}")
    return exc


def _first_line(exc: BaseException) -> str:
    """The message's first line, and the lines after it while a line ends in a colon: the driver's
    connection errors say "Couldn't connect to host:" and give the reason on the next line."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    taken = lines[:1]
    while taken[-1].endswith(":") and len(taken) < len(lines):
        taken.append(lines[len(taken)])
    return " ".join(taken)
