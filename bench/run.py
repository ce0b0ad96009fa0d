"""The lineage store beside Google ML Metadata (MLMD), side by side in one run, at 10k, 100k and 1M nodes.

For each graph size (``bench/generate.py``: seeded, realistic, same-sized answers at every size) and
each backend (LadybugDB embedded in a temporary directory; Neo4j 5 started from
``tests/neo4j_server.start_neo4j`` with a heap and page cache sized for 1M nodes, or yours with
``--neo4j``), it measures:

- ingest: the graph written through ``open_store(url).write`` in chunks of 10,000 nodes with their runs
  and edges (records/s, records being the export's nodes, runs and edges), and the size on disk;
- upstream and downstream at depth 3, 10 and 50 (p50/p95 of ``store.upstream``/``store.downstream``),
  ``store.path`` and ``lineage.impact.impact``, in process;
- against a real ``lineage serve --no-auth`` subprocess: the same upstream through ``POST /graphql`` (and
  its ratio to the direct call), OpenLineage events/s from one sequential client (START and COMPLETE
  RunEvents built with openlineage-python), ``recordPredictions`` in batches of 1,000, and the server's
  peak RSS (VmHWM);
- ``store.record_predictions`` in process, when the store has it;
- MLMD (``bench/mlmd_peer.py`` in ``bench/.venv-mlmd``, made on first use): ingest of the same file into
  SQLite and ``get_lineage_subgraph`` up and downstream, timed inside the peer process.

Every up/downstream answer must hold the same node set on every system and the size the generator
expects; any difference is printed as MISMATCH and makes the exit status 1. Results go to
``bench/results/<time>.json``, markdown tables (for docs/benchmarks.md) to stdout, and a log-log plot of
the depth-10 p50 latencies against graph size to ``bench/results/<time>.png``.

    python bench/run.py --quick                      # 10k nodes, few repetitions: under a minute or two
    python bench/run.py                              # 10k, 100k and 1M (the 1M graph takes an hour or more)
    python bench/run.py --sizes 100k --backends ladybug --no-mlmd
    python bench/run.py --neo4j bolt://127.0.0.1:7687    # your Neo4j: it must hold nothing else (it is wiped)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import attr  # noqa: E402
import httpx  # noqa: E402
from generate import generate, roots_path  # noqa: E402
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState  # noqa: E402
from openlineage.client.facet_v2 import DatasetFacet, dataset_version_dataset  # noqa: E402
from openlineage.client.serde import Serde  # noqa: E402

from lineage.impact import impact  # noqa: E402
from lineage.ingest.batches import Prediction  # noqa: E402
from lineage.jsonl import HEADER, read_batch  # noqa: E402
from lineage.model import Batch  # noqa: E402
from lineage.store import LineageStore, open_store  # noqa: E402

MLMD_VERSION = "1.17.1"
VENV = BENCH / ".venv-mlmd"
VENV_PYTHON = VENV / "bin" / "python"
RESULTS = BENCH / "results"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
DEPTHS = (3, 10, 50)
DIRECTIONS = ("upstream", "downstream")
CHUNK = 10_000
PREDICTION_BATCH = 1000
NEO4J_HEAP_MIB = 4096
NEO4J_PAGE_CACHE_MIB = 4096
HEADER_LINE = json.dumps(HEADER)

GRAPHQL_UPSTREAM = """query Upstream($uid: ID!, $depth: Int!) { upstream(uid: $uid, depth: $depth) {
  nodes { uid kind name version checksum recordedAt createdAt owner source description metadata }
  edges { source target run }
  truncated
} }"""
RECORD_PREDICTIONS = """mutation Record($input: RecordPredictionsInput!) {
  recordPredictions(input: $input) { written { createdNodes createdEdges } }
}"""


@dataclass(frozen=True)
class Settings:
    repeat: int
    warmup: int
    openlineage_runs: int
    prediction_batches: int
    budget_s: float
    """Each write benchmark stops early, after a whole call, once it has run this long."""


QUICK = Settings(repeat=3, warmup=1, openlineage_runs=50, prediction_batches=2, budget_s=10)
FULL = Settings(repeat=11, warmup=2, openlineage_runs=500, prediction_batches=10, budget_s=60)

MISMATCHES: list[str] = []
"""Every answer that differs between systems or from the generator's expectation."""

