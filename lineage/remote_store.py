"""A store reached through a running lineage server: the ``lineage`` command's store when a server holds
the embedded store, or when ``--server``/``LINEAGE_URL`` names one.

It answers the public read and write methods of ``LineageStore`` that the command and the domain
functions (audit, impact, the graph pages) call, each with one GraphQL operation or route of the server,
and maps the answers back to the model's own objects, so the code that renders them prints the same
thing whether the store is local or remote. Reads go through GraphQL; writes (``write``, hence the demo
and ``lineage import``) through ``POST /api/v1/import`` in chunks under the server's body limit, each
chunk one transaction; the export through ``GET /api/v1/export``. The server's errors arrive as this
package's errors (``lineage.remote``).

One method per store method: a command that needs another one adds it here, beside the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from lineage.columns import ColumnEdge, ColumnGraph, Field
from lineage.errors import InvalidInput
from lineage.facets import Facet, Feed, NameRecords, Subject
from lineage.jsonl import HEADER, encode_record
from lineage.model import (
    Batch,
    Edge,
    IndirectEdge,
    Node,
    NodeKind,
    NodePage,
    Prediction,
    Run,
    RunStatus,
    Subgraph,
    WriteResult,
)
from lineage.remote import Server
from lineage.store.base import MAX_PAGE, RawResult

ProgressFn = Callable[[int, int], None]

NODE = (
    "uid kind name version checksum recordedAt createdAt owner source description metadata inputDigest output"
)
RUN = (
    "uid name codeVersion codeDirty parameters environment startedAt endedAt status user parentUid "
    "recordedAt inputUids outputUids"
)
FIELD = "node name type description recordedAt"
COLUMN_EDGE = (
    "source sourceField target targetField run recordedAt"
    " transformations { type subtype description masking }"
)
PAGE = f"totalCount edges {{ node {{ {NODE} }} }} pageInfo {{ hasNextPage endCursor }}"
ALIASES = 10
"""Names per ``versions`` document: the server refuses more than 15 aliases in one."""
IMPORT_BYTES = 4_000_000
"""The most bytes of records in one import request: under the server's 5 MB body limit."""
PREDICTIONS = 10_000
"""The most predictions in one ``recordPredictions`` call (the server's default limit)."""


