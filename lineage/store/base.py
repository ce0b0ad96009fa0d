"""The storage contract, written once on top of a handful of backend primitives.

A backend supplies five things: a read (``_read``), a write transaction (``_write``), a guarded raw
read (``_raw_read``), a profiled query (``_profile``, for the plan tests) and ``close``; it may take
over three steps of a write (``_hold``, ``_create``, ``_on_new_nodes``). Everything a user calls is
here or in the write path (``_writer.py``), so validation, conflict detection, traversal and
pagination behave the same on every backend; the contract tests hold them to it.
"""

from __future__ import annotations

import base64
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

from lineage import collector, cypher
from lineage.columns import ColumnEdge, ColumnGraph, Field, field_key
from lineage.errors import InvalidInput, NotFound
from lineage.facets import Facet, Feed, NameRecords, Subject, history
from lineage.model import (
    Batch,
    Edge,
    Node,
    NodeKind,
    NodePage,
    Prediction,
    Run,
    Subgraph,
    WriteResult,
    now,
    parse_time,
    parse_uid,
)
from lineage.query import DEFAULT_DEPTH, keep_kinds, recorded_by, validate_depth
from lineage.store import _columns
from lineage.store._names import load_facets, load_feeds, load_subjects, write_names
from lineage.store._predictions import NotAllNew, PredictionColumns, check_inputs_stored
from lineage.store._rows import CHUNK, ProgressFn, Row, Tx, chunks
from lineage.store._writer import (
    Transaction,
    Writer,
    deduplicated,
    load_nodes,
    load_runs,
    load_versions,
    records_of,
)

T = TypeVar("T")

MAX_PAGE = 1000
MAX_LIMIT = 1_000_000
_NO_LIMIT = 2**62
_END_OF_TIME = "9999"


@dataclass(frozen=True)
class PlanStep:
    """One operator of an executed query plan and how many rows it produced."""

    operator: str
    rows: int


@dataclass(frozen=True)
class RawResult:
    columns: list[str]
    rows: list[Row]
    truncated: bool


