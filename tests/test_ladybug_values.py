"""LadybugDB reads a large answer by column (from Arrow) and a small one row by row: the store's callers
must not be able to tell which."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineage.store.ladybug import COLUMNAR_FROM, LadybugStore, arrow_table

# Every kind of value the store's queries return: text, integers, booleans, decimals, nulls and lists.
MIXED = """
UNWIND range(1, $n) AS i
RETURN i AS number, 'n' + string(i) AS text, i % 2 = 0 AS even, to_double(i) / 4.0 AS ratio,
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'kept' END AS sometimes,
       [string(i), 'b'] AS listed, CASE WHEN i % 3 = 0 THEN [] ELSE [i] END AS numbers
"""


def test_a_large_answer_read_by_column_equals_reading_it_row_by_row(tmp_path: Path) -> None:
    with LadybugStore(path=tmp_path / "graph") as store:
        by_row = store._execute(MIXED, {"n": COLUMNAR_FROM - 1})
        by_column = store._execute(MIXED, {"n": COLUMNAR_FROM})
    assert len(by_column) == COLUMNAR_FROM
    assert by_column[:-1] == by_row
    assert by_row[4]["sometimes"] is None and by_row[2]["numbers"] == []
    assert by_column[-1] == {
        "number": COLUMNAR_FROM,
        "text": f"n{COLUMNAR_FROM}",
        "even": COLUMNAR_FROM % 2 == 0,
        "ratio": COLUMNAR_FROM / 4,
        "sometimes": None if COLUMNAR_FROM % 5 == 0 else "kept",
        "listed": [str(COLUMNAR_FROM), "b"],
        "numbers": [] if COLUMNAR_FROM % 3 == 0 else [COLUMNAR_FROM],
    }


def test_bulk_rows_go_to_arrow_by_their_fields_and_a_row_missing_one_is_refused() -> None:
    """Bulk writes hand LadybugDB an Arrow table of their rows, converted by Arrow itself, which would
    take a missing field for null: a mapping that names a field the rows lack must fail, not store
    nulls."""
    rows = [{"source": f"s{i}", "target": "t", "run": None, "recorded_at": "r", "extra": 1} for i in range(3)]
    table = arrow_table(rows, {"from": "source", "to": "target", "run": "run"})
    assert table.column_names == ["from", "to", "run"]
    assert table.to_pylist()[2] == {"from": "s2", "to": "t", "run": None}
    with pytest.raises(KeyError, match="lack \\['kind'\\]"):
        arrow_table(rows, {"from": "source", "kind": "kind"})