class RemoteStore:
    """The store a lineage server holds, through its API. ``url`` is what messages call it."""

    backend = "server"

    def __init__(self, server: Server, *, url: str | None = None) -> None:
        self.server = server
        self.url = url or server.url

    def close(self) -> None:
        self.server.close()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ping(self) -> None:
        self.server.graphql("{ __typename }")

    # --- nodes ----------------------------------------------------------------------------------------

    def get_node(self, uid: str) -> Node | None:
        answer = self.server.graphql(f"query($uid: ID!) {{ node(uid: $uid) {{ {NODE} }} }}", {"uid": uid})
        return None if answer["node"] is None else node_of(answer["node"])

    def get_nodes(self, uids: Iterable[str]) -> dict[str, Node]:
        query = f"query($uids: [ID!]!) {{ nodesByUid(uids: $uids) {{ {NODE} }} }}"
        return {
            found.uid: found
            for chunk in _chunks(uids)
            for found in map(node_of, self.server.graphql(query, {"uids": chunk})["nodesByUid"])
        }

    def list_nodes(
        self,
        *,
        kind: NodeKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: str | None = None,
    ) -> NodePage:
        query = (
            "query($kind: NodeKind, $search: String, $first: Int!, $after: String, $asOf: DateTime) {"
            " nodes(kind: $kind, search: $search, first: $first, after: $after, asOf: $asOf) {"
            f" {PAGE} }} }}"
        )
        variables = {"kind": _kind(kind), "search": search, "first": first, "after": after, "asOf": as_of}
        return page_of(self.server.graphql(query, variables)["nodes"])

    def kind_versions(self, kind: NodeKind, *, first: int = 50, after: str | None = None) -> NodePage:
        query = (
            "query($kind: NodeKind!, $first: Int!, $after: String) {"
            f" kindVersions(kind: $kind, first: $first, after: $after) {{ {PAGE} }} }}"
        )
        variables = {"kind": _kind(kind), "first": first, "after": after}
        return page_of(self.server.graphql(query, variables)["kindVersions"])

    def versions(self, kind: NodeKind, name: str) -> list[Node]:
        return self.versions_of([(NodeKind(kind), name)]).get((NodeKind(kind), name), [])

    def versions_of(
        self, names: Iterable[tuple[NodeKind, str]], *, as_of: str | None = None
    ) -> dict[tuple[NodeKind, str], list[Node]]:
        wanted = list(dict.fromkeys((NodeKind(kind), name) for kind, name in names))
        found: dict[tuple[NodeKind, str], list[Node]] = {}
        for start in range(0, len(wanted), ALIASES):
            chunk = wanted[start : start + ALIASES]
            fields = " ".join(
                f"v{i}: versions(kind: $k{i}, name: $n{i}, asOf: $asOf) {{ {NODE} }}"
                for i in range(len(chunk))
            )
            declared = ", ".join(f"$k{i}: NodeKind!, $n{i}: String!" for i in range(len(chunk)))
            variables: dict[str, Any] = {f"k{i}": _kind(k) for i, (k, _) in enumerate(chunk)}
            variables |= {f"n{i}": n for i, (_, n) in enumerate(chunk)}
            variables["asOf"] = as_of
            answer = self.server.graphql(f"query({declared}, $asOf: DateTime) {{ {fields} }}", variables)
            for i, key in enumerate(chunk):
                if answer[f"v{i}"]:
                    found[key] = [node_of(n) for n in answer[f"v{i}"]]
        return found

    def resolve_alias(self, uid: str) -> str | None:
        # The server's node look-up resolves aliases: a version found under another uid is an alias's.
        found = self.server.graphql("query($uid: ID!) { node(uid: $uid) { uid } }", {"uid": uid})["node"]
        return None if found is None or found["uid"] == uid else str(found["uid"])

    # --- columns --------------------------------------------------------------------------------------

    def fields(self, uids: Iterable[str]) -> dict[str, list[Field]]:
        query = (
            "query($uids: [ID!]!) {"
            f" nodesByUid(uids: $uids) {{ uid fields(wholeDataset: true) {{ {FIELD} }} }} }}"
        )
        return {
            node["uid"]: [field_of(f) for f in node["fields"]]
            for chunk in _chunks(uids)
            for node in self.server.graphql(query, {"uids": chunk})["nodesByUid"]
            if node["fields"]
        }

    def column_sources(self, uids: Iterable[str]) -> dict[str, list[tuple[Field, list[ColumnEdge]]]]:
        """Each field's input columns are its one-hop column lineage: one aliased document per
        ``ALIASES`` fields."""
        wanted = [f for found in self.fields(uids).values() for f in found]
        sources: dict[tuple[str, str], list[ColumnEdge]] = {}
        for start in range(0, len(wanted), ALIASES):
            chunk = wanted[start : start + ALIASES]
            declared = ", ".join(f"$u{i}: ID!, $f{i}: String!" for i in range(len(chunk)))
            asked = " ".join(
                f"c{i}: columnLineage(uid: $u{i}, field: $f{i}, depth: 1) {{ edges {{ {COLUMN_EDGE} }} }}"
                for i in range(len(chunk))
            )
            variables = {f"u{i}": f.node for i, f in enumerate(chunk)} | {
                f"f{i}": f.name for i, f in enumerate(chunk)
            }
            answer = self.server.graphql(f"query({declared}) {{ {asked} }}", variables)
            for i, found in enumerate(chunk):
                edges = sorted((column_edge_of(e) for e in answer[f"c{i}"]["edges"]), key=lambda e: e.key)
                sources[(found.node, found.name)] = [
                    e for e in edges if (e.source, e.source_field) == (found.node, found.name)
                ]
        grouped: dict[str, list[tuple[Field, list[ColumnEdge]]]] = {}
        for found in wanted:
            grouped.setdefault(found.node, []).append((found, sources[(found.node, found.name)]))
        return grouped

    def column_lineage(
        self, uid: str, field: str, *, direction: str = "upstream", depth: int = 10
    ) -> ColumnGraph:
        if direction not in ("upstream", "downstream"):
            raise InvalidInput(f"direction {direction!r}: upstream or downstream")
        query = (
            "query($uid: ID!, $field: String!, $direction: Direction!, $depth: Int!) {"
            " columnLineage(uid: $uid, field: $field, direction: $direction, depth: $depth) {"
            f" root {{ {FIELD} }} fields {{ {FIELD} }} edges {{ {COLUMN_EDGE} }} depths truncated }} }}"
        )
        variables = {"uid": uid, "field": field, "direction": direction.upper(), "depth": depth}
        graph = self.server.graphql(query, variables)["columnLineage"]
        fields = tuple(field_of(f) for f in graph["fields"])
        return ColumnGraph(
            root=field_of(graph["root"]),
            fields=fields,
            edges=tuple(column_edge_of(e) for e in graph["edges"]),
            depths={f.key: d for f, d in zip(fields, graph["depths"], strict=True)},
            truncated=graph["truncated"],
        )

    # --- runs -----------------------------------------------------------------------------------------

    def get_run(self, uid: str) -> Run | None:
        return self.get_runs([uid]).get(uid)

    def get_runs(self, uids: Iterable[str]) -> dict[str, Run]:
        query = f"query($uids: [ID!]!) {{ runsByUid(uids: $uids) {{ {RUN} }} }}"
        return {
            run.uid: run
            for chunk in _chunks(uids)
            for run in map(run_of, self.server.graphql(query, {"uids": chunk})["runsByUid"])
        }

    def produced_by(self, uids: Iterable[str]) -> dict[str, str]:
        return {uid: run.uid for uid, run in self.producing_runs(uids).items()}

    def producing_runs(self, uids: Iterable[str]) -> dict[str, Run]:
        query = f"query($uids: [ID!]!) {{ nodesByUid(uids: $uids) {{ uid producedBy {{ {RUN} }} }} }}"
        return {
            node["uid"]: run_of(node["producedBy"])
            for chunk in _chunks(uids)
            for node in self.server.graphql(query, {"uids": chunk})["nodesByUid"]
            if node["producedBy"] is not None
        }

    def recent_runs(self, limit: int = 20, *, as_of: str | None = None) -> list[Run]:
        query = (
            "query($limit: Int!, $asOf: DateTime) {"
            f" recentRuns(limit: $limit, asOf: $asOf) {{ {RUN} }} }}"
        )
        answer = self.server.graphql(query, {"limit": limit, "asOf": as_of})
        return [run_of(r) for r in answer["recentRuns"]]

    def search_runs(self, search: str, limit: int = 20, *, as_of: str | None = None) -> list[Run]:
        query = (
            "query($search: String!, $limit: Int!, $asOf: DateTime) {"
            f" searchRuns(search: $search, limit: $limit, asOf: $asOf) {{ {RUN} }} }}"
        )
        answer = self.server.graphql(query, {"search": search, "limit": limit, "asOf": as_of})
        return [run_of(r) for r in answer["searchRuns"]]

    def child_runs(self, uid: str) -> list[Run]:
        query = f"query($uid: ID!) {{ run(uid: $uid) {{ children {{ {RUN} }} }} }}"
        found = self.server.graphql(query, {"uid": uid})["run"]
        return [] if found is None else [run_of(r) for r in found["children"]]

    # --- OpenLineage names and facets ------------------------------------------------------------------

    def facets(self, subject: str) -> list[Facet]:
        return self.facets_of([subject]).get(subject, [])

    def facets_of(self, subjects: Iterable[str]) -> dict[str, list[Facet]]:
        query = "query($keys: [ID!]!) { facetRecords(subjects: $keys) }"
        found: dict[str, list[Facet]] = {}
        for chunk in _chunks(subjects):
            for record in self.server.graphql(query, {"keys": chunk})["facetRecords"]:
                facet = Facet.stored(record)
                found.setdefault(facet.subject, []).append(facet)
        return found

    def subjects(self, keys: Iterable[str]) -> dict[str, Subject]:
        query = "query($keys: [ID!]!) { subjectRecords(keys: $keys) }"
        answers = (self.server.graphql(query, {"keys": chunk})["subjectRecords"] for chunk in _chunks(keys))
        return {s.key: s for records in answers for s in map(Subject.from_record, records)}

    def feeds(self, keys: Iterable[str], *, out: bool) -> list[Feed]:
        query = "query($keys: [ID!]!, $out: Boolean!) { feedRecords(keys: $keys, out: $out) }"
        return [
            Feed.from_record(record)
            for chunk in _chunks(keys)
            for record in self.server.graphql(query, {"keys": chunk, "out": out})["feedRecords"]
        ]

    # --- traversal ------------------------------------------------------------------------------------

    def upstream(
        self,
        uid: str,
        *,
        depth: int = 10,
        kinds: Iterable[NodeKind] | None = None,
        as_of: str | None = None,
        limit: int | None = None,
    ) -> Subgraph:
        return self._traverse("upstream", uid, depth, kinds, as_of, limit)

    def downstream(
        self,
        uid: str,
        *,
        depth: int = 10,
        kinds: Iterable[NodeKind] | None = None,
        as_of: str | None = None,
        limit: int | None = None,
    ) -> Subgraph:
        return self._traverse("downstream", uid, depth, kinds, as_of, limit)

    def _traverse(
        self,
        direction: str,
        uid: str,
        depth: int,
        kinds: Iterable[NodeKind] | None,
        as_of: str | None,
        limit: int | None,
    ) -> Subgraph:
        query = (
            "query($uid: ID!, $depth: Int!, $kinds: [NodeKind!], $asOf: DateTime, $first: Int) {"
            f" {direction}(uid: $uid, depth: $depth, kinds: $kinds, asOf: $asOf, first: $first) {{"
            f" nodes {{ {NODE} }} edges {{ source target run recordedAt indirect via }}"
            " depths truncated } }"
        )
        variables = {
            "uid": uid,
            "depth": depth,
            "kinds": [_kind(k) for k in kinds] if kinds else None,
            "asOf": as_of,
            "first": limit,
        }
        graph = self.server.graphql(query, variables)[direction]
        nodes = tuple(node_of(n) for n in graph["nodes"])
        return Subgraph(
            root=nodes[0],
            nodes=nodes,
            edges=tuple(
                Edge.stored(source=e["source"], target=e["target"], run=e["run"], recorded_at=e["recordedAt"])
                for e in graph["edges"]
                if not e["indirect"]
            ),
            depths={n.uid: d for n, d in zip(nodes, graph["depths"], strict=True)},
            truncated=graph["truncated"],
            indirect=tuple(
                IndirectEdge(source=e["source"], target=e["target"], via=tuple(e["via"]))
                for e in graph["edges"]
                if e["indirect"]
            ),
        )

    def path(self, source: str, target: str) -> list[Node] | None:
        query = f"query($a: ID!, $b: ID!) {{ path(fromUid: $a, toUid: $b) {{ {NODE} }} }}"
        found = self.server.graphql(query, {"a": source, "b": target})["path"]
        return None if found is None else [node_of(n) for n in found]

    # --- the store as a whole -------------------------------------------------------------------------

    def stats(self) -> dict[str, int]:
        answer = self.server.graphql("{ stats { nodes { kind count } runs edges } }")["stats"]
        return {**_counts(answer["nodes"]), "runs": answer["runs"], "edges": answer["edges"]}

    def counts_by_kind(self, as_of: str | None = None) -> dict[str, int]:
        query = "query($asOf: DateTime) { countsByKind(asOf: $asOf) { kind count } }"
        return _counts(self.server.graphql(query, {"asOf": as_of})["countsByKind"])

    def cypher(
        self, text: str, params: Mapping[str, Any] | None = None, *, limit: int = 1000, timeout: float = 10.0
    ) -> RawResult:
        query = (
            "query($q: String!, $params: JSON, $limit: Int!, $timeout: Float) {"
            " cypher(query: $q, params: $params, limit: $limit, timeout: $timeout)"
            " { columns rows truncated } }"
        )
        variables = {"q": text, "params": dict(params or {}), "limit": limit, "timeout": timeout}
        answer = self.server.graphql(query, variables)["cypher"]
        return RawResult(columns=answer["columns"], rows=answer["rows"], truncated=answer["truncated"])

    def export_records(self) -> Iterator[dict[str, Any]]:
        for line in self.server.get_lines("/api/v1/export"):
            if line.strip():
                record = json.loads(line)
                if record["type"] != "header":
                    yield record

    # --- writing --------------------------------------------------------------------------------------

    def write(
        self, batch: Batch, *, progress: ProgressFn | None = None, names: NameRecords | None = None
    ) -> WriteResult:
        """The batch through the server's import, a chunk (one transaction) per request, in the export's
        order (nodes, runs, edges, columns, aliases, then OpenLineage names), so each chunk finds what it
        links to already stored."""
        lines = [encode_record(r) for r in batch_records(batch, names)]
        total = WriteResult()
        done = 0
        header = encode_record(HEADER)
        for chunk in _import_chunks(lines, IMPORT_BYTES - len(header)):
            answer = self.server.post_text("/api/v1/import", header + "".join(chunk), "application/x-ndjson")
            total = _added(total, answer)
            done += len(chunk)
            if progress is not None:
                progress(done, len(lines))
        return total

    def record_predictions(
        self, model_uid: str, predictions: Iterable[Prediction], *, run: Run | None = None
    ) -> WriteResult:
        query = (
            "mutation($input: RecordPredictionsInput!) { recordPredictions(input: $input) {"
            " written { createdNodes createdEdges unchanged } } }"
        )
        given = [_prediction_input(p) for p in predictions]
        total = WriteResult()
        for start in range(0, len(given), PREDICTIONS):
            variables = {
                "input": {
                    "modelUid": model_uid,
                    "predictions": given[start : start + PREDICTIONS],
                    "run": None if run is None else _run_input(run),
                }
            }
            written = self.server.graphql(query, variables)["recordPredictions"]["written"]
            total = _added(total, written)
        return total


