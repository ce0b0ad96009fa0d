"""Raw Cypher reads and nothing else, as each engine decides: every refusal on both backends, the store
and the filesystem left as they were, and one clear line from the CLI, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lineage.cli import main
from lineage.errors import InvalidInput, LineageError, ReadOnlyViolation
from lineage.store import LineageStore

RO, BAD = ReadOnlyViolation, InvalidInput
WRITES = (RO, "read-only, and (the query|Neo4j plans this query as one that) writes")
NEO4J_SYNTAX = (BAD, "Cypher error: Invalid input")
LADYBUG_SYNTAX = (BAD, "Cypher error: Parser exception")
# A query, then what each engine answers: the error class and a part of its message. Queries in the
# other engine's dialect are refused too (as bad Cypher), and must leave the store just the same.
REFUSALS: dict[str, tuple[str, tuple[type[LineageError], str], tuple[type[LineageError], str]]] = {
    "backtick is not an escape": (
        'RETURN 1 AS `x\\`; COMMIT; MATCH (n:Node) SET n.owner = "evil"; RETURN 2 AS y //`',
        (BAD, "one Cypher statement at a time"),
        NEO4J_SYNTAX,
    ),
    "several statements": (
        "MATCH (n:Node) RETURN n.uid; MATCH (n:Node) SET n.owner = 'evil'",
        (BAD, "one Cypher statement at a time"),
        (BAD, "exactly one statement per query"),
    ),
    "commit": ("COMMIT", (RO, "controls the transaction"), NEO4J_SYNTAX),
    "begin": ("BEGIN TRANSACTION", (RO, "controls the transaction"), NEO4J_SYNTAX),
    "rollback": ("ROLLBACK", (RO, "controls the transaction"), NEO4J_SYNTAX),
    "checkpoint": ("CHECKPOINT", (RO, "controls the transaction"), NEO4J_SYNTAX),
    "create": ("CREATE (:Node {uid: 'dataset:evil@1', kind: 'dataset'})", WRITES, WRITES),
    "merge": ("MERGE (n:Node {uid: 'dataset:evil@1'})", WRITES, WRITES),
    "set": ("MATCH (n:Node) SET n.owner = 'evil'", WRITES, WRITES),
    "delete": ("MATCH (n:Node) DETACH DELETE n", WRITES, WRITES),
    "delete an edge": ("MATCH (:Node)-[e:DERIVED_FROM]->(:Node) DELETE e", WRITES, WRITES),
    # LadybugDB's grammar has no REMOVE.
    "remove": ("MATCH (n:Node) REMOVE n.owner", LADYBUG_SYNTAX, WRITES),
    "foreach": ("FOREACH (x IN [1] | CREATE (:Node {uid: 'dataset:evil@1'}))", LADYBUG_SYNTAX, WRITES),
    "schema": ("CREATE NODE TABLE Evil(id INT64, PRIMARY KEY(id))", WRITES, NEO4J_SYNTAX),
    "index": ("CREATE INDEX evil FOR (n:Node) ON (n.owner)", WRITES, (RO, "changes the schema")),
    "copy to": (
        "COPY (MATCH (n:Node) RETURN n.uid) TO '{tmp}/out.csv'",
        (RO, "COPY ... TO writes"),
        NEO4J_SYNTAX,
    ),
    "copy from": ("COPY Node FROM '{tmp}/evil/data.csv'", WRITES, NEO4J_SYNTAX),
    "export": ("EXPORT DATABASE '{tmp}/out'", (RO, "EXPORT DATABASE writes files"), NEO4J_SYNTAX),
    "export after a comment": (
        "/* a comment */ // another\n  export database '{tmp}/out/deeper'",
        (RO, "EXPORT DATABASE writes files"),
        NEO4J_SYNTAX,
    ),
    "import": ("IMPORT DATABASE '{tmp}/evil'", (RO, "IMPORT DATABASE runs the statements"), NEO4J_SYNTAX),
    "load from": ("LOAD FROM '{tmp}/evil/data.csv' RETURN *", (RO, "LOAD FROM reads files"), NEO4J_SYNTAX),
    "load csv": (
        "LOAD CSV FROM 'file:///etc/hostname' AS l RETURN l",
        LADYBUG_SYNTAX,
        (RO, "LOAD CSV reads"),
    ),
    "attach": ("ATTACH '{tmp}/other' AS other (dbtype lbug)", WRITES, NEO4J_SYNTAX),
    "use": ("USE other", (RO, "USE switches to another database"), (BAD, "cannot conclude with USE")),
    "use another database": ("USE other MATCH (n) RETURN n", LADYBUG_SYNTAX, (BAD, "Graph not found: other")),
    "install": ("INSTALL json", WRITES, NEO4J_SYNTAX),
    "load extension": ("LOAD EXTENSION json", WRITES, NEO4J_SYNTAX),
    "a setting": (
        "CALL var_length_extend_max_depth=1",
        (RO, "changes the connection's settings"),
        NEO4J_SYNTAX,
    ),
    "a standalone function": (
        "CALL project_graph('g', ['Node'], ['DERIVED_FROM'])",
        (RO, "PROJECT_GRAPH does more than read"),
        (BAD, "no procedure with the name `project_graph`"),
    ),
    "a writing procedure": ("CALL db.createLabel('Evil')", LADYBUG_SYNTAX, WRITES),
    "an admin procedure": ("CALL db.clearQueryCaches()", LADYBUG_SYNTAX, (RO, "administers the server")),
    "in transactions": (
        "CALL { MATCH (n:Node) RETURN n } IN TRANSACTIONS RETURN count(n) AS c",
        LADYBUG_SYNTAX,
        (BAD, r"CALL \{ ... \} IN TRANSACTIONS' can only be executed in an implicit transaction"),
    ),
    "show databases": ("SHOW DATABASES", LADYBUG_SYNTAX, (RO, "administers the server")),
    "create database": ("CREATE DATABASE evil", LADYBUG_SYNTAX, (BAD, "Unsupported administration command")),
    "terminate": ("TERMINATE TRANSACTIONS 'x'", LADYBUG_SYNTAX, (RO, "ends other sessions' transactions")),
    "profile a write": (
        "PROFILE MATCH (n:Node) SET n.owner = 'evil'",
        WRITES,
        (BAD, "conflicting values for execution mode"),
    ),
    "profile a copy": (
        "PROFILE COPY (MATCH (n:Node) RETURN n.uid) TO '{tmp}/out.csv'",
        (BAD, "EXPLAIN and PROFILE are not accepted"),
        (BAD, "conflicting values for execution mode"),
    ),
}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the store, holding what a query might try to import or load: an exported
    database whose schema.cypher writes a file and rewrites every owner, and a CSV file."""
    evil = tmp_path / "outside" / "evil"
    evil.mkdir(parents=True)
    (evil / "schema.cypher").write_text(
        f"COPY (RETURN 1 AS x) TO '{evil.parent}/imported.csv';\nMATCH (n:Node) SET n.owner = 'evil';\n"
    )
    (evil / "copy.cypher").write_text("")
    (evil / "data.csv").write_text("uid,owner\ndataset:evil@1,evil\n")
    return evil.parent


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("case", REFUSALS)
def test_raw_cypher_refuses_and_leaves_the_store_and_files_as_they_were(
    demo_store: LineageStore, outside: Path, case: str
) -> None:
    template, on_ladybug, on_neo4j = REFUSALS[case]
    error, message = on_ladybug if demo_store.backend == "ladybug" else on_neo4j
    before, files = list(demo_store.export_records()), _files(outside)
    with pytest.raises(error, match=message) as refused:
        demo_store.cypher(template.replace("{tmp}", str(outside)))
    assert "\n" not in str(refused.value), "an error is one line"
    assert list(demo_store.export_records()) == before, "owners and everything else as before"
    assert _files(outside) == files, "no file written, no folder made"
    assert demo_store.cypher("MATCH (n:Node) RETURN count(n) AS n").rows == [{"n": 20}], "still usable"