Answers = dict[str, dict[str, list[str]]]
"""system -> query key ("upstream/10") -> sorted node uids."""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- timing ---------------------------------------------------------------------------------------


def timed(call: Callable[[], Any], settings: Settings) -> tuple[dict[str, float], Any]:
    """p50/p95 (ms) of ``settings.repeat`` calls after ``settings.warmup`` untimed ones, and the last
    answer."""
    for _ in range(settings.warmup):
        call()
    times, answer = [], None
    for _ in range(settings.repeat):
        started = time.perf_counter()
        answer = call()
        times.append(time.perf_counter() - started)
    return summary(times), answer


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "runs": len(ordered)}


# --- the graph ------------------------------------------------------------------------------------


def graph_for(label: str, workdir: Path) -> tuple[Path, dict[str, Any]]:
    """The generated graph of a size, made once per work directory, and its sidecar of roots."""
    path = workdir / f"graph-{label}.jsonl"
    if not roots_path(path).exists():
        log(f"generating {label} graph")
        generate(SIZES[label], path)
    return path, json.loads(roots_path(path).read_text())


def chunks(path: Path, chunk: int) -> Iterator[tuple[Batch, int]]:
    """The export as batches of at least ``chunk`` nodes with their runs and edges, cut before a run's
    outputs begin (the file is in topological order), each with its record count. Parsing is the
    project's own (``lineage.jsonl.read_batch``); the generated graph records no OpenLineage names."""
    lines: list[str] = []
    nodes = 0
    with path.open(encoding="utf-8") as handle:
        next(handle)  # the header; read_batch checks the one put back on each chunk
        for line in handle:
            is_node = '"type":"node"' in line
            if is_node and nodes >= chunk:
                yield read_batch([HEADER_LINE, *lines])[0], len(lines)
                lines, nodes = [], 0
            lines.append(line)
            nodes += is_node
    if lines:
        yield read_batch([HEADER_LINE, *lines])[0], len(lines)


def ingest(store: LineageStore, path: Path) -> dict[str, float]:
    records, write_seconds = 0, 0.0
    started = time.perf_counter()
    for batch, count in chunks(path, CHUNK):
        before = time.perf_counter()
        store.write(batch)
        write_seconds += time.perf_counter() - before
        records += count
    seconds = time.perf_counter() - started
    return {
        "records": records,
        "seconds": seconds,
        "write_seconds": write_seconds,
        "records_per_s": records / seconds,
    }


def disk_mib(path: Path) -> dict[str, float]:
    """Bytes under ``path`` in MiB: in all, and without transaction logs (Neo4j preallocates them)."""
    files = [p for p in path.rglob("*") if p.is_file()]
    logs = [p for p in files if "transactions" in p.parts]
    total = sum(p.stat().st_size for p in files) / 2**20
    return {
        "disk_mib": total,
        "disk_without_tx_logs_mib": total - sum(p.stat().st_size for p in logs) / 2**20,
    }


# --- queries in process ---------------------------------------------------------------------------


def traversals(store: LineageStore, roots: dict[str, Any], settings: Settings, answers: Answers) -> dict:
    results, mine = {}, answers.setdefault(store.backend, {})
    for direction in DIRECTIONS:
        call = store.upstream if direction == "upstream" else store.downstream
        uid = roots[direction]["uid"]
        for depth in DEPTHS:
            timing, graph = timed(lambda call=call, uid=uid, depth=depth: call(uid, depth=depth), settings)
            key = f"{direction}/{depth}"
            mine[key] = sorted(node.uid for node in graph.nodes)
            results[key] = {**timing, "nodes": len(graph.nodes), "edges": len(graph.edges)}
    return results


