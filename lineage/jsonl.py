"""Export to JSON Lines and import from it: backups, and moving a graph between backends.

The file is a header line, then nodes, runs and edges, each in uid order, then fields (the columns of
node versions), column edges and aliases, each in key order, then OpenLineage subjects (each followed
by its facet records) and feeds; each record a JSON object with sorted keys. The records after the
edges came later in format 1: an export without them imports as before. Equal graphs export to equal
bytes on every backend, which is what the round-trip test compares. An import is checked whole before
it is written, and written in one transaction.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from lineage import collector
from lineage.columns import Alias, ColumnEdge, Field
from lineage.errors import InvalidInput, LineageError
from lineage.facets import Facet, Feed, NameRecords, Subject
from lineage.model import Batch, Edge, Node, Run, WriteResult, parse_json
from lineage.store.base import LineageStore, ProgressFn

FORMAT = "lineage-graph"
FORMAT_VERSION = 1
HEADER = {"type": "header", "format": FORMAT, "version": FORMAT_VERSION}


def export_graph(store: LineageStore, path: Path, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the whole graph to ``path``; returns the number of records, and tells ``progress`` how many
    are written every thousand. The file appears complete or not at all (it is written beside the
    target and renamed)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            count = write_records(_counted(store.export_records(), progress), handle)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _counted(
    records: Iterable[dict[str, Any]], progress: Callable[[int], None] | None
) -> Iterator[dict[str, Any]]:
    count = 0
    for count, record in enumerate(records, start=1):
        if progress is not None and count % 1000 == 0:
            progress(count)
        yield record
    if progress is not None:
        progress(count)


def write_records(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in with_header(records):
        out.write(encode_record(record))
        count += record["type"] != "header"
    return count


def encode_record(record: dict[str, Any]) -> str:
    """One line of an export: the record as compact JSON with sorted keys, and a newline."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def with_header(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield HEADER
    yield from records


@collector.paused()
def read_batch(lines: Iterable[str]) -> tuple[Batch, NameRecords]:
    """Parse an export into one batch and the OpenLineage names it holds, or raise InvalidInput naming
    the first bad line."""
    nodes, runs, edges = [], [], []
    fields, column_edges, aliases = [], [], []
    subjects: list[Subject] = []
    facets: list[Facet] = []
    feeds: list[Feed] = []
    builders: dict[str, Callable[[dict[str, Any]], None]] = {
        "field": lambda r: fields.append(Field.from_record(r)),
        "column_edge": lambda r: column_edges.append(ColumnEdge.from_record(r)),
        "alias": lambda r: aliases.append(
            Alias(alias=r["key"], uid=r["uid"], recorded_at=r.get("recorded_at"))
        ),
        "node": lambda r: nodes.append(Node.from_record(r)),
        "run": lambda r: runs.append(Run.from_record(r, r.get("inputs", ()), r.get("outputs", ()))),
        "edge": lambda r: edges.append(Edge.from_record(r)),
        "subject": lambda r: subjects.append(Subject.from_record(r)),
        "facet": lambda r: facets.append(Facet.stored(r)),
        "feed": lambda r: feeds.append(Feed.from_record(r)),
    }
    seen_header = False
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():  # not line.strip(), which copies every line
            continue
        try:
            record = parse_json(line)
            if not isinstance(record, dict):
                raise InvalidInput("expected a JSON object")
            kind = record.get("type")
            if kind == "header":
                _check_header(record)
                seen_header = True
            elif kind in builders:
                builders[kind](record)
            else:
                raise InvalidInput(f"unknown record type {kind!r} (expected header, {', '.join(builders)})")
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {number}: not JSON ({exc.msg})") from None
        except KeyError as exc:
            raise InvalidInput(f"line {number}: missing field {exc.args[0]!r}") from None
        except (LineageError, ValueError, TypeError) as exc:
            raise InvalidInput(f"line {number}: {exc}") from None
    if not seen_header:
        raise InvalidInput(f"not a {FORMAT} export: no header line")
    names = NameRecords(subjects=tuple(subjects), facets=tuple(facets), feeds=tuple(feeds))
    batch = Batch(
        nodes=tuple(nodes),
        runs=tuple(runs),
        edges=tuple(edges),
        fields=tuple(fields),
        column_edges=tuple(column_edges),
        aliases=tuple(aliases),
    )
    return batch, names


def _check_header(record: dict[str, Any]) -> None:
    if record.get("format") != FORMAT or record.get("version") != FORMAT_VERSION:
        raise InvalidInput(
            f"unsupported export format {record.get('format')!r} version {record.get('version')!r}"
        )


@collector.paused()  # over both: the batch read lives through the write
def import_graph(store: LineageStore, path: Path, *, progress: ProgressFn | None = None) -> WriteResult:
    """Read an export and write it in one transaction: all of it lands, or none of it does."""
    with Path(path).open(encoding="utf-8") as handle:
        batch, names = read_batch(handle)
    return store.write(batch, progress=progress, names=names)
