"""Diamond traversal: the upstream closure of a top node of a layered random DAG, on every backend.

The graph: LAYERS layers of WIDTH nodes; every node above the bottom layer derives from 3 random nodes of
the layer below, so the DAG is full of diamonds (a node at depth 9 has ~3^9 paths to the top). The
benchmark times ``store.upstream(top, depth=LAYERS - 1)`` side by side on each backend in one run, and,
for contrast, the same closure asked as one variable-length Cypher pattern with DISTINCT.

    python bench/bench_traversal.py                       # LadybugDB, and Neo4j started from Maven
    python bench/bench_traversal.py --neo4j bolt://127.0.0.1:7687
    python bench/bench_traversal.py --backends ladybug
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lineage.errors import LineageError
from lineage.model import Batch, Edge, Node, NodeKind
from lineage.store import LineageStore, open_store

# The naive form: one pattern, DISTINCT at the end. Both engines expand it walk by walk.
NAIVE = "MATCH p = (a:Node {uid: $uid})-[:DERIVED_FROM*1..%d]->(b:Node) RETURN count(DISTINCT b) AS n"


def layered_dag(layers: int, width: int, parents: int, seed: int) -> Batch:
    rng = random.Random(seed)
    nodes = [
        Node(kind=NodeKind.DATASET, name=f"l{layer}n{i}", version="1")
        for layer in range(layers)
        for i in range(width)
    ]
    edges = [
        Edge(source=f"dataset:l{layer}n{i}@1", target=f"dataset:l{layer - 1}n{j}@1")
        for layer in range(1, layers)
        for i in range(width)
        for j in rng.sample(range(width), parents)
    ]
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


def diamond_chain(diamonds: int) -> Batch:
    """d0 <- (l1, r1) <- d1 <- (l2, r2) <- d2 ...: 2**diamonds paths from the bottom to the top."""
    nodes = [Node(kind=NodeKind.DATASET, name="d0", version="1")]
    edges = []
    for level in range(1, diamonds + 1):
        for side in ("l", "r"):
            nodes.append(Node(kind=NodeKind.DATASET, name=f"{side}{level}", version="1"))
            edges += [
                Edge(source=f"dataset:{side}{level}@1", target=f"dataset:d{level - 1}@1"),
                Edge(source=f"dataset:d{level}@1", target=f"dataset:{side}{level}@1"),
            ]
        nodes.append(Node(kind=NodeKind.DATASET, name=f"d{level}", version="1"))
    return Batch(nodes=tuple(nodes), edges=tuple(edges))


def timed(call: Callable[[], object], repeats: int, warmup: int = 0) -> tuple[list[float], object]:
    """Wall times of ``repeats`` calls after ``warmup`` untimed ones (caches, JIT, page cache)."""
    for _ in range(warmup):
        call()
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


@contextmanager
def stores(backends: list[str], neo4j_url: str | None) -> Iterator[dict[str, LineageStore]]:
    with ExitStack() as stack:
        opened = {}
        if "ladybug" in backends:
            directory = stack.enter_context(tempfile.TemporaryDirectory())
            opened["ladybug"] = stack.enter_context(open_store(f"ladybug://{directory}/graph"))
        if "neo4j" in backends:
            if neo4j_url is None:
                from tests.neo4j_server import start_neo4j

                workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
                neo4j_url = stack.enter_context(start_neo4j(workdir)).uri
            store = stack.enter_context(open_store(neo4j_url))
            store._write(lambda tx: tx("MATCH (n) DETACH DELETE n", {}))
            opened["neo4j"] = store
        yield opened


def naive_closure(store: LineageStore, uid: str, depth: int, timeout: float) -> str:
    """Median time of the one-pattern form, or how it failed (the engines give up on long walks)."""
    try:
        times, result = timed(lambda: store.cypher(NAIVE % depth, {"uid": uid}, timeout=timeout), 3)
    except LineageError as exc:
        return f"failed: {str(exc)[:60]}"
    return f"{statistics.median(times) * 1000:.0f} ({result.rows[0]['n']} nodes)"  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="ladybug,neo4j")
    parser.add_argument("--neo4j", dest="neo4j_url", help="bolt URL of a running Neo4j (default: start one)")
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--naive-timeout", type=float, default=30.0)
    args = parser.parse_args()

    scenarios = [
        # name, graph, root, depth of the BFS, depth of the one-pattern contrast
        ("layered DAG 10 x 1,000, 3 parents", layered_dag(10, 1000, 3, seed=42), "dataset:l9n0@1", 9, 9),
        ("chain of 20 diamonds (2^20 paths)", diamond_chain(20), "dataset:d20@1", 40, 24),
    ]
    rows = []
    with stores(args.backends.split(","), args.neo4j_url) as opened:
        for name, store in opened.items():
            for scenario, batch, root, depth, naive_depth in scenarios:
                (load,), _ = timed(lambda store=store, batch=batch: store.write(batch), 1)
                times, graph = timed(
                    lambda store=store, r=root, d=depth: store.upstream(r, depth=d), args.repeats
                )
                naive = naive_closure(store, root, naive_depth, args.naive_timeout)
                rows.append((name, scenario, len(batch.nodes), load, depth, graph, times, naive_depth, naive))
    print(
        "| backend | graph | nodes | load (s) | depth | closure nodes / edges | upstream median (ms) "
        "| min..max (ms) | one var-length pattern: depth, median (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for name, scenario, nodes, load, depth, graph, times, naive_depth, naive in rows:
        print(
            f"| {name} | {scenario} | {nodes} | {load:.2f} | {depth} "
            f"| {len(graph.nodes) - 1} / {len(graph.edges)} "
            f"| {statistics.median(times) * 1000:.0f} | {min(times) * 1000:.0f}..{max(times) * 1000:.0f} "
            f"| {naive_depth}: {naive} |"
        )


if __name__ == "__main__":
    main()