def node_of(answer: Mapping[str, Any]) -> Node:
    """A node from its GraphQL answer."""
    return Node(
        kind=NodeKind[answer["kind"]],
        name=answer["name"],
        version=answer["version"],
        checksum=answer["checksum"],
        created_at=answer["createdAt"],
        recorded_at=answer["recordedAt"],
        owner=answer["owner"],
        source=answer["source"],
        description=answer["description"],
        metadata=answer["metadata"] or {},
        input_digest=answer["inputDigest"],
        output=answer["output"],
    )


def page_of(answer: Mapping[str, Any]) -> NodePage:
    """A page of nodes from its GraphQL connection."""
    return NodePage(
        nodes=tuple(node_of(edge["node"]) for edge in answer["edges"]),
        total=answer["totalCount"],
        has_next=answer["pageInfo"]["hasNextPage"],
        end_cursor=answer["pageInfo"]["endCursor"],
    )


def field_of(answer: Mapping[str, Any]) -> Field:
    """A column from its GraphQL answer."""
    return Field(
        node=answer["node"],
        name=answer["name"],
        type=answer["type"],
        description=answer["description"],
        recorded_at=answer["recordedAt"],
    )


def column_edge_of(answer: Mapping[str, Any]) -> ColumnEdge:
    """A column edge from its GraphQL answer; a transformation keeps the parts it was given."""
    return ColumnEdge(
        source=answer["source"],
        source_field=answer["sourceField"],
        target=answer["target"],
        target_field=answer["targetField"],
        run=answer["run"],
        transformations=tuple(
            {k: v for k, v in t.items() if v is not None} for t in answer["transformations"]
        ),
        recorded_at=answer["recordedAt"],
    )


