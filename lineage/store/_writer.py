"""The write path: one write, inside one transaction, checked against what is stored, then written.

A write arrives as ``Records``: node and edge records in their stored form, and runs. A ``Batch`` of
domain objects becomes records in ``records_of``; logged predictions become records directly, without a
dataclass per node and edge (lineage/store/_predictions.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from lineage.errors import Conflict, InvalidInput, NotFound
from lineage.facets import NameRecords
from lineage.model import (
    Batch,
    Node,
    NodeKind,
    Run,
    WriteResult,
    now,
)
from lineage.store._columns import ColumnRecords, ColumnWriter, column_records, deduplicated_columns
from lineage.store._names import write_names
from lineage.store._rows import ProgressFn, Row, Tx, by_key, chunks

if TYPE_CHECKING:
    from lineage.store.base import LineageStore

V = TypeVar("V")

CONTENT = ("kind", "name", "version", "checksum", "created_at", "owner", "source", "description",
           "metadata", "input_digest", "output")  # fmt: skip
"""The stored fields that make a version what it is (``Node.content``)."""
RUN_CONTENT = ("name", "code_version", "code_dirty", "parameters", "environment", "started_at", "ended_at",
               "status", "user", "parent", "facet_times")  # fmt: skip
"""A run's stored fields besides its uid and recorded_at (``Run.to_record``)."""
KEYS_ALONE_FROM = 32
"""From how many nodes a write names but does not carry, they are looked up by key alone. A statement
costs LadybugDB 0.2-0.5 ms; a found node's whole record, ~13 us more than its key (a 1M-node graph)."""


@dataclass(frozen=True)
class Records:
    """One write in its stored form: node records (``Node.to_record``), edge records
    (``Edge.to_record``) and runs, each node and edge once, every record stamped."""

    nodes: list[Row]
    edges: list[Row]
    runs: list[Run]
    columns: ColumnRecords = field(default_factory=ColumnRecords)


def records_of(batch: Batch, at: str) -> Records:
    """A de-duplicated batch in its stored form, each record that does not say when it was recorded
    stamped ``at`` (imports keep their own). Nodes and edges are stamped as rows: copying a bulk write's
    records to stamp them took a sixth of the write."""
    rest = replace(batch, nodes=(), edges=()).stamped(at)
    return Records(
        nodes=[_stamped(n.to_record(), at) for n in batch.nodes],
        edges=[_stamped(e.to_record(), at) for e in batch.edges],
        runs=list(rest.runs),
        columns=column_records(rest),
    )


def _stamped(row: Row, at: str) -> Row:
    if not row["recorded_at"]:
        row["recorded_at"] = at
    return row


def with_links(run: Run, inputs: Sequence[str], outputs: Sequence[str], at: str) -> Run:
    """The run with these input and output links, stamped ``at`` unless it says when it was recorded."""
    record = run.to_record()
    return Run.from_record({**record, "recorded_at": record["recorded_at"] or at}, inputs, outputs)


def _check_same(uid: str, stored: Row, new: Row, says: str) -> None:
    differing = sorted(k for k in CONTENT if stored.get(k) != new.get(k))
    if differing:
        raise Conflict(
            f"{uid} {says} {', '.join(differing)}; versions are immutable: record a new version instead"
        )


