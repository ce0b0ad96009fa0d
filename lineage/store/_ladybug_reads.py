"""Which raw Cypher LadybugDB may run: one statement that only reads the store, as the engine sees it.

The engine decides, in three steps, each inside the caller's ``READ ONLY`` transaction:

1. It prepares the text. A prepared statement is exactly one statement (LadybugDB refuses to prepare
   several), parsed and bound by the engine's own parser, and inside a read-only transaction the engine
   refuses to prepare anything it counts as a write: CREATE, MERGE, SET, DELETE, DDL, COPY FROM, ATTACH,
   DETACH, INSTALL.
2. It explains the statement, and every operator of the plan must be one that reads the store. That refuses
   what the engine counts as a read but which reaches outside the store or the transaction: COPY TO and
   EXPORT DATABASE (write files), IMPORT DATABASE (runs another folder's statements), LOAD FROM (reads
   files), BEGIN/COMMIT/ROLLBACK/CHECKPOINT, ``CALL setting=value`` (changes the connection's settings).
3. Only then does the caller run the prepared statement, the read-only transaction still around it.

An allow-list, not a deny-list: an operator a later engine release adds is refused until it is known to
read, and the message names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import ladybug

from lineage.errors import InvalidInput, ReadOnlyViolation

# Every operator of LadybugDB 0.22's PhysicalOperatorType that reads the store, and no other.
_READ_OPERATORS = frozenset(
    {
        "AGGREGATE",
        "AGGREGATE_FINALIZE",
        "AGGREGATE_SCAN",
        "COUNT_REL_TABLE",
        "CROSS_PRODUCT",
        "DUMMY_SINK",
        "EMPTY_RESULT",
        "FILTER",
        "FLATTEN",
        "HASH_JOIN_BUILD",
        "HASH_JOIN_PROBE",
        "INDEX_LOOKUP",
        "INTERSECT",
        "INTERSECT_BUILD",
        "LIMIT",
        "MULTIPLICITY_REDUCER",
        "ORDER_BY",
        "ORDER_BY_MERGE",
        "ORDER_BY_SCAN",
        "PACKED_EXTEND",
        "PACKED_FILTERED_COUNT",
        "PATH_PROPERTY_PROBE",
        "PRIMARY_KEY_SCAN_NODE_TABLE",
        "PROJECTION",
        "QUERY_PRIMARY_KEY_LOOKUP",
        "REACHABLE_COUNT",
        "RECURSIVE_EXTEND",
        "REL_DEGREE_TABLE",
        "RESULT_COLLECTOR",
        "SCAN_NODE_TABLE",
        "SCAN_REL_TABLE",
        "SEMI_MASKER",
        "SKIP",
        "TABLE_FUNCTION_CALL",  # and then only the functions below
        "TOP_K",
        "TOP_K_SCAN",
        "UNION_ALL_SCAN",
        "UNWIND",
        "UNWIND_DEDUP",
    }
)
# Table functions that read the store or the catalog. READ_FTABLE is the engine's scan of its own
# intermediate results (WITH, UNION, OPTIONAL MATCH). Not the file readers behind LOAD FROM (READ_CSV_*,
# READ_PARQUET, READ_NPY, READ_PANDAS) nor the standalone ones that act (PROJECT_GRAPH, ...).
_READ_FUNCTIONS = frozenset(
    {
        "READ_FTABLE",
        "BM_INFO",
        "CATALOG_VERSION",
        "CURRENT_SETTING",
        "DB_VERSION",
        "DISK_INFO",
        "DISK_SIZE_INFO",
        "FILE_INFO",
        "FSM_INFO",
        "PROJECTED_GRAPH_INFO",
        "SHOW_ATTACHED_DATABASES",
        "SHOW_CONNECTION",
        "SHOW_FUNCTIONS",
        "SHOW_GRAPHS",
        "SHOW_INDEXES",
        "SHOW_LOADED_EXTENSIONS",
        "SHOW_MACROS",
        "SHOW_OFFICIAL_EXTENSIONS",
        "SHOW_PROJECTED_GRAPHS",
        "SHOW_SEQUENCES",
        "SHOW_TABLES",
        "SHOW_WARNINGS",
        "STATS_INFO",
        "STORAGE_INFO",
        "STORAGE_VERSION",
        "TABLE_INFO",
    }
)
# Why the operators a user is most likely to meet are refused, in their words.
_REASONS = {
    "COPY_TO": "COPY ... TO writes a file",
    "EXPORT_DATABASE": "EXPORT DATABASE writes files",
    "IMPORT_DATABASE": "IMPORT DATABASE runs the statements of another folder",
    "TRANSACTION": "the query controls the transaction (BEGIN, COMMIT, ROLLBACK, CHECKPOINT)",
    "STANDALONE_CALL": "CALL name=value changes the connection's settings",
    "LOAD_EXTENSION": "LOAD EXTENSION changes the engine",
    "USE_DATABASE": "USE switches to another database",
}
_FILE_READERS = ("READ_CSV", "READ_PARQUET", "READ_NPY", "READ_JSON")

_PLAN_OPERATOR = re.compile(r"([A-Z_]+)\[\d+\]")
_PLAN_FUNCTION = re.compile(r"Function: ([A-Z_]+)")
_FIRST_WORD = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*([A-Za-z]*)", re.DOTALL)


def prepare_read(conn: ladybug.Connection, text: str, params: Mapping[str, Any]) -> ladybug.PreparedStatement:
    """The prepared statement of ``text`` once the engine has shown that it only reads the store.

    Call inside a ``READ ONLY`` transaction. Raises InvalidInput for what is not one valid statement and
    ReadOnlyViolation for what would not only read.
    """
    statement = _prepared(conn, text, params)
    if _first_word(text) == "EXPORT":
        # The engine's own verdict would come from the plan below, but merely explaining an EXPORT
        # creates its target directory (LadybugDB 0.22 makes it while setting the plan up), so this one
        # statement kind, which the grammar only allows first, is refused before it is explained.
        raise _refusal(_REASONS["EXPORT_DATABASE"])
    explained = _prepared(conn, f"EXPLAIN {text}", params, explaining=True)
    result = conn.execute(explained, dict(params))
    assert isinstance(result, ladybug.QueryResult), "a prepared statement is one statement"
    (plan_text,) = result.get_next()
    plan = str(plan_text)
    result.close()
    for operator, function in _steps(plan):
        if operator not in _READ_OPERATORS:
            raise _refusal(_REASONS.get(operator, f"the engine plans it with {operator}, not a read"))
        if function is not None and function not in _READ_FUNCTIONS:
            if function.startswith(_FILE_READERS):
                raise _refusal(f"LOAD FROM reads files outside the store ({function})")
            raise _refusal(f"the table function {function} does more than read the store")
    return statement


def _prepared(
    conn: ladybug.Connection, text: str, params: Mapping[str, Any], *, explaining: bool = False
) -> ladybug.PreparedStatement:
    statement = ladybug.PreparedStatement(conn, text, dict(params))
    if statement.is_success():
        return statement
    message = statement.get_error_message().strip().splitlines()[0]
    if "read-only transaction" in message:
        raise _refusal(f"the query writes ({message})")
    if "multiple statements" in message:
        raise InvalidInput(f"one Cypher statement at a time: LadybugDB says {message}")
    if explaining:
        # The statement itself prepared, so what the engine cannot explain is a statement that already
        # begins with EXPLAIN or PROFILE; a PROFILE would run it unchecked.
        raise InvalidInput(f"Cypher error: EXPLAIN and PROFILE are not accepted in raw Cypher ({message})")
    raise InvalidInput(f"Cypher error: {message}")


def _steps(plan: str) -> Iterator[tuple[str, str | None]]:
    """Each operator of an explained plan (None), and each table function it calls (with its name).

    The printer draws each operator as a box whose first line is its name, siblings side by side, so
    names are read from the line under a box's top edge only: a query's own text (an alias, a list
    index) printed further down a box is not taken for an operator. Text of the query's own can only add
    names, never hide the engine's, so at worst it makes a read refused, never a write accepted."""
    lines = plan.splitlines()
    for above, line in zip(["", *lines], lines, strict=False):
        if "┌" in above:
            for found in _PLAN_OPERATOR.finditer(line):
                yield found.group(1), None
        for found in _PLAN_FUNCTION.finditer(line):
            yield "TABLE_FUNCTION_CALL", found.group(1)


def _first_word(text: str) -> str:
    """The first keyword of a statement, past blanks and comments."""
    found = _FIRST_WORD.match(text)
    return found.group(1).upper() if found else ""


def _refusal(reason: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(f"refused: raw Cypher is read-only, and {reason}")