def paths_and_impact(store: LineageStore, roots: dict[str, Any], settings: Settings) -> dict:
    results = {}
    for number, pair in enumerate(roots["path"], start=1):
        timing, path = timed(lambda pair=pair: store.path(pair["from"], pair["to"]), settings)
        length = len(path) if path else 0
        check(
            length == pair["length"],
            f"{store.backend} path {number}: {length} nodes, expected {pair['length']}",
        )
        results[f"path {number}"] = {**timing, "nodes": length}
    timing, report = timed(lambda: impact(store, roots["impact"]["uid"]), settings)
    results["impact"] = {**timing, "nodes": len(report.affected)}
    expected = roots["impact"]["expected"]["10"] - 1
    check(
        len(report.affected) == expected,
        f"{store.backend} impact: {len(report.affected)}, expected {expected}",
    )
    return results


def check(ok: bool, message: str) -> None:
    if not ok:
        MISMATCHES.append(message)
        log(f"MISMATCH: {message}")


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(store_url: str, workdir: Path) -> Iterator[tuple[str, int]]:
    """``lineage serve --no-auth`` on a free loopback port; yields its base URL and process id."""
    port = free_port()
    # The `lineage` command of this checkout, whatever `lineage` on PATH may be.
    command = [sys.executable, "-c", "from lineage.cli import main; main()", "serve", "--no-auth"]
    command += ["--port", str(port), "--store", store_url]
    env = {**os.environ, "PYTHONPATH": str(BENCH.parent)}
    with (workdir / "serve.log").open("a") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(60)


def wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"lineage serve exited with {process.returncode} (see serve.log)")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"lineage serve did not answer /healthz within {timeout:.0f}s")


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def graphql(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return body["data"]


def graphql_upstream(client: httpx.Client, root: dict[str, Any], settings: Settings, tag: str) -> dict:
    variables = {"uid": root["uid"], "depth": 10}
    timing, data = timed(lambda: graphql(client, GRAPHQL_UPSTREAM, variables), settings)
    found, expected = len(data["upstream"]["nodes"]), root["expected"]["10"]
    check(found == expected, f"{tag} GraphQL upstream/10: {found} nodes, expected {expected}")
    return {**timing, "nodes": found}


@attr.define
class LineageGraphFacet(DatasetFacet):
    """The ``lineageGraph`` dataset facet, as a pipeline author would subclass any custom facet."""

    kind: str
    version: str | None = None

    @staticmethod
    def _get_schema() -> str:
        return "https://lineage-graph.example/spec/LineageGraphDatasetFacet.json"


def openlineage_events(runs: int, tag: str) -> list[dict[str, Any]]:
    """START (with two versioned input datasets) and COMPLETE (with one output feature) of each run."""
    events = []
    for number in range(runs):
        run = Run(runId=str(uuid.uuid4()))
        job = Job(namespace="bench://pipelines", name=f"extract_{number % 10}")
        inputs = [
            InputDataset(
                namespace="s3://bench",
                name=f"{tag}/raw_{(number + k) % 20}",
                facets={"version": dataset_version_dataset.DatasetVersionDatasetFacet(datasetVersion="v1")},
            )
            for k in (0, 1)
        ]
        output = OutputDataset(
            namespace="s3://bench",
            name=f"{tag}/features_{number}",
            facets={"lineageGraph": LineageGraphFacet(kind="feature", version="1")},
        )
        at = f"2026-05-01T08:{number // 60 % 60:02d}:{number % 60:02d}Z"
        for state, parts in (
            (RunState.START, {"inputs": inputs}),
            (RunState.COMPLETE, {"outputs": [output]}),
        ):
            event = RunEvent(eventType=state, eventTime=at, run=run, job=job, producer="bench", **parts)
            events.append(Serde.to_dict(event))
    return events


def throughput(calls: list[Callable[[], object]], unit: int, what: str, budget_s: float) -> dict[str, float]:
    """Make the calls one after the other (payloads are built beforehand) until done or out of time;
    each call carries ``unit`` items."""
    started = time.perf_counter()
    done = 0
    for call in calls:
        call()
        done += 1
        if time.perf_counter() - started > budget_s:
            break
    seconds = time.perf_counter() - started
    return {what: done * unit, "seconds": seconds, f"{what}_per_s": done * unit / seconds}


def openlineage_rate(client: httpx.Client, settings: Settings, tag: str) -> dict[str, float]:
    def post(event: dict[str, Any]) -> Callable[[], object]:
        return lambda: client.post("/api/v1/lineage", json=event).raise_for_status()

    calls = [post(event) for event in openlineage_events(settings.openlineage_runs, tag)]
    return throughput(calls, 1, "events", settings.budget_s)


def predictions(writes: dict[str, Any], batch: int, tag: str) -> list[Prediction]:
    return [
        Prediction(
            name=f"bench-{tag}-{batch:03d}",
            version=str(number),
            input_digest="sha256:" + hashlib.sha256(f"{tag}{batch}/{number}".encode()).hexdigest(),
            output={"score": number / PREDICTION_BATCH},
            features=writes["features"],
        )
        for number in range(PREDICTION_BATCH)
    ]


def as_input(prediction: Prediction) -> dict[str, Any]:
    return {
        "name": prediction.name,
        "version": prediction.version,
        "inputDigest": prediction.input_digest,
        "output": prediction.output,
        "features": list(prediction.features),
    }


def record_predictions_rate(
    client: httpx.Client, writes: dict[str, Any], settings: Settings, tag: str
) -> dict:
    def mutation(number: int) -> Callable[[], object]:
        batch = predictions(writes, number, f"gql-{tag}")
        run = {"uid": f"score-gql-{tag}-{number}", "name": "score", "status": "COMPLETE"}
        payload = {"modelUid": writes["model"], "predictions": [as_input(p) for p in batch], "run": run}
        return lambda: graphql(client, RECORD_PREDICTIONS, {"input": payload})

    calls = [mutation(number) for number in range(settings.prediction_batches)]
    return throughput(calls, PREDICTION_BATCH, "predictions", settings.budget_s)


def direct_record_predictions(
    store: LineageStore, writes: dict[str, Any], settings: Settings, tag: str
) -> dict:
    """``store.record_predictions`` in process, the bulk path, when the store has one."""
    if not hasattr(store, "record_predictions"):
        return {"skipped": "the store has no record_predictions"}

    def record(number: int) -> Callable[[], object]:
        batch = predictions(writes, number, f"direct-{tag}")
        return lambda: store.record_predictions(writes["model"], batch)  # type: ignore[attr-defined]

    calls = [record(number) for number in range(settings.prediction_batches)]
    return throughput(calls, PREDICTION_BATCH, "predictions", settings.budget_s)


def server_phase(url: str, roots: dict[str, Any], settings: Settings, workdir: Path, tag: str) -> dict:
    with serving(url, workdir) as (base, pid), httpx.Client(base_url=base, timeout=600) as client:
        log("  server: GraphQL upstream")
        results: dict[str, Any] = {
            "graphql_upstream_10": graphql_upstream(client, roots["upstream"], settings, tag)
        }
        log("  server: OpenLineage events")
        results["openlineage"] = openlineage_rate(client, settings, tag)
        log("  server: recordPredictions")
        results["record_predictions_graphql"] = record_predictions_rate(
            client, roots["writes"], settings, tag
        )
        results["server_peak_rss_mib"] = peak_rss_mib(pid)
    return results


# --- backends -------------------------------------------------------------------------------------


@contextmanager
def backend(name: str, workdir: Path, neo4j_url: str | None) -> Iterator[dict[str, Any]]:
    """A fresh, empty store of one backend: its URL, where its files are and how it was configured.
    Its files are removed afterwards (a 1M-node store takes gigabytes)."""
    if neo4j_url and name == "neo4j":
        wipe_neo4j(neo4j_url)
        yield {"url": neo4j_url, "files": None, "config": f"given: {neo4j_url}"}
        wipe_neo4j(neo4j_url)
        return
    directory = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
    try:
        if name == "ladybug":
            yield {"url": f"ladybug://{directory}/graph", "files": directory, "config": "embedded"}
        else:
            from tests.neo4j_server import start_neo4j

            with start_neo4j(
                directory, heap_mib=NEO4J_HEAP_MIB, page_cache_mib=NEO4J_PAGE_CACHE_MIB
            ) as server:
                config = (
                    f"neo4j-harness 5.26, heap {NEO4J_HEAP_MIB} MiB, page cache {NEO4J_PAGE_CACHE_MIB} MiB"
                )
                yield {
                    "url": server.uri,
                    "files": directory / "server",
                    "config": config,
                    "jvm_pid": server.pid,
                }
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def wipe_neo4j(url: str) -> None:
    """Empty a Neo4j database you gave (``--neo4j``), 10,000 nodes a transaction."""
    with open_store(url) as store:
        delete = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"
        while store._write(lambda tx: tx(delete, {}))[0]["deleted"]:
            pass


def measure_backend(
    name: str,
    graph: Path,
    roots: dict[str, Any],
    settings: Settings,
    workdir: Path,
    neo4j_url: str | None,
    answers: Answers,
) -> dict[str, Any]:
    tag = f"{name}-{graph.stem}-{uuid.uuid4().hex[:6]}"
    with backend(name, workdir, neo4j_url) as chosen:
        url = chosen["url"]
        results: dict[str, Any] = {"config": chosen["config"]}
        with open_store(url) as store:
            log(f"{name}: ingest {graph.name}")
            results["ingest"] = ingest(store, graph)
            log(f"{name}: traversals")
            results["queries"] = traversals(store, roots, settings, answers)
            results["queries"].update(paths_and_impact(store, roots, settings))
        if chosen["files"] is not None:
            results.update(disk_mib(chosen["files"]))
        results.update(server_phase(url, roots, settings, workdir, tag))
        direct = results["queries"]["upstream/10"]["p50_ms"]
        results["graphql_upstream_10"]["ratio_to_direct"] = results["graphql_upstream_10"]["p50_ms"] / direct
        with open_store(url) as store:
            log(f"{name}: store.record_predictions")
            results["record_predictions_direct"] = direct_record_predictions(
                store, roots["writes"], settings, tag
            )
        if "jvm_pid" in chosen:
            results["neo4j_jvm_peak_rss_mib"] = peak_rss_mib(chosen["jvm_pid"])
    return results


# --- MLMD -----------------------------------------------------------------------------------------


def ensure_mlmd_venv() -> None:
    """``bench/.venv-mlmd`` with ml-metadata (and matplotlib, for the plot), made on first use."""
    probe = [str(VENV_PYTHON), "-c", "import ml_metadata, matplotlib"]
    if VENV_PYTHON.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return
    log(f"creating {VENV} with ml-metadata=={MLMD_VERSION} and matplotlib")
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "-q", f"ml-metadata=={MLMD_VERSION}", "matplotlib"]
    subprocess.run(pip, check=True)