class LineageStore(ABC):
    """A lineage graph of immutable node versions, runs and DERIVED_FROM edges."""

    backend: ClassVar[str]
    write_chunk: ClassVar[int] = CHUNK
    """Rows per create statement of a write."""
    lookups_one_by_one: ClassVar[int] = 1
    """Up to this many keys, a look-up that follows relationships from each (a name's versions, a
    subject's feeds) runs a statement per key rather than one over the list: Neo4j seeks its index
    either way and pays a round trip per statement."""
    url: str

    # --- backend primitives -------------------------------------------------------------------------

    @abstractmethod
    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        """Run a read-only query. Node and relationship values come back as plain property dicts."""

    @abstractmethod
    def _write(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` in one write transaction: commit when it returns, roll back when it raises.

        ``work`` may be run more than once (a cluster may retry it), so it must not have side effects
        outside the transaction.
        """

    @abstractmethod
    def _raw_read(self, text: str, params: Mapping[str, Any], limit: int, timeout: float) -> RawResult:
        """Run user-written Cypher in a transaction the database itself holds read-only."""

    @abstractmethod
    def _profile(self, query: str, params: Mapping[str, Any]) -> list[PlanStep]:
        """Run a query under the engine's profiler in a transaction that is rolled back, and return
        each operator of its plan with the rows it produced: what the plan tests read."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and files. The store cannot be used afterwards."""

    def _reading(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` with a query function whose queries share one read transaction where the backend
        has them (Neo4j: one snapshot, and a round trip instead of one per query)."""
        return work(self._read)

    def ping(self) -> None:
        """Raise StoreUnavailable when the store cannot answer a trivial query."""
        self._read("RETURN 1 AS ok", {})

    def __enter__(self) -> LineageStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _q(self, name: str) -> str:
        return cypher.load(name, self.backend)

    def _create(self, tx: Tx, query: str, rows: list[Row]) -> None:
        """Run one of the create or link queries over ``rows`` inside the write transaction; a backend
        with a faster bulk path for large chunks takes them here."""
        tx(self._q(query), {"rows": rows})

    def _hold(  # noqa: B027
        self,
        tx: Tx,
        *,
        runs: Iterable[str] = (),
        nodes: Iterable[str] = (),
        subjects: Iterable[str] = (),
    ) -> None:
        """Inside a write transaction, before reading what it decides on: hold the stored runs and nodes
        among these uids, and the OpenLineage subjects among these keys (stored or not), until the
        transaction ends, so a concurrent writer of the same runs and edges
        waits and then reads what this one wrote. A no-op where writes already take turns (LadybugDB);
        a hook, empty by default."""

    def _on_parents(self, tx: Tx, rows: Sequence[Row]) -> None:  # noqa: B027 (a hook, empty by default)
        """Called inside the write transaction with the runs (``{"run", "parent"}`` rows) whose parent
        was set by this write: a backend that finds child runs through a link makes it here."""

    def _on_new_nodes(self, tx: Tx, rows: Sequence[Row]) -> None:  # noqa: B027 (a hook, empty by default)
        """Called inside the write transaction after nodes are created (as ``rows`` of their stored
        fields): a backend that keeps a look-up structure beside them updates it here."""

    # --- writing ------------------------------------------------------------------------------------

    @collector.paused()
    def write(
        self, batch: Batch, *, progress: ProgressFn | None = None, names: NameRecords | None = None
    ) -> WriteResult:
        """Record a batch of nodes, runs and edges atomically.

        Re-recording an identical node or edge is a no-op; a node uid already stored with other content,
        or an edge already stored with another run, raises Conflict naming the uid and the fields, and
        nothing is written. An edge or run link naming a uid that is neither in the batch nor in the
        store raises NotFound. Records without ``recorded_at`` are stamped with the time of the write.
        ``names``: OpenLineage subjects, facet records and feeds to record in the same transaction (an
        import), those not stored yet.
        """
        at = now()
        records = records_of(deduplicated(batch), at)

        def work(tx: Tx) -> WriteResult:
            result = Writer(self, tx, progress).write(records)
            if names is not None:
                write_names(tx, self, names, at)
            return result

        return self._write(work)

    def transaction(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` with reads and writes in one write transaction, and return what it returns.

        Decide from what ``work`` reads through the Transaction and write through it: the decision and
        the write land together or not at all. Neo4j may run ``work`` again on a transient error, so it
        must have no effects outside the transaction.
        """
        return self._write(lambda tx: work(Transaction(self, tx)))

    def record_predictions(
        self, model_uid: str, predictions: Iterable[Prediction], *, run: Run | None = None
    ) -> WriteResult:
        """Record logged predictions of a model version in bulk, atomically: the same graph as writing
        ``predictions_batch(model_uid, predictions, run=run)``, the same checks, several times faster.

        Each prediction derives from the model version, its feature versions and its parent
        predictions, all of which must be stored already or be among ``predictions``.
        """
        batch = PredictionColumns.of(model_uid, predictions, at=now())

        def create(tx: Tx) -> WriteResult:
            check_inputs_stored(tx, self._q, batch)
            return self._create_predictions(tx, batch)

        if run is None and not batch.derives_within:
            try:
                return self._write(create)
            except NotAllNew:
                pass  # the general writer tells a prediction recorded alike from a conflicting one
        records = batch.records(run)
        return self._write(lambda tx: Writer(self, tx).write(records))

    @abstractmethod
    def _create_predictions(self, tx: Tx, batch: PredictionColumns) -> WriteResult:
        """Create the predictions of ``batch`` and their edges, all in one or a few statements; every
        input is stored (checked before, in the same transaction). Raises NotAllNew, to roll the
        transaction back, when a prediction is stored already or another transaction creates one
        meanwhile."""

    # --- reading nodes ------------------------------------------------------------------------------

    def get_node(self, uid: str) -> Node | None:
        """The version ``uid`` names: its own uid, or an alias of it (``lineage.columns.Alias``)."""
        parse_uid(uid)
        return self._reading(lambda read: self._node_in(read, uid))

    def _node_in(self, read: Tx, uid: str) -> Node | None:
        rows = read(self._q("node_by_uid"), {"uid": uid})
        if not rows:
            # Only a uid that names no version costs the second look-up, by the alias's key.
            alias = _columns.aliases_of(read, self._q, [uid]).get(uid)
            rows = read(self._q("node_by_uid"), {"uid": alias.uid}) if alias else []
        return Node.stored(rows[0]) if rows else None

    def resolve_alias(self, uid: str) -> str | None:
        """The uid of the version that ``uid`` is an alias of, or ``None``."""
        alias = _columns.aliases_of(self._read, self._q, [uid]).get(uid)
        return None if alias is None else alias.uid

    # --- columns ------------------------------------------------------------------------------------

    def fields(self, uids: Iterable[str]) -> dict[str, list[Field]]:
        """The recorded fields (columns) of each node among ``uids``, by name; nodes without any are
        absent."""
        return _columns.fields_of(self._read, self._q, uids)

    def column_sources(self, uids: Iterable[str]) -> dict[str, list[tuple[Field, list[ColumnEdge]]]]:
        """Each node's fields, each with the column edges to the input columns it was derived from."""
        return self._reading(lambda read: _columns.sources_of_columns(read, self._q, uids))

    def column_lineage(
        self, uid: str, field: str, *, direction: str = "upstream", depth: int = 10
    ) -> ColumnGraph:
        """The columns that column ``field`` of ``uid`` (or of the version it is an alias of) was
        derived from (``upstream``) or that were derived from it (``downstream``), up to ``depth`` hops,
        each once, with the column edges among them."""
        validate_depth(depth)
        if direction not in ("upstream", "downstream"):
            raise InvalidInput(f"direction {direction!r}: upstream or downstream")

        def answer(read: Tx) -> ColumnGraph:
            node = self._node_in(read, uid)
            if node is None:
                raise NotFound(f"no node {uid}")
            key = field_key(node.uid, field)
            root = _columns.fields_by_key(read, self._q, [key]).get(key)
            if root is None:
                raise NotFound(f"{node.uid} has no recorded field {field!r}")
            return _columns.column_graph(read, self._q, root, direction, depth)

        parse_uid(uid)
        return self._reading(answer)

    def child_runs(self, uid: str) -> list[Run]:
        """The runs that ran inside run ``uid`` (their ``parent``), by uid."""
        uids = [row["uid"] for row in self._read(self._q("child_runs"), {"uid": uid})]
        runs = self.get_runs(uids)
        return [runs[u] for u in sorted(runs)]

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        """The stored nodes among ``uids``, by uid; unknown uids are simply absent."""
        return load_nodes(self._read, self._q, uids)

    def list_nodes(
        self,
        *,
        kind: NodeKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: str | None = None,
    ) -> NodePage:
        """Nodes ordered by uid, filtered by kind and a case-insensitive substring of name, uid, owner
        or description, and recorded by ``as_of`` when it is given.

        ``after`` is the ``end_cursor`` of the previous page.
        """
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput(f"page size {first} out of range: 1 to {MAX_PAGE}")
        filters = {
            "kind": NodeKind(kind).value if kind else "",
            "search": (search or "").lower(),
            "as_of": _as_of(as_of),
        }
        rows = self._read(
            self._q("list_nodes"), {**filters, "after": decode_cursor(after), "limit": first + 1}
        )
        nodes = tuple(Node.stored(row) for row in rows[:first])
        total = self._read(self._q("count_nodes"), filters)[0]["total"]
        end = encode_cursor(nodes[-1].uid) if nodes else None
        return NodePage(nodes=nodes, total=total, has_next=len(rows) > first, end_cursor=end)

    def versions(self, kind: NodeKind, name: str) -> list[Node]:
        """Every version of a name, oldest recorded first."""
        return self.versions_of([(NodeKind(kind), name)]).get((NodeKind(kind), name), [])

    def versions_of(
        self, names: Iterable[tuple[NodeKind, str]], *, as_of: str | None = None
    ) -> dict[tuple[NodeKind, str], list[Node]]:
        """Versions of many names, each list oldest first (a query per name for a few, else one for
        them all: ``lookups_one_by_one``); with ``as_of``, only those recorded by then (a name with
        none is absent)."""
        return recorded_by(
            load_versions(self._read, self._q, names, one_by_one=self.lookups_one_by_one), as_of
        )

    def kind_versions(self, kind: NodeKind, *, first: int = 50, after: str | None = None) -> NodePage:
        """The versions of one kind in uid order, a page at a time (``after``: the previous page's
        ``end_cursor``), read through the name look-up rather than the node table, so a pass over the
        models never reads the millions of predictions beside them. ``total`` is the page's size: the
        pass does not count what lies ahead."""
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput(f"page size {first} out of range: 1 to {MAX_PAGE}")
        value = NodeKind(kind).value
        params = {"kind": value, "prefix": f"{value}:", "after": decode_cursor(after), "limit": first + 1}
        rows = self._read(self._q("kind_versions"), params)
        nodes = tuple(Node.stored(row) for row in rows[:first])
        end = encode_cursor(nodes[-1].uid) if nodes else None
        return NodePage(nodes=nodes, total=len(nodes), has_next=len(rows) > first, end_cursor=end)

    # --- runs -------------------------------------------------------------------------------------

    def get_run(self, uid: str) -> Run | None:
        """A run with the uids of its inputs and outputs."""
        return self.get_runs([uid]).get(uid)

    def get_runs(self, uids: Iterable[str]) -> dict[str, Run]:
        return load_runs(self._read, self._q, uids)

    def produced_by(self, uids: Iterable[str]) -> dict[str, str]:
        """The uid of the run that produced each node, for the nodes a run produced (the first run
        recorded, should several claim it)."""
        found: dict[str, tuple[str, str]] = {}
        for chunk in chunks(list(dict.fromkeys(uids))):
            for row in self._read(self._q("produced_by"), {"uids": chunk}):
                key = (row["recorded_at"] or "", row["run"])
                if row["uid"] not in found or key < found[row["uid"]]:
                    found[row["uid"]] = key
        return {uid: run for uid, (_, run) in found.items()}

    def producing_runs(self, uids: Iterable[str]) -> dict[str, Run]:
        """The run that produced each node (see ``produced_by``), whole: two queries for any number."""
        run_of = self.produced_by(uids)
        runs = self.get_runs(set(run_of.values()))
        return {uid: runs[run] for uid, run in run_of.items() if run in runs}

    def recent_runs(self, limit: int = 20, *, as_of: str | None = None) -> list[Run]:
        """The runs recorded last (by ``as_of``, when it is given), newest first."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit {limit} out of range: 1 to {MAX_PAGE}")
        params = {"limit": limit, "as_of": _as_of(as_of)}
        uids = [row["r"]["uid"] for row in self._read(self._q("recent_runs"), params)]
        runs = self.get_runs(uids)
        return [runs[uid] for uid in uids]

    def search_runs(self, search: str, limit: int = 20, *, as_of: str | None = None) -> list[Run]:
        """The most recently recorded runs (by ``as_of``, when given) whose name or environment (the
        OpenLineage job facets: SQL, job type, owners, description) holds ``search``, case-insensitively,
        newest first.

        A scan of the runs, like the node search: there is no index on text within text."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit {limit} out of range: 1 to {MAX_PAGE}")
        params = {"search": search.lower(), "limit": limit, "as_of": _as_of(as_of)}
        rows = self._read(self._q("search_runs"), params)
        runs = self.get_runs(row["uid"] for row in rows)
        return [runs[row["uid"]] for row in rows]

    # --- OpenLineage names and facets (lineage/facets.py) -------------------------------------------

    def facets(self, subject: str) -> list[Facet]:
        """Every facet record of ``subject`` (``run:<runId>``, ``job:<ns>:<name>``, ...), as stored;
        ``lineage.facets.current`` and ``history`` order them."""
        return self.facets_of([subject]).get(subject, [])

    def facets_of(self, subjects: Iterable[str]) -> dict[str, list[Facet]]:
        """The facet records of many subjects in one query, by subject (absent: none)."""
        return load_facets(self._read, self._q, subjects)

    def subjects(self, keys: Iterable[str]) -> dict[str, Subject]:
        """The stored subjects among ``keys``, by key."""
        return load_subjects(self._read, self._q, keys)

    def feeds(self, keys: Iterable[str], *, out: bool) -> list[Feed]:
        """The feeds out of (``out``) or into the subjects ``keys``, both declared and observed."""
        return load_feeds(self._read, self._q, keys, out=out, one_by_one=self.lookups_one_by_one)

    # --- traversal --------------------------------------------------------------------------------

    def upstream(
        self,
        uid: str,
        *,
        depth: int = DEFAULT_DEPTH,
        kinds: Iterable[NodeKind] | None = None,
        as_of: str | None = None,
        limit: int | None = None,
    ) -> Subgraph:
        """What ``uid`` was derived from, up to ``depth`` DERIVED_FROM hops and ``limit`` nodes besides
        the root (nearest first)."""
        return self._traverse(uid, "upstream", depth, kinds, as_of, limit)

    def downstream(
        self,
        uid: str,
        *,
        depth: int = DEFAULT_DEPTH,
        kinds: Iterable[NodeKind] | None = None,
        as_of: str | None = None,
        limit: int | None = None,
    ) -> Subgraph:
        """What was derived from ``uid``, up to ``depth`` hops and ``limit`` nodes: what a change to it
        affects."""
        return self._traverse(uid, "downstream", depth, kinds, as_of, limit)

    def _traverse(
        self,
        uid: str,
        direction: str,
        depth: int,
        kinds: Iterable[NodeKind] | None,
        as_of: str | None,
        limit: int | None,
    ) -> Subgraph:
        validate_depth(depth)
        validate_limit(limit)
        cutoff = parse_time(as_of) if as_of else _END_OF_TIME
        parse_uid(uid)
        return self._reading(
            lambda read: self._traverse_in(read, uid, direction, depth, kinds, cutoff, limit)
        )

    def _traverse_in(
        self,
        read: Tx,
        uid: str,
        direction: str,
        depth: int,
        kinds: Iterable[NodeKind] | None,
        cutoff: str,
        limit: int | None,
    ) -> Subgraph:
        root = self._node_in(read, uid)
        if root is None:
            raise NotFound(f"no node {uid}")
        uid = root.uid  # an alias traverses from the version it stands for
        if root.recorded_at and root.recorded_at > cutoff:
            raise NotFound(f"node {uid} was recorded at {root.recorded_at}, after {cutoff}")
        # Three queries whatever the depth, each anchored on the root's key or on the uids found: the
        # engine's breadth-first search finds the nodes (nearest first, stopping at the limit), one
        # query reads their parents' edges (the same search again, one hop further, unless the limit
        # cut it: then by the keys kept), and one probe looks a hop past the depth bound. Distances
        # are then a breadth-first search in memory over the edges recorded by ``cutoff``.
        found = self._reach(read, direction, uid, depth, limit)
        cut_by_limit = limit is not None and len(found) > limit
        nodes = {root.uid: root} | {n.uid: n for n in found[:limit] if (n.recorded_at or "") <= cutoff}
        if cut_by_limit:
            read_parents = self._parents_in(read, nodes)
        else:
            read_parents = self._reached_parents(read, direction, uid, depth)
        parents = [e for e in read_parents if (e.recorded_at or "") <= cutoff]
        edges = [e for e in parents if e.source in nodes and e.target in nodes]
        depths = distances(uid, edges, direction, depth)
        kept = [e for e in edges if e.source in depths and e.target in depths]
        edge_cut = self._beyond(read, direction, depths, depth, parents, cutoff)
        return self._subgraph(root, nodes, depths, kept, kinds, truncated=cut_by_limit or edge_cut)

    def _reach(self, read: Tx, direction: str, uid: str, depth: int, limit: int | None) -> list[Node]:
        """The nodes within ``depth`` hops, nearest first, one more than ``limit`` at most."""
        query = self._q(f"{direction}_reach").replace("{max_depth}", str(depth))
        query = query.replace("{nearest_limit}", "" if limit is None else "ORDER BY depth, uid LIMIT $limit")
        bound = _NO_LIMIT if limit is None else limit + 1
        return [Node.stored(row) for row in read(query, {"uid": uid, "limit": bound})]

    def _parents(self, uids: Iterable[str]) -> list[Edge]:
        """The DERIVED_FROM edges out of each node: what each was derived from."""
        return self._parents_in(self._read, uids)

    def _parents_in(self, run: Tx, uids: Iterable[str]) -> list[Edge]:
        """``_parents`` through the store's reads or a write transaction alike."""
        return [
            edge
            for chunk in chunks(list(uids))
            for edge in _stored_edges(run(self._q("parents"), {"uids": chunk}))
        ]

    def _reached_parents(self, read: Tx, direction: str, uid: str, depth: int) -> list[Edge]:
        """The parents of ``uid`` and of every node within ``depth`` hops of it, by the same search
        again, one hop further: both engines answer that faster than a look-up of each node found by
        its key (for the 6,279 parents of the bench's 1,669 nodes downstream, LadybugDB 14 against
        30 ms, Neo4j 37-40 against 46-58 ms)."""
        query = self._q(f"{direction}_parents").replace("{max_depth}", str(depth))
        return list(_stored_edges(read(query, {"uid": uid})))

    def _beyond(
        self,
        read: Tx,
        direction: str,
        depths: Mapping[str, int],
        depth: int,
        parents: Iterable[Edge],
        cutoff: str,
    ) -> bool:
        """Whether anything lies one hop past the depth bound. Upstream, the parents already read say
        so; downstream, a probe asks whether anything derives from the deepest nodes."""
        deepest = [u for u, d in depths.items() if d == depth]
        if not deepest:
            return False
        if direction == "upstream":
            edge_of = set(deepest)
            return any(e.source in edge_of and e.target not in depths for e in parents)
        return any(
            read(self._q("children_exist"), {"uids": chunk, "as_of": cutoff}) for chunk in chunks(deepest)
        )

    def _subgraph(
        self,
        root: Node,
        nodes: Mapping[str, Node],
        depths: dict[str, int],
        edges: list[Edge],
        kinds: Iterable[NodeKind] | None,
        truncated: bool,
    ) -> Subgraph:
        ordered = tuple(sorted((nodes[u] for u in depths), key=lambda n: (depths[n.uid], n.uid)))
        # Edges in the nodes' order, each node's by parent: the engines return rows in no set order
        # (LadybugDB's from several threads), and the same question must get the same answer.
        linking = sorted(edges, key=lambda e: (depths[e.source], e.source, e.target, e.run or ""))
        whole = Subgraph(root=root, nodes=ordered, edges=tuple(linking), depths=depths, truncated=truncated)
        return keep_kinds(whole, kinds)

    def path(self, source: str, target: str) -> list[Node] | None:
        """The shortest DERIVED_FROM chain between two nodes, in either direction, from ``source`` to
        ``target``; None when they are not connected."""
        ends = self.get_nodes([source, target])
        for uid in (source, target):
            if uid not in ends:
                raise NotFound(f"no node {uid}")
        if source == target:
            return [ends[source]]
        for a, b, flip in ((source, target, False), (target, source, True)):
            rows = self._read(self._q("path"), {"source": a, "target": b})
            if rows:
                between = self.get_nodes(rows[0]["between"])
                nodes = [ends[a], *(between[uid] for uid in rows[0]["between"]), ends[b]]
                return nodes[::-1] if flip else nodes
        return None

    # --- raw Cypher, stats, export ------------------------------------------------------------------

    def cypher(
        self, text: str, params: Mapping[str, Any] | None = None, *, limit: int = 1000, timeout: float = 10.0
    ) -> RawResult:
        """Run one Cypher statement that only reads the store.

        The engine decides what the statement does, from its own parse and plan, and runs it in a
        transaction it holds read-only. Raises InvalidInput for what is not one valid statement (or a
        limit or timeout out of range) and ReadOnlyViolation for a statement that would do more than read:
        write, control the transaction, read or write files, or reach another database.
        """
        if not text.strip():
            raise InvalidInput("empty Cypher query")
        if not 1 <= limit <= 100_000:
            raise InvalidInput(f"row limit {limit} out of range: 1 to 100000")
        if not 0 < timeout <= 600:
            raise InvalidInput(f"timeout {timeout} out of range: above 0 to 600 seconds")
        return self._raw_read(text, params or {}, limit, timeout)

    def stats(self) -> dict[str, int]:
        """Counts of nodes per kind (every kind present, zero or not), runs and edges."""
        counts = self.counts_by_kind()
        counts["runs"] = self._read(self._q("count_runs"), {})[0]["count"]
        counts["edges"] = self._read(self._q("count_edges"), {})[0]["count"]
        return counts

    def counts_by_kind(self, as_of: str | None = None) -> dict[str, int]:
        """Nodes per kind (every kind present, zero or not), recorded by ``as_of`` when it is given."""
        counts = {kind.value: 0 for kind in NodeKind}
        for row in self._read(self._q("count_by_kind"), {"as_of": _as_of(as_of)}):
            counts[row["kind"]] = row["count"]
        return counts

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every node, run and edge, then the columns and aliases, then every OpenLineage subject with its
        facet records and the feeds out of it, as export records, in a fixed order so equal graphs
        export equal."""
        for uids in self._pages("page_nodes"):
            for _uid, node in sorted(self.get_nodes(uids).items()):
                yield {"type": "node", **node.to_record()}
        for uids in self._pages("page_runs"):
            for _uid, run in sorted(self.get_runs(uids).items()):
                yield {
                    "type": "run",
                    **run.to_record(),
                    "inputs": list(run.inputs),
                    "outputs": list(run.outputs),
                }
        for uids in self._pages("page_nodes"):
            for edge in sorted(self._parents(uids), key=lambda e: e.key):
                yield {"type": "edge", **edge.to_record()}
        yield from self._export_columns()
        yield from self._export_names()

    def _export_columns(self) -> Iterator[dict[str, Any]]:
        """Fields, column edges and aliases, each in key order (export records added in format 1:
        an older export simply has none)."""
        for keys in self._pages("page_fields"):
            for _key, found in sorted(_columns.fields_by_key(self._read, self._q, keys).items()):
                yield {"type": "field", **found.to_record()}
        for keys in self._pages("page_fields"):
            found_edges = _columns.column_edges_of(self._read, self._q, keys)
            for column_edge in sorted(found_edges, key=lambda e: e.key):
                yield {"type": "column_edge", **column_edge.to_record()}
        for keys in self._pages("page_aliases"):
            for _key, alias in sorted(_columns.aliases_of(self._read, self._q, keys).items()):
                yield {"type": "alias", **alias.to_record()}

    def _export_names(self) -> Iterator[dict[str, Any]]:
        """OpenLineage subjects, each with its facet records, and the feeds out of them (export records
        added in format 1: an older export simply has none)."""
        for keys in self._pages("page_subjects"):
            for _key, subject in sorted(self.subjects(keys).items()):
                yield {"type": "subject", **subject.to_record()}
                for facet in history(self.facets(subject.key)):
                    yield {"type": "facet", **facet.to_record()}
            for feed in sorted(self.feeds(keys, out=True), key=lambda f: (f.origin, f.destination, f.how)):
                yield {"type": "feed", **feed.to_record()}

    def _pages(self, query: str) -> Iterator[list[str]]:
        """The keys of every node, run, field or alias, a page at a time, by keyset on the key."""
        after = ""
        while rows := self._read(self._q(query), {"after": after, "limit": CHUNK}):
            yield [row["uid"] for row in rows]
            after = rows[-1]["uid"]


class _Linking(Protocol):
    @property
    def key(self) -> tuple[str, str]: ...


def _stored_edges(rows: Iterable[Row]) -> Iterator[Edge]:
    """DERIVED_FROM edges from rows of source, target, run and recorded_at; a row without a target
    (a node without parents, from an OPTIONAL MATCH) is none."""
    for row in rows:
        if row["target"] is not None:
            yield Edge.stored(
                source=row["source"], target=row["target"], run=row["run"], recorded_at=row["recorded_at"]
            )


def distances(root: str, edges: Iterable[_Linking], direction: str, bound: int) -> dict[str, int]:
    """Hops from ``root`` to everything within ``bound`` along edges keyed (derived, origin): node
    uids of DERIVED_FROM edges, field keys of column edges. Breadth first with a visited set: a
    diamond costs one visit per node, never one per path, and a cycle ends the search."""
    following: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        source, target = edge.key
        near, far = (source, target) if direction == "upstream" else (target, source)
        following[near].append(far)
    depths = {root: 0}
    frontier = [root]
    for level in range(1, bound + 1):
        frontier = [far for near in frontier for far in following[near] if far not in depths]
        frontier = list(dict.fromkeys(frontier))
        depths.update(dict.fromkeys(frontier, level))
    return depths


def _as_of(as_of: str | None) -> str:
    """An "as of" filter parameter: the stored form of the time, or "" for none (LadybugDB cannot type
    a null parameter)."""
    return parse_time(as_of) if as_of else ""


def validate_limit(limit: int | None, name: str = "limit") -> None:
    """Refuse a traversal limit out of range, naming it as the caller knows it (``first`` in GraphQL)."""
    if limit is None:
        return
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"{name} {limit!r} out of range: a whole number from 1 to {MAX_LIMIT}")


def encode_cursor(uid: str) -> str:
    return base64.urlsafe_b64encode(uid.encode()).decode()


def decode_cursor(cursor: str | None) -> str:
    if not cursor:
        return ""
    try:
        return base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except ValueError:
        raise InvalidInput(f"invalid cursor {cursor!r}: pass the endCursor of the previous page") from None
