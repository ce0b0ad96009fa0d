"""Google ML Metadata (MLMD) beside the lineage store: the same graph, ingested and traversed in MLMD.

Runs in its own virtualenv (``bench/.venv-mlmd``: ml-metadata 1.17.1 pins a protobuf the project does
not use), so it imports nothing from ``lineage``. ``bench/run.py`` starts it and talks JSON Lines over
stdin/stdout, one request and one answer a line; timings are taken in here, so they hold no pipe or
process start-up:

    {"op": "ingest", "graph": "g.jsonl", "db": "g.sqlite", "chunk": 10000}
        -> {"seconds", "write_seconds", "records", "artifacts", "executions", "events", "edges_without_run"}
    {"op": "query", "direction": "upstream", "uid": "...", "depth": 10, "repeat": 11, "warmup": 2}
        -> {"times": [seconds, ...], "nodes": [uid, ...], "executions": n}
    {"op": "quit"}

The mapping: a node is an Artifact of the type named by its kind (``dataset``, ``feature``, ``model``,
``prediction``), named by its uid, with the node's fields as declared string properties; a run is an
Execution of type ``run`` named by its uid; its inputs and outputs are INPUT and OUTPUT events. A
DERIVED_FROM edge through a run is then artifact -> execution -> artifact, so ``depth`` lineage hops
are ``2 * depth`` MLMD hops. Edges recorded without a run have no MLMD form and are counted, not
stored.

Ingest is chunked like ``bench/run.py`` writes our store (chunks of ``chunk`` nodes with their runs), and
each chunk is three batched calls, the fastest way MLMD offers for a graph whose runs read artifacts
stored by earlier chunks: ``put_artifacts`` (new artifacts), ``put_executions`` and ``put_events``.
Artifact ids are kept client side (uid -> id), as any client writing lineage would keep them. A query
resolves the root's id by type and name (timed, as our store's root look-up is), then asks
``get_lineage_subgraph`` from that artifact.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ml_metadata.metadata_store import metadata_store
from ml_metadata.proto import metadata_store_pb2 as mlmd

KINDS = ("dataset", "feature", "model", "prediction")
NODE_PROPERTIES = (
    "name", "version", "checksum", "created_at", "recorded_at", "owner", "source", "description",
    "metadata", "input_digest", "output",
)  # fmt: skip
RUN_PROPERTIES = (
    "name", "code_version", "code_dirty", "parameters", "environment", "started_at", "ended_at",
    "status", "user", "parent", "recorded_at",
)  # fmt: skip
RUN_TYPE = "run"
DIRECTIONS = {
    "upstream": mlmd.LineageSubgraphQueryOptions.Direction.UPSTREAM,
    "downstream": mlmd.LineageSubgraphQueryOptions.Direction.DOWNSTREAM,
}


class Peer:
    """One MLMD SQLite store, and the client-side uid -> artifact id map its writes build."""

    def __init__(self) -> None:
        self.store: metadata_store.MetadataStore | None = None
        self.artifact_ids: dict[str, int] = {}
        self.type_ids: dict[str, int] = {}

    def open(self, db: Path) -> metadata_store.MetadataStore:
        config = mlmd.ConnectionConfig()
        config.sqlite.filename_uri = str(db)
        config.sqlite.connection_mode = mlmd.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
        store = metadata_store.MetadataStore(config)
        for kind in KINDS:
            artifact_type = mlmd.ArtifactType(name=kind)
            for name in NODE_PROPERTIES:
                artifact_type.properties[name] = mlmd.STRING
            self.type_ids[kind] = store.put_artifact_type(artifact_type)
        execution_type = mlmd.ExecutionType(name=RUN_TYPE)
        for name in RUN_PROPERTIES:
            execution_type.properties[name] = mlmd.STRING
        self.type_ids[RUN_TYPE] = store.put_execution_type(execution_type)
        self.store = store
        return store

    # --- ingest -------------------------------------------------------------------------------------

    def ingest(self, graph: Path, db: Path, chunk: int) -> dict[str, Any]:
        store = self.open(db)
        counts = {"records": 0, "artifacts": 0, "executions": 0, "events": 0, "edges_without_run": 0}
        write_seconds = 0.0
        started = time.perf_counter()
        for nodes, runs, records, loose_edges in _chunks(graph, chunk):
            artifacts = [self._artifact(node) for node in nodes]
            executions = [_execution(run, self.type_ids[RUN_TYPE]) for run in runs]
            before = time.perf_counter()
            ids = store.put_artifacts(artifacts)
            self.artifact_ids.update(zip((node["uid"] for node in nodes), ids, strict=True))
            execution_ids = store.put_executions(executions)
            events = list(self._events(runs, execution_ids))
            store.put_events(events)
            write_seconds += time.perf_counter() - before
            counts["records"] += records
            counts["artifacts"] += len(artifacts)
            counts["executions"] += len(executions)
            counts["events"] += len(events)
            counts["edges_without_run"] += loose_edges
        return {**counts, "seconds": time.perf_counter() - started, "write_seconds": write_seconds}

    def _artifact(self, node: dict[str, Any]) -> mlmd.Artifact:
        artifact = mlmd.Artifact(type_id=self.type_ids[node["kind"]], name=node["uid"])
        artifact.state = mlmd.Artifact.LIVE
        for name in NODE_PROPERTIES:
            if node.get(name) is not None:
                artifact.properties[name].string_value = str(node[name])
        return artifact

    def _events(self, runs: list[dict[str, Any]], execution_ids: list[int]) -> Iterator[mlmd.Event]:
        for run, execution_id in zip(runs, execution_ids, strict=True):
            for uid in run["inputs"]:
                yield mlmd.Event(
                    artifact_id=self.artifact_ids[uid], execution_id=execution_id, type=mlmd.Event.INPUT
                )
            for uid in run["outputs"]:
                yield mlmd.Event(
                    artifact_id=self.artifact_ids[uid], execution_id=execution_id, type=mlmd.Event.OUTPUT
                )

    # --- queries ------------------------------------------------------------------------------------

    def query(self, direction: str, uid: str, depth: int, repeat: int, warmup: int) -> dict[str, Any]:
        for _ in range(warmup):
            self._lineage(direction, uid, depth)
        times, graph = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            graph = self._lineage(direction, uid, depth)
            times.append(time.perf_counter() - started)
        assert graph is not None
        nodes = sorted({artifact.name for artifact in graph.artifacts} | {uid})
        return {"times": times, "nodes": nodes, "executions": len(graph.executions)}

    def _lineage(self, direction: str, uid: str, depth: int) -> mlmd.LineageGraph:
        assert self.store is not None
        root = self.store.get_artifact_by_type_and_name(uid.partition(":")[0], uid)
        if root is None:
            raise KeyError(f"no artifact {uid}")
        options = mlmd.LineageSubgraphQueryOptions(
            starting_artifacts=mlmd.LineageSubgraphQueryOptions.StartingNodes(filter_query=f"id = {root.id}"),
            max_num_hops=2 * depth,
            direction=DIRECTIONS[direction],
        )
        return self.store.get_lineage_subgraph(options)


def _execution(run: dict[str, Any], type_id: int) -> mlmd.Execution:
    execution = mlmd.Execution(type_id=type_id, name=run["uid"])
    execution.last_known_state = mlmd.Execution.COMPLETE
    for name in RUN_PROPERTIES:
        if run.get(name) is not None:
            execution.properties[name].string_value = str(run[name])
    return execution


def _chunks(graph: Path, chunk: int) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]], int, int]]:
    """The export cut into chunks of at least ``chunk`` nodes, each ending before a run's outputs
    begin: (nodes, runs, records read, edges without a run)."""
    nodes: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    records = loose = 0
    for record in _records(graph):
        kind = record["type"]
        if kind == "node" and len(nodes) >= chunk:
            yield nodes, runs, records, loose
            nodes, runs, records, loose = [], [], 0, 0
        records += kind != "header"
        if kind == "node":
            nodes.append(record)
        elif kind == "run":
            runs.append(record)
        elif kind == "edge" and not record.get("run"):
            loose += 1
    if nodes or runs:
        yield nodes, runs, records, loose


def _records(graph: Path) -> Iterator[dict[str, Any]]:
    with graph.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def serve(requests: Iterable[str], out: Any) -> None:
    """Answer one JSON request a line until ``quit``; an error is answered, not raised."""
    peer = Peer()
    for line in requests:
        request = json.loads(line)
        op = request.pop("op")
        if op == "quit":
            break
        try:
            if op == "ingest":
                answer = peer.ingest(Path(request["graph"]), Path(request["db"]), request["chunk"])
            elif op == "query":
                answer = peer.query(**request)
            else:
                answer = {"error": f"unknown op {op!r}"}
        except Exception as exc:  # the caller reports it beside the other results
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve(sys.stdin, sys.stdout)