class Writer:
    """One write inside one write transaction: check everything first, then write what is new."""

    def __init__(
        self, store: LineageStore, tx: Tx, progress: ProgressFn | None = None, held: Held | None = None
    ) -> None:
        self.store = store
        self.q = store._q
        self.tx = tx
        self.held = held or Held(store, tx)
        self.progress = progress
        self.done = 0
        self.total = 0

    def write(self, records: Records) -> WriteResult:
        # Nodes are immutable, so what is read of them stays true; runs and a node's edges can change
        # under a concurrent writer, so they are locked before they are read (see LineageStore._hold).
        # A node or run two writers both create is left to the store's uniqueness constraint.
        self.held.lock(runs=[r.uid for r in records.runs])
        batch_uids = {n["uid"] for n in records.nodes}
        referenced = _referenced(records) - batch_uids
        # A batch's own nodes are read whole, to compare; the others it names need only be stored. Many
        # are looked up by key alone (see Held.stored_nodes), a few with the batch's: less than a
        # statement of their own (an OpenLineage event names one or two).
        whole = batch_uids if len(referenced) >= KEYS_ALONE_FROM else batch_uids | referenced
        stored = self.held.nodes.read(whole)
        new_nodes = self._new_nodes(records.nodes, stored)
        stored_uids = set(stored) | self.held.stored_nodes(referenced)
        missing = sorted(referenced - stored_uids)
        if missing:
            uid = missing[0]
            raise NotFound(f"{_referrer(records, uid)} names unknown node {uid}; record it in the same batch")
        self._check_run_references(records)
        new_edges = self._new_edges(records.edges, stored_uids)
        runs_to_create, run_changes, new_links, new_parents = self._merged_runs(records.runs)
        columns = ColumnWriter(self, batch_uids | stored_uids).plan(records.columns)
        self.total = len(new_nodes) + len(new_edges) + len(runs_to_create) + len(run_changes)

        self.held.created_nodes(n["uid"] for n in new_nodes)
        self._run_chunks("create_nodes", new_nodes)
        self.store._on_new_nodes(self.tx, new_nodes)
        self._run_chunks("create_runs", [r.to_record() for r in runs_to_create])
        self._run_chunks("update_runs", run_changes)
        for side, rows in new_links.items():
            self._run_chunks(f"link_{side}", rows, count=False)
        self._run_chunks("create_edges", new_edges)
        self.store._on_parents(self.tx, new_parents)
        columns.write()
        unchanged = len(records.nodes) - len(new_nodes) + len(records.edges) - len(new_edges)
        return WriteResult(len(new_nodes), len(new_edges), len(records.runs), unchanged)

    def _new_nodes(self, nodes: Sequence[Row], stored: Mapping[str, Row]) -> list[Row]:
        new = []
        for node in nodes:
            old = stored.get(node["uid"])
            if old is None:
                new.append(node)
            else:
                _check_same(node["uid"], old, node, "is already recorded with different")
        return new

    def _check_run_references(self, records: Records) -> None:
        """An edge's run and a run's parent must be stored or among the batch's runs."""
        named: set[str | None] = {e["run"] for e in records.edges} | {r.parent for r in records.runs}
        named |= {e["run"] for e in records.columns.edges}
        wanted = sorted(uid for uid in named - {r.uid for r in records.runs} if uid is not None)
        stored = stored_runs(self.tx, self.q, wanted)
        missing = [uid for uid in wanted if uid not in stored]
        if missing:
            uid = missing[0]
            referrer = _run_referrer(records, uid)
            raise NotFound(f"{referrer} names unknown run {uid}; record it in the same batch")

    def _new_edges(self, edges: Sequence[Row], stored_nodes: set[str]) -> list[Row]:
        """The edges not stored yet. Only a node stored before this write can have stored edges, so
        only those nodes' parents are read, once they are locked.

        An edge is the fact that one version derives from another. Stored with another run, it stays
        as first recorded: a retry that derived the same version again is a second producing run, and
        its own input and output links say so."""
        sources = list(dict.fromkeys(e["source"] for e in edges if e["source"] in stored_nodes))
        if not sources:
            return list(edges)
        self.held.lock(nodes=sources)
        stored = {e.key for e in self.store._parents_in(self.tx, sources)}
        return [e for e in edges if (e["source"], e["target"]) not in stored]

    def _merged_runs(
        self, runs: Sequence[Run]
    ) -> tuple[list[Run], list[Row], dict[str, list[Row]], list[Row]]:
        """The runs to create, the changes to stored runs, their new input and output links, and the
        parent links that are new (a run's parent, once set, never changes: Run.merged_with)."""
        stored = self.held.runs.read(r.uid for r in runs)
        create: list[Run] = []
        changes: list[Row] = []
        new_links: dict[str, list[Row]] = {"inputs": [], "outputs": []}
        parents: list[Row] = []
        for run in runs:
            old = stored.get(run.uid)
            merged = old.merged_with(run) if old else run
            _check_parent(merged)
            if old is None:
                create.append(merged)
            elif changed := _changed_fields(old, merged):
                changes.append({"uid": run.uid, "changes": changed})
            # What this write stores is what a read after it would find: the caller reads the run back
            # for its answer (record_event), and the two statements saved are a fifth of an event's.
            self.held.runs.remember(run.uid, merged)
            if merged.parent is not None and (old is None or old.parent is None):
                parents.append({"run": merged.uid, "parent": merged.parent})
            for side in new_links:
                before = set(getattr(old, side)) if old else set()
                new_links[side] += [
                    {"run": run.uid, "uid": uid, "recorded_at": run.recorded_at}
                    for uid in getattr(merged, side)
                    if uid not in before
                ]
        return create, changes, new_links, parents

    def _run_chunks(self, query: str, rows: list[Row], *, count: bool = True) -> None:
        for chunk in chunks(rows, self.store.write_chunk):
            self.store._create(self.tx, query, chunk)
            if count:
                self.done += len(chunk)
                if self.progress:
                    self.progress(self.done, self.total)