def test_a_procedure_that_does_not_exist_is_named(store: LineageStore) -> None:
    missing = "CALL nope() RETURN *" if store.backend == "ladybug" else "CALL nope.nope()"
    with pytest.raises(InvalidInput, match=r"Cypher error: .*nope"):
        store.cypher(missing)


@pytest.mark.parametrize("query", ["", "  \n", "// only a comment"])
def test_no_statement_at_all_is_invalid(store: LineageStore, query: str) -> None:
    with pytest.raises(InvalidInput):
        store.cypher(query)


def test_a_syntax_error_is_clear(store: LineageStore) -> None:
    with pytest.raises(InvalidInput, match="Cypher error"):
        store.cypher("MATCH (n RETURN n")


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Node) WHERE n.kind = $kind RETURN n.uid AS uid ORDER BY uid",
        "MATCH (n:Node) WHERE n.kind = $kind RETURN n.uid AS uid ORDER BY uid;",
        "// models\nMATCH (n:Node) WHERE n.kind = $kind RETURN n.uid AS uid ORDER BY uid // by uid",
    ],
)
def test_a_read_runs_with_parameters_and_a_row_limit(demo_store: LineageStore, query: str) -> None:
    result = demo_store.cypher(query, {"kind": "model"}, limit=3)
    assert result.columns == ["uid"]
    assert [r["uid"] for r in result.rows] == [
        "model:credit_limit_model@1",
        "model:credit_limit_model@2",
        "model:scoring_model@1",
    ]
    assert result.truncated
    assert not demo_store.cypher(query, {"kind": "model"}, limit=4).truncated