class MlmdPeer:
    """``bench/mlmd_peer.py`` in its virtualenv, one JSON request and answer a line."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [str(VENV_PYTHON), str(BENCH / "mlmd_peer.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the MLMD peer exited with {self.process.wait()}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"MLMD peer: {answer['error']}")
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.process.stdin.close()
        self.process.wait(60)


def measure_mlmd(
    graph: Path, roots: dict[str, Any], settings: Settings, workdir: Path, answers: Answers
) -> dict:
    db = workdir / f"mlmd-{graph.stem}-{uuid.uuid4().hex[:6]}.sqlite"
    peer = MlmdPeer()
    try:
        log(f"mlmd: ingest {graph.name}")
        ingested = peer.ask(op="ingest", graph=str(graph), db=str(db), chunk=CHUNK)
        results: dict[str, Any] = {
            "config": f"ml-metadata {MLMD_VERSION}, SQLite file",
            "ingest": {**ingested, "records_per_s": ingested["records"] / ingested["seconds"]},
            **dict.fromkeys(("disk_mib", "disk_without_tx_logs_mib"), db.stat().st_size / 2**20),
            "queries": {},
        }
        log("mlmd: traversals")
        mine = answers.setdefault("mlmd", {})
        for direction in DIRECTIONS:
            for depth in DEPTHS:
                answer = peer.ask(
                    op="query",
                    direction=direction,
                    uid=roots[direction]["uid"],
                    depth=depth,
                    repeat=settings.repeat,
                    warmup=settings.warmup,
                )
                key = f"{direction}/{depth}"
                mine[key] = answer["nodes"]
                results["queries"][key] = {**summary(answer["times"]), "nodes": len(answer["nodes"])}
    finally:
        peer.close()
        db.unlink(missing_ok=True)
    return results


# --- checks ---------------------------------------------------------------------------------------


def compare_answers(label: str, roots: dict[str, Any], answers: Answers) -> None:
    """Every system's node set of every up/downstream answer equals the others' and the expected size."""
    for direction in DIRECTIONS:
        for depth in DEPTHS:
            key = f"{direction}/{depth}"
            expected = roots[direction]["expected"][str(depth)]
            sets = {system: set(found[key]) for system, found in answers.items() if key in found}
            for system, nodes in sets.items():
                check(
                    len(nodes) == expected, f"{label} {system} {key}: {len(nodes)} nodes, expected {expected}"
                )
            reference_system, reference = next(iter(sets.items()))
            for system, nodes in sets.items():
                missing, extra = sorted(reference - nodes)[:3], sorted(nodes - reference)[:3]
                check(
                    nodes == reference,
                    f"{label} {key}: {system} differs from {reference_system}: "
                    f"missing {missing}, extra {extra}",
                )


# --- report ---------------------------------------------------------------------------------------


def ms(entry: dict[str, float] | None) -> str:
    return "n/a" if not entry else f"{entry['p50_ms']:,.1f} / {entry['p95_ms']:,.1f}"


def rate(entry: dict[str, Any] | None, key: str) -> str:
    return "n/a" if not entry or key not in entry else f"{entry[key]:,.0f}"


def ratio(ours: float | None, theirs: float | None) -> str:
    return "n/a" if not ours or not theirs else f"{ours / theirs:.2f}"


def systems(size: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = dict(size["backends"])
    if "mlmd" in size:
        found["mlmd"] = size["mlmd"]
    return {name: result for name, result in found.items() if "error" not in result}


def ingest_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| nodes | system | records | ingest (s) | records/s | ours/MLMD records/s "
        "| on disk (MiB) | without tx logs (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, size in results["sizes"].items():
        found = systems(size)
        mlmd_rate = found.get("mlmd", {}).get("ingest", {}).get("records_per_s")
        for name, result in found.items():
            ingested = result["ingest"]
            versus = "" if name == "mlmd" else ratio(ingested["records_per_s"], mlmd_rate)
            lines.append(
                f"| {label} | {name} | {ingested['records']:,} | {ingested['seconds']:,.1f} "
                f"| {ingested['records_per_s']:,.0f} | {versus} | {rate(result, 'disk_mib')} "
                f"| {rate(result, 'disk_without_tx_logs_mib')} |"
            )
    return lines


def traversal_table(results: dict[str, Any]) -> list[str]:
    names = [
        n for n in ("ladybug", "neo4j", "mlmd") if any(n in systems(s) for s in results["sizes"].values())
    ]
    if not names:
        return ["(no system answered)"]
    ours = [n for n in names if n != "mlmd"]
    header = "| nodes | query | answer nodes | " + " | ".join(f"{n} p50 / p95 (ms)" for n in names)
    header += "".join(f" | {n}/MLMD p50" for n in ours if "mlmd" in names) + " |"
    lines = [header, "|---|---|---:|" + "---:|" * (len(names) + len(ours) * ("mlmd" in names))]
    for label, size in results["sizes"].items():
        found = systems(size)
        keys = [f"{d}/{depth}" for d in DIRECTIONS for depth in DEPTHS] + ["path 1", "path 2", "impact"]
        for key in keys:
            entries = {n: found.get(n, {}).get("queries", {}).get(key) for n in names}
            any_entry = next((e for e in entries.values() if e), None)
            if any_entry is None:
                continue
            cells = [ms(entries[n]) for n in names]
            if "mlmd" in names:
                theirs = (entries["mlmd"] or {}).get("p50_ms")
                cells += [ratio((entries[n] or {}).get("p50_ms"), theirs) if theirs else "" for n in ours]
            lines.append(f"| {label} | {key} | {any_entry['nodes']:,} | " + " | ".join(cells) + " |")
    return lines


def server_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| nodes | backend | GraphQL upstream d10 p50 (ms) | direct p50 (ms) | GraphQL/direct "
        "| OpenLineage events/s | recordPredictions/s (GraphQL) | record_predictions/s (direct) "
        "| server peak RSS (MiB) | Neo4j JVM peak RSS (MiB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, size in results["sizes"].items():
        for name, result in size["backends"].items():
            if "error" in result:
                continue
            gql = result["graphql_upstream_10"]
            direct = result["queries"]["upstream/10"]["p50_ms"]
            lines.append(
                f"| {label} | {name} | {gql['p50_ms']:,.1f} | {direct:,.1f} | {gql['ratio_to_direct']:.2f} "
                f"| {rate(result['openlineage'], 'events_per_s')} "
                f"| {rate(result['record_predictions_graphql'], 'predictions_per_s')} "
                f"| {rate(result['record_predictions_direct'], 'predictions_per_s')} "
                f"| {result['server_peak_rss_mib']:,.0f} | {rate(result, 'neo4j_jvm_peak_rss_mib')} |"
            )
    return lines


def scaling_table(results: dict[str, Any]) -> list[str]:
    """Depth-10 p50 at the largest size over the smallest: the target is at most 1.5x."""
    labels = list(results["sizes"])
    if len(labels) < 2:
        return []
    first, last = labels[0], labels[-1]
    lines = [
        f"| system | query | p50 at {first} (ms) | p50 at {last} (ms) | {last}/{first} |",
        "|---|---|---:|---:|---:|",
    ]
    for name in ("ladybug", "neo4j", "mlmd"):
        for key in ("upstream/10", "downstream/10"):
            small = systems(results["sizes"][first]).get(name, {}).get("queries", {}).get(key)
            large = systems(results["sizes"][last]).get(name, {}).get("queries", {}).get(key)
            if small and large:
                lines.append(
                    f"| {name} | {key} | {small['p50_ms']:,.1f} | {large['p50_ms']:,.1f} "
                    f"| {large['p50_ms'] / small['p50_ms']:.2f} |"
                )
    return lines


def markdown(results: dict[str, Any]) -> str:
    command = f"`{results['command']}`"
    configs = sorted(
        {f"{n}: {r['config']}" for s in results["sizes"].values() for n, r in systems(s).items()}
    )
    errors = [
        f"{label} {name}: {result['error']}"
        for label, size in results["sizes"].items()
        for name, result in size["backends"].items()
        if "error" in result
    ]
    sections = [
        f"Produced by {command} on {results['machine']} ({results['started']}); "
        "medians (p50) and p95 of repeated calls after warm-up.",
        "\n".join(f"- {line}" for line in configs),
        "### Ingest\n\n" + "\n".join(ingest_table(results)),
        "### Traversals (in process; MLMD: get_lineage_subgraph)\n\n" + "\n".join(traversal_table(results)),
        "### Through the server\n\n" + "\n".join(server_table(results)),
    ]
    scaling = scaling_table(results)
    if scaling:
        sections.append("### Same answer, bigger graph\n\n" + "\n".join(scaling))
    problems = [*errors, *results["mismatches"]]
    if problems:
        sections.append("### Problems\n\n" + "\n".join(f"- **{p}**" for p in problems))
    return "\n\n".join(sections) + "\n"


def plot(results_path: Path) -> Path | None:
    """The log-log plot, drawn by bench/plot.py in the MLMD virtualenv (which has matplotlib)."""
    target = results_path.with_suffix(".png")
    done = subprocess.run([str(VENV_PYTHON), str(BENCH / "plot.py"), str(results_path), str(target)])
    return target if done.returncode == 0 else None


# --- main -----------------------------------------------------------------------------------------


def measure_size(label: str, args: argparse.Namespace, settings: Settings, workdir: Path) -> dict[str, Any]:
    graph, roots = graph_for(label, workdir)
    size: dict[str, Any] = {
        "nodes": roots["nodes"],
        "records": roots["records"],
        "roots": roots,
        "backends": {},
    }
    answers: Answers = {}
    for name in args.backends.split(","):
        try:
            size["backends"][name] = measure_backend(
                name, graph, roots, settings, workdir, args.neo4j, answers
            )
        except Exception as exc:  # one backend failing must not lose the others' numbers
            log(f"{name}: FAILED: {type(exc).__name__}: {exc}")
            size["backends"][name] = {"error": f"{type(exc).__name__}: {exc}"}
    if not args.no_mlmd:
        size["mlmd"] = measure_mlmd(graph, roots, settings, workdir, answers)
    compare_answers(label, roots, answers)
    return size


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10k,100k,1M", help=f"comma-separated, of {', '.join(SIZES)}")
    parser.add_argument("--quick", action="store_true", help="10k only, 3 repetitions: about a minute")
    parser.add_argument("--backends", default="ladybug,neo4j")
    parser.add_argument("--neo4j", help="bolt URL of an empty Neo4j to use (it is wiped); default: start one")
    parser.add_argument("--no-mlmd", action="store_true", help="leave MLMD out")
    parser.add_argument("--workdir", type=Path, help="keep graphs and stores here (default: a temporary one)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON and the plot go")
    return parser.parse_args()


def main() -> None:
    # A terminated run still stops its servers and removes its temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = parse_args()
    settings = QUICK if args.quick else FULL
    labels = ["10k"] if args.quick else args.sizes.split(",")
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        sys.exit(f"unknown size {unknown[0]!r}: one of {', '.join(SIZES)}")
    if not set(args.backends.split(",")) <= {"ladybug", "neo4j"}:
        sys.exit(f"unknown backend in {args.backends!r}: ladybug, neo4j or both")
    if not args.no_mlmd:
        ensure_mlmd_venv()
    args.out.mkdir(parents=True, exist_ok=True)
    memory_gib = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    results: dict[str, Any] = {
        "command": shlex.join(["python", "bench/run.py", *sys.argv[1:]]),
        "machine": f"{os.cpu_count()} cores, {memory_gib:.0f} GiB",
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "settings": asdict(settings),
        "sizes": {},
        "mismatches": MISMATCHES,
    }
    path = args.out / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    with ExitStack() as stack:
        workdir = args.workdir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="lineage-bench-"))
        )
        workdir.mkdir(parents=True, exist_ok=True)
        for label in labels:
            results["sizes"][label] = measure_size(label, args, settings, workdir)
            path.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    log(f"results: {path}")
    if not args.no_mlmd and (image := plot(path)):
        log(f"plot: {image}")
    failed = [
        name for size in results["sizes"].values() for name, r in size["backends"].items() if "error" in r
    ]
    if MISMATCHES or failed:
        log(f"{len(MISMATCHES)} mismatches, failed: {', '.join(failed) or 'none'}; see above")
        sys.exit(1)


if __name__ == "__main__":
    main()