def _changed_fields(stored: Run, merged: Run) -> Row:
    """The stored fields the merge changes, with their new values: only these are written, since an
    engine may rewrite every property an update names (LadybugDB: 1.3 ms for all of a run's fields,
    0.27 ms for the two or three an end report changes). Links are not fields; uid and recorded_at
    never change."""
    before, after = stored.to_record(), merged.to_record()
    return {key: value for key, value in after.items() if value != before[key]}


def _check_parent(run: Run) -> None:
    if run.parent == run.uid:
        raise InvalidInput(f"run {run.uid} names itself as its parent")


def load_records(run: Tx, q: Callable[[str], str], uids: Iterable[str]) -> dict[str, Row]:
    """Stored node records by uid, through the store's reads or a write transaction alike."""
    found = {}
    for chunk in chunks(list(dict.fromkeys(uids))):
        for row in run(q("nodes_by_uid"), {"uids": chunk}):
            found[row["uid"]] = row
    return found


def load_nodes(run: Tx, q: Callable[[str], str], uids: Iterable[str]) -> dict[str, Node]:
    return {uid: Node.stored(record) for uid, record in load_records(run, q, uids).items()}


def load_runs(run: Tx, q: Callable[[str], str], uids: Iterable[str]) -> dict[str, Run]:
    """Runs by uid with their input and output links, through reads or a write transaction alike."""
    wanted = list(dict.fromkeys(uids))
    if len(wanted) == 1:
        return _load_run(run, q, wanted[0])
    rows = [row for chunk in chunks(wanted) for row in run(q("runs_by_uid"), {"uids": chunk})]
    # Links only for the runs found: a bulk write looks up many runs it is about to create. A link
    # read twice needs no care here: Run.from_record sorts each side and the Run drops repeats.
    links: dict[str, dict[str, list[str]]] = {row["uid"]: {"USED": [], "PRODUCED": []} for row in rows}
    for chunk in chunks(list(links)):
        for link in run(q("runs_links"), {"uids": chunk}):
            if link["side"] is not None:
                links[link["run"]][link["side"]].append(link["uid"])
    return {
        row["uid"]: Run.from_record(row, links[row["uid"]]["USED"], links[row["uid"]]["PRODUCED"])
        for row in rows
    }


def _load_run(run: Tx, q: Callable[[str], str], uid: str) -> dict[str, Run]:
    """One run, by two queries anchored on its key: a look-up by a single key is several times cheaper
    than by a list of them, and ingestion reads one run at every event. (One query with an OPTIONAL
    MATCH for the links took LadybugDB 2-3x as long as these two.)"""
    rows = run(q("run_by_uid"), {"uid": uid})
    if not rows:
        return {}
    links: dict[str, list[str]] = {"USED": [], "PRODUCED": []}
    for link in run(q("run_links"), {"uid": uid}):
        links[link["side"]].append(link["uid"])
    return {uid: Run.from_record(rows[0], links["USED"], links["PRODUCED"])}


def stored_nodes(run: Tx, q: Callable[[str], str], uids: Iterable[str]) -> set[str]:
    """Which of these nodes are stored: one key look-up each, without their records."""
    return {row["uid"] for chunk in chunks(list(uids)) for row in run(q("nodes_exist"), {"uids": chunk})}


def stored_runs(run: Tx, q: Callable[[str], str], uids: Iterable[str]) -> set[str]:
    """Which of these runs are stored: one key look-up each, without their links."""
    return {row["uid"] for chunk in chunks(list(uids)) for row in run(q("runs_exist"), {"uids": chunk})}