def run_of(answer: Mapping[str, Any]) -> Run:
    """A run from its GraphQL answer (its facet times are not part of the API)."""
    return Run(
        uid=answer["uid"],
        name=answer["name"],
        code_version=answer["codeVersion"],
        code_dirty=answer["codeDirty"],
        parameters=answer["parameters"] or {},
        environment=answer["environment"] or {},
        started_at=answer["startedAt"],
        ended_at=answer["endedAt"],
        status=None if answer["status"] is None else RunStatus[answer["status"]],
        user=answer["user"],
        parent=answer["parentUid"],
        recorded_at=answer["recordedAt"],
        inputs=tuple(answer["inputUids"]),
        outputs=tuple(answer["outputUids"]),
    )


def batch_records(batch: Batch, names: NameRecords | None = None) -> Iterator[dict[str, Any]]:
    """A batch (and OpenLineage names) as export records, the import's input, in the export's order."""
    for node in batch.nodes:
        yield {"type": "node", **node.to_record()}
    for run in batch.runs:
        yield {"type": "run", **run.to_record(), "inputs": list(run.inputs), "outputs": list(run.outputs)}
    for edge in batch.edges:
        yield {"type": "edge", **edge.to_record()}
    for found in batch.fields:
        yield {"type": "field", **found.to_record()}
    for column_edge in batch.column_edges:
        yield {"type": "column_edge", **column_edge.to_record()}
    for alias in batch.aliases:
        yield {"type": "alias", **alias.to_record()}
    names = names or NameRecords()
    for subject in names.subjects:
        yield {"type": "subject", **subject.to_record()}
    for facet in names.facets:
        yield {"type": "facet", **facet.to_record()}
    for feed in names.feeds:
        yield {"type": "feed", **feed.to_record()}