@pytest.mark.parametrize(
    ("query", "answer"),
    [
        ("MATCH (a:Node)-[:DERIVED_FROM]->(b:Node) WITH a, count(b) AS n RETURN max(n) AS n", 3),
        ("MATCH (a:Node {uid: $uid})-[:DERIVED_FROM*1..3]->(b:Node) RETURN count(DISTINCT b) AS n", 6),
        ("MATCH (a:Node {uid: $uid}) OPTIONAL MATCH (a)-[:DERIVED_FROM]->(b:Node) RETURN count(b) AS n", 3),
        ("UNWIND [$uid] AS u MATCH (a:Node {uid: u}) RETURN count(a) + 2 AS n UNION RETURN 3 AS n", 3),
        ("CALL db.labels() YIELD label WITH count(label) AS n RETURN 3 AS n", 3),
    ],
)
def test_reads_of_every_shape_run(demo_store: LineageStore, query: str, answer: int) -> None:
    """Joins, variable-length paths, OPTIONAL MATCH, UNION and catalog calls plan with operators the
    read check must know (on LadybugDB an allow-list): the check must not refuse a read."""
    if "db.labels" in query and demo_store.backend == "ladybug":
        query = "CALL show_tables() WITH count(*) AS n RETURN 3 AS n"
    assert demo_store.cypher(query, {"uid": "model:credit_limit_model@2"}).rows == [{"n": answer}]


def test_a_read_stops_at_its_timeout_and_the_store_stays_usable(store: LineageStore) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInput, match="timed out"):
        store.cypher(
            "UNWIND range(1, 30000) AS x UNWIND range(1, 30000) AS y RETURN sum(x * y) AS n", timeout=0.5
        )
    assert time.perf_counter() - started < 20
    assert store.cypher("RETURN 1 AS one").rows == [{"one": 1}]


def test_limit_and_timeout_out_of_range_are_refused(store: LineageStore) -> None:
    with pytest.raises(InvalidInput, match="row limit"):
        store.cypher("RETURN 1 AS one", limit=0)
    with pytest.raises(InvalidInput, match="timeout"):
        store.cypher("RETURN 1 AS one", timeout=0)


@pytest.mark.parametrize(
    "query",
    [
        'RETURN 1 AS `x\\`; COMMIT; MATCH (n:Node) SET n.owner = "evil"; RETURN 2 AS y //`',
        "BEGIN TRANSACTION",
        "CALL nope.nope()",
        "MATCH (n:Node) SET n.owner = 'evil'",
    ],
)
def test_the_cli_prints_one_line_and_no_traceback(store_url: str, query: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store_url, "demo"]).exit_code == 0
    refused = runner.invoke(main, ["--store", store_url, "cypher", query], catch_exceptions=False)
    assert refused.exit_code == 1
    assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert "Traceback" not in refused.output
    owners = runner.invoke(
        main, ["--store", store_url, "cypher", "MATCH (n:Node) RETURN DISTINCT n.owner AS o"]
    )
    assert "evil" not in owners.output