def load_versions(
    run: Tx, q: Callable[[str], str], names: Iterable[tuple[NodeKind, str]], *, one_by_one: int
) -> dict[tuple[NodeKind, str], list[Node]]:
    """Every version of each name, oldest recorded first, through reads or a write transaction alike.
    Up to ``one_by_one`` names are looked up a name per statement (LineageStore.lookups_one_by_one)."""
    keys = [name_key(NodeKind(k), n) for k, n in dict.fromkeys(names)]
    rows = by_key(run, q("name_versions"), q("versions"), keys, one_by_one)
    found: dict[tuple[NodeKind, str], list[Node]] = defaultdict(list)
    for row in sorted(rows, key=_recorded_order):
        node = Node.stored(row)
        found[(node.kind, node.name)].append(node)
    return dict(found)


def _recorded_order(row: Row) -> tuple[bool, str, str]:
    """Oldest recorded first, then by version; unstamped last, as Cypher's ORDER BY puts nulls."""
    return (row["recorded_at"] is None, row["recorded_at"] or "", row["version"])


def name_key(kind: NodeKind, name: str) -> dict[str, str]:
    """The parameters that find a name's versions: kind and name, and the ``kind:name`` key LadybugDB
    looks them up by."""
    return {"kind": kind.value, "name": name, "key": f"{kind.value}:{name}"}


class ReadOnce(Generic[V]):
    """What one transaction has read by key, so that it is read once: ``read`` loads only the keys not
    read yet (remembering those found absent too), ``forget`` drops keys about to be written, and
    ``remember`` keeps what the transaction writes."""

    def __init__(self, load: Callable[[list[str]], Mapping[str, V]]) -> None:
        self._load = load
        self._read: dict[str, V | None] = {}

    def read(self, keys: Iterable[str]) -> dict[str, V]:
        """The stored values among ``keys``, by key."""
        wanted = list(dict.fromkeys(keys))
        missing = [k for k in wanted if k not in self._read]
        found = self._load(missing) if missing else {}
        self._read.update((k, found.get(k)) for k in missing)
        return {k: value for k in wanted if (value := self._read[k]) is not None}

    def known(self, keys: Iterable[str]) -> dict[str, V | None]:
        """What is known of ``keys`` without a read: the value of each read already (``None`` for one
        found absent)."""
        return {k: self._read[k] for k in keys if k in self._read}

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._read.pop(key, None)

    def remember(self, key: str, value: V) -> None:
        """``value`` is what ``key`` holds from here on: the transaction is writing it."""
        self._read[key] = value


class Held:
    """What one write transaction has locked (see LineageStore._hold): a lock is held until the
    transaction ends, so each run or node is locked once, however often it is read. And what it has
    read that cannot change before it ends, so that it is read once."""

    def __init__(self, store: LineageStore, tx: Tx) -> None:
        self.store = store
        self.tx = tx
        self.uids: set[tuple[str, str]] = set()
        # Runs as read while held, or as this transaction wrote them: nothing else can change them
        # until it ends, so neither the writer nor its caller reads a run again.
        self.runs: ReadOnce[Run] = ReadOnce(lambda uids: load_runs(tx, store._q, uids))
        # Node records as read. A version never changes once stored. One that was absent may be created
        # by another writer meanwhile only on Neo4j, where creating it here meets that writer at the
        # uniqueness constraint and the transaction is decided again (Neo4jStore._creating), with a
        # new Held.
        self.nodes: ReadOnce[Row] = ReadOnce(lambda uids: load_records(tx, store._q, uids))
        # And, for nodes whose records are not wanted, whether each is stored (the same holds of it).
        self._stored: ReadOnce[bool] = ReadOnce(
            lambda uids: dict.fromkeys(stored_nodes(tx, store._q, uids), True)
        )

    def stored_nodes(self, uids: Iterable[str]) -> set[str]:
        """Which of these nodes are stored: those read already are known, the others are looked up by
        key alone. A bulk write names many nodes it does not write (its edges' parents), and reading
        their whole records was two thirds of its look-ups' time on a 1M-node graph (measured)."""
        wanted = set(uids)
        known = self.nodes.known(wanted)
        found = {uid for uid, record in known.items() if record is not None}
        return found | self._stored.read(wanted - known.keys()).keys()

    def created_nodes(self, uids: Iterable[str]) -> None:
        """These nodes are stored from here on: forget that they were found absent."""
        uids = list(uids)
        self.nodes.forget(uids)
        self._stored.forget(uids)

    def lock(self, *, runs: Iterable[str] = (), nodes: Iterable[str] = ()) -> None:
        new_runs = [u for u in runs if ("run", u) not in self.uids]
        new_nodes = [u for u in nodes if ("node", u) not in self.uids]
        if new_runs or new_nodes:
            self.store._hold(self.tx, runs=new_runs, nodes=new_nodes)
            self.uids.update(("run", u) for u in new_runs)
            self.uids.update(("node", u) for u in new_nodes)