def _import_chunks(lines: list[str], limit: int) -> Iterator[list[str]]:
    """The lines in runs of at most ``limit`` bytes."""
    chunk: list[str] = []
    size = 0
    for line in lines:
        length = len(line.encode())
        if length > limit:
            raise InvalidInput(f"a record of {length} bytes is larger than one request may carry")
        if chunk and size + length > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(line)
        size += length
    if chunk:
        yield chunk


def _added(total: WriteResult, answer: Mapping[str, int]) -> WriteResult:
    return WriteResult(
        created_nodes=total.created_nodes + answer["createdNodes"],
        created_edges=total.created_edges + answer["createdEdges"],
        runs_written=total.runs_written + answer.get("runsWritten", 0),
        unchanged=total.unchanged + answer["unchanged"],
    )


def _prediction_input(prediction: Prediction) -> dict[str, Any]:
    return {
        "name": prediction.name,
        "version": prediction.version,
        "inputDigest": prediction.input_digest,
        "output": prediction.output,
        "features": list(prediction.features),
        "parents": list(prediction.parents),
        "createdAt": prediction.created_at,
        "metadata": dict(prediction.metadata),
    }


def _run_input(run: Run) -> dict[str, Any]:
    return {
        "uid": run.uid,
        "name": run.name,
        "codeVersion": run.code_version,
        "codeDirty": run.code_dirty,
        "parameters": dict(run.parameters),
        "environment": dict(run.environment),
        "startedAt": run.started_at,
        "endedAt": run.ended_at,
        "status": None if run.status is None else run.status.name,
        "user": run.user,
        "parent": run.parent,
    }


def _counts(kinds: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    return {NodeKind[k["kind"]].value: k["count"] for k in kinds}


def _kind(kind: NodeKind | str | None) -> str | None:
    return None if kind is None else NodeKind(kind).name


def _chunks(uids: Iterable[str]) -> Iterator[list[str]]:
    unique = list(dict.fromkeys(uids))
    for start in range(0, len(unique), MAX_PAGE):
        yield unique[start : start + MAX_PAGE]
