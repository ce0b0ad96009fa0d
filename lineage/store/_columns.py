"""The write and read paths of column lineage, schema fields and aliases (see ``lineage.columns``).

Writes are part of the write that carries them (``Writer``): planned after everything else of the
batch is checked, written after its edges, in the same transaction. Every look-up is by key: a field
by ``<node uid>#<name>``, an alias by the uid it stands for, a node's fields from the node's key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lineage.columns import Alias, ColumnEdge, ColumnGraph, Field
from lineage.errors import Conflict
from lineage.model import Batch
from lineage.store._rows import Row, Tx, chunks

if TYPE_CHECKING:
    from lineage.store._writer import Writer

Query = Callable[[str], str]


@dataclass(frozen=True)
class ColumnRecords:
    """The column part of a write in its stored form: fields (every end of every column edge among
    them), column edges and aliases."""

    fields: list[Row] = field(default_factory=list)
    edges: list[Row] = field(default_factory=list)
    aliases: list[Row] = field(default_factory=list)

    def nodes(self) -> set[str]:
        """The node uids these records name: each must be recorded, or be in the same batch."""
        return {f["node"] for f in self.fields} | {a["uid"] for a in self.aliases}

    def referrer(self, uid: str) -> str | None:
        """What names ``uid``, for the message when it is not recorded."""
        for edge in self.edges:
            if uid in (edge["source_node"], edge["target_node"]):
                return f"column edge {edge['source']} -> {edge['target']}"
        for row in self.fields:
            if row["node"] == uid:
                return f"field {row['key']}"
        alias = next((a for a in self.aliases if a["uid"] == uid), None)
        return None if alias is None else f"alias {alias['key']}"


def column_records(batch: Batch) -> ColumnRecords:
    """The stored form of a stamped, de-duplicated batch's columns: the ends of column edges that the
    batch does not describe become bare fields (a name only)."""
    fields = {f.key: f.to_record() for f in batch.fields}
    for edge in batch.column_edges:
        for end in edge.fields():
            fields.setdefault(end.key, {**end.to_record(), "recorded_at": edge.recorded_at})
    return ColumnRecords(
        fields=list(fields.values()),
        edges=[e.to_record() for e in batch.column_edges],
        aliases=[a.to_record() for a in batch.aliases],
    )


def deduplicated_columns(given: Batch, deduplicated: Batch) -> Batch:
    """``deduplicated`` with the columns of ``given``, each once; differing repeats are a conflict."""
    fields: dict[str, Field] = {}
    for f in given.fields:
        if f.key in fields and fields[f.key] != f:
            raise Conflict(f"field {f.key} appears twice in the batch with different type or description")
        fields.setdefault(f.key, f)
    edges: dict[tuple[str, str], ColumnEdge] = {}
    for e in given.column_edges:
        if e.key in edges and edges[e.key] != e:
            raise Conflict(
                f"column edge {e.source_key} -> {e.target_key} appears twice in the batch with "
                "different runs or transformations"
            )
        edges.setdefault(e.key, e)
    aliases: dict[str, Alias] = {}
    for a in given.aliases:
        if aliases.setdefault(a.alias, a).uid != a.uid:
            raise Conflict(f"alias {a.alias} names both {aliases[a.alias].uid} and {a.uid} in the batch")
    return Batch(
        nodes=deduplicated.nodes,
        runs=deduplicated.runs,
        edges=deduplicated.edges,
        fields=tuple(fields.values()),
        column_edges=tuple(edges.values()),
        aliases=tuple(aliases.values()),
    )


class ColumnWriter:
    """Decides what of a write's columns is new (``plan``), then writes it (``write``).

    A field is recorded once: its first record stands (its type and description come from the schema
    the first report gave). A column edge is the fact that one column derives from another: recorded
    again with another run, it stays as first recorded, as DERIVED_FROM edges do. An alias stands for
    one version for good: the same alias for another version is a conflict."""

    def __init__(self, writer: Writer, nodes: set[str]) -> None:
        self.writer = writer
        self.nodes = nodes  # the node uids of the batch and the stored ones it names
        self.new_fields: list[Row] = []
        self.new_edges: list[Row] = []
        self.new_aliases: list[Row] = []

    def plan(self, records: ColumnRecords) -> ColumnWriter:
        tx, q = self.writer.tx, self.writer.q
        stored_fields = fields_by_key(tx, q, [f["key"] for f in records.fields])
        self.new_fields = [f for f in records.fields if f["key"] not in stored_fields]
        # Only a column stored before this write can have stored edges; its node is held first, so
        # two writers of the same column edge take turns (see LineageStore._hold).
        sources = list(dict.fromkeys(e["source"] for e in records.edges if e["source"] in stored_fields))
        self.writer.held.lock(nodes=sorted({stored_fields[k].node for k in sources}))
        stored_edges = {(e.source_key, e.target_key) for e in column_edges_of(tx, q, sources)}
        self.new_edges = [e for e in records.edges if (e["source"], e["target"]) not in stored_edges]
        self.new_aliases = self._new_aliases(records.aliases)
        return self

    def _new_aliases(self, aliases: list[Row]) -> list[Row]:
        tx, q = self.writer.tx, self.writer.q
        keys = [a["key"] for a in aliases]
        stored = aliases_of(tx, q, keys)
        clashing = sorted(set(keys) & (self.nodes | self.writer.held.stored_nodes(keys)))
        if clashing:
            raise Conflict(f"alias {clashing[0]} is the uid of a recorded version; an alias is another name")
        new = []
        for alias in aliases:
            old = stored.get(alias["key"])
            if old is None:
                new.append(alias)
            elif old.uid != alias["uid"]:
                raise Conflict(f"alias {alias['key']} already stands for {old.uid}, not {alias['uid']}")
        return new

    def write(self) -> None:
        run = self.writer._run_chunks
        run("create_fields", self.new_fields)
        run("create_column_edges", self.new_edges)
        run("create_aliases", self.new_aliases)


# --- reading ------------------------------------------------------------------------------------------


def fields_by_key(read: Tx, q: Query, keys: Iterable[str]) -> dict[str, Field]:
    """The stored fields among ``keys``."""
    return {
        row["key"]: Field.from_record(row)
        for chunk in chunks(list(dict.fromkeys(keys)))
        for row in read(q("fields_by_key"), {"keys": chunk})
    }


def column_edges_of(read: Tx, q: Query, keys: Iterable[str]) -> list[ColumnEdge]:
    """The column edges out of each field among ``keys``: the input columns each was derived from."""
    return [
        ColumnEdge.from_record(row)
        for chunk in chunks(list(dict.fromkeys(keys)))
        for row in read(q("column_edges"), {"keys": chunk})
        if row["target"] is not None
    ]


def column_edges_into(read: Tx, q: Query, keys: Iterable[str]) -> list[ColumnEdge]:
    """The column edges into each field among ``keys``: the output columns derived from each."""
    return [
        ColumnEdge.from_record(row)
        for chunk in chunks(list(dict.fromkeys(keys)))
        for row in read(q("column_edges_into"), {"keys": chunk})
        if row["source"] is not None
    ]


def aliases_of(read: Tx, q: Query, keys: Iterable[str]) -> dict[str, Alias]:
    """The stored aliases among ``keys``: each with the version it stands for."""
    return {
        row["key"]: Alias(alias=row["key"], uid=row["uid"], recorded_at=row["recorded_at"])
        for chunk in chunks(list(dict.fromkeys(keys)))
        for row in read(q("aliases_by_key"), {"keys": chunk})
    }


def fields_of(read: Tx, q: Query, uids: Iterable[str]) -> dict[str, list[Field]]:
    """The fields of each node among ``uids``, by name."""
    found: dict[str, list[Field]] = defaultdict(list)
    for chunk in chunks(list(dict.fromkeys(uids))):
        for row in read(q("node_fields"), {"uids": chunk}):
            if row["key"] is not None:
                found[row["node"]].append(Field.from_record(row))
    return {uid: sorted(fields, key=lambda f: f.name) for uid, fields in found.items()}


def column_graph(read: Tx, q: Query, root: Field, direction: str, depth: int) -> ColumnGraph:
    """The fields within ``depth`` column hops of ``root`` (upstream: what it was derived from;
    downstream: what was derived from it), each once, and the column edges among them.

    Three queries whatever the depth, as a node traversal: the engine's breadth-first search from the
    root's key, then the edges of the fields found (by key), then a probe one hop past the bound. A
    distance is a breadth-first search in memory over those edges, so a diamond costs one visit."""
    query = q(f"column_{direction}_reach").replace("{max_depth}", str(depth))
    reached = {row["key"]: Field.from_record(row) for row in read(query, {"key": root.key})}
    fields = {root.key: root, **reached}
    edges = [e for e in column_edges_of(read, q, fields) if e.target_key in fields]
    from lineage.store.base import distances  # base imports the writer, which imports this module

    depths = distances(root.key, edges, direction, depth)
    deepest = [k for k, d in depths.items() if d == depth]
    beyond = column_edges_of if direction == "upstream" else column_edges_into
    truncated = any(
        (e.target_key if direction == "upstream" else e.source_key) not in depths
        for e in beyond(read, q, deepest)
    )
    kept = tuple(sorted((fields[k] for k in depths), key=lambda f: (depths[f.key], f.key)))
    return ColumnGraph(
        root=root,
        fields=kept,
        edges=tuple(
            sorted(
                (e for e in edges if e.source_key in depths and e.target_key in depths), key=lambda e: e.key
            )
        ),
        depths=depths,
        truncated=truncated,
    )


def sources_of_columns(
    read: Tx, q: Query, uids: Iterable[str]
) -> dict[str, list[tuple[Field, list[ColumnEdge]]]]:
    """For each node among ``uids``: its fields, each with the column edges to the input columns it
    was derived from (one hop), in key order: the same answer on every backend. Two queries for any
    number of nodes."""
    fields = fields_of(read, q, uids)
    into: dict[str, list[ColumnEdge]] = defaultdict(list)
    edges = column_edges_of(read, q, [f.key for found in fields.values() for f in found])
    for edge in sorted(edges, key=lambda e: e.key):
        into[edge.source_key].append(edge)
    return {uid: [(f, into.get(f.key, [])) for f in found] for uid, found in fields.items()}