class Transaction:
    """Reads and writes inside one write transaction (``LineageStore.transaction``): what a caller
    decides from what it reads here is written in the same transaction, so nothing can change between
    the decision and the write."""

    def __init__(self, store: LineageStore, tx: Tx) -> None:
        self.store = store
        self.tx = tx
        self.held = Held(store, tx)

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        return {uid: Node.stored(record) for uid, record in self.held.nodes.read(uids).items()}

    def get_run(self, uid: str) -> Run | None:
        """The run as stored, held (see LineageStore._hold) until the transaction ends: a concurrent
        report of the same run waits for this one, then reads what it wrote."""
        self.held.lock(runs=[uid])
        return self.held.runs.read([uid]).get(uid)

    def versions_of(self, names: Iterable[tuple[NodeKind, str]]) -> dict[tuple[NodeKind, str], list[Node]]:
        return load_versions(self.tx, self.store._q, names, one_by_one=self.store.lookups_one_by_one)

    def stored_runs(self, uids: Iterable[str]) -> set[str]:
        """Which of these runs are stored, without holding or reading them."""
        return stored_runs(self.tx, self.store._q, uids)

    def write(self, batch: Batch) -> WriteResult:
        """Record a batch as ``LineageStore.write`` does, in this transaction."""
        records = records_of(deduplicated(batch), now())
        return Writer(self.store, self.tx, held=self.held).write(records)

    def write_names(self, records: NameRecords) -> int:
        """Record OpenLineage subjects, facet records and feeds not stored yet (lineage/facets.py);
        returns how many were new."""
        return write_names(self.tx, self.store, records, now())


def _referenced(records: Records) -> set[str]:
    uids = {u for e in records.edges for u in (e["source"], e["target"])}
    uids |= records.columns.nodes()
    return uids | {u for r in records.runs for u in (*r.inputs, *r.outputs)}


def _referrer(records: Records, uid: str) -> str:
    for edge in records.edges:
        if uid in (edge["source"], edge["target"]):
            return f"edge {edge['source']} -> {edge['target']}"
    if referrer := records.columns.referrer(uid):
        return referrer
    run = next(r for r in records.runs if uid in (*r.inputs, *r.outputs))
    return f"run {run.uid}"


def _run_referrer(records: Records, uid: str) -> str:
    """What in the batch names run ``uid``: the first edge, run (as its parent) or column edge."""
    for edge in records.edges:
        if edge["run"] == uid:
            return f"edge {edge['source']} -> {edge['target']}"
    for run in records.runs:
        if run.parent == uid:
            return f"run {run.uid} (as its parent)"
    column_edge = next(e for e in records.columns.edges if e["run"] == uid)
    return f"column edge {column_edge['source']} -> {column_edge['target']}"


def deduplicated(batch: Batch) -> Batch:
    """Collapse exact repeats inside one batch; differing repeats are a conflict within the batch."""
    nodes: dict[str, Node] = {}
    for node in batch.nodes:
        first = nodes.setdefault(node.uid, node)
        if first is not node and first.content() != node.content():
            raise Conflict(f"{node.uid} appears twice in the batch with different content")
    runs: dict[str, Run] = {}
    for run in batch.runs:
        runs[run.uid] = runs[run.uid].merged_with(run) if run.uid in runs else run
    edges: dict[tuple[str, str], Any] = {}
    for edge in batch.edges:
        if edges.setdefault((edge.source, edge.target), edge).run != edge.run:
            raise Conflict(
                f"edge {edge.source} -> {edge.target} appears twice in the batch with different runs"
            )
    return deduplicated_columns(
        batch, Batch(nodes=tuple(nodes.values()), runs=tuple(runs.values()), edges=tuple(edges.values()))
    )
