"""Upstream subgraphs of 1,001 and 5,001 nodes through the GraphQL API, next to the store traversal.

The graphs (``tests.api_support.wide_lineage``): a model trained on 20 or 100 features, each extracted
by its own run from 49 datasets, so the model's upstream subgraph holds 1,001 or 5,001 nodes and as
many edges less one. Three calls, interleaved run by run so that a noisy machine slows them alike:

- ``store``: ``store.upstream(model)`` alone, the floor;
- ``GraphQL``: the same answer over HTTP (starlette's ASGI test client, no network): every plain field
  of the nodes, and the edges. Timed to the last byte of the response; decoding the JSON is the
  client's work and is left out, as it is from the store call;
- ``nested``: the same, with ``producedBy`` and ``versions`` for every node (fetched in bulk).

``ratio`` is GraphQL's median over the store's (the target: at most 1.3).

    python bench/bench_graphql.py                          # embedded LadybugDB in a temporary directory
    python bench/bench_graphql.py --backends ladybug,neo4j # also a Neo4j started by tests/neo4j_server.py
    python bench/bench_graphql.py --store bolt://127.0.0.1:7687   # a Neo4j you run (it is wiped!)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.store import LineageStore, open_store
from tests.api_support import CountingStore, wide_lineage

PLAIN = """query Plain($uid: ID!) { upstream(uid: $uid, depth: 3) {
  nodes { uid kind name version checksum recordedAt createdAt owner source description metadata }
  edges { source target run }
  truncated
} }"""
NESTED = """query Nested($uid: ID!) { upstream(uid: $uid, depth: 3) {
  nodes { uid kind name version checksum recordedAt metadata
          producedBy { uid name codeVersion parameters } versions { version } }
  edges { source target run }
} }"""
SIZES = {1001: 20, 5001: 100}  # subgraph nodes -> features (49 datasets each)


def bench(backend: str, store: LineageStore, runs: int) -> None:
    models = {}
    for nodes, features in SIZES.items():
        batch, models[nodes] = wide_lineage(features, datasets_per_feature=49, name=f"wide{nodes}")
        store.write(batch)
    counting = CountingStore(store)
    with TestClient(create_app(store=counting), base_url="http://127.0.0.1") as client:
        for nodes, model in models.items():
            check(client, model, nodes)
            calls = {
                "store": lambda model=model: store.upstream(model, depth=3),
                "plain": lambda model=model: ask(client, PLAIN, model),
                "nested": lambda model=model: ask(client, NESTED, model),
            }
            medians = interleaved_medians(calls, runs)
            before = counting.reads
            ask(client, NESTED, model)
            report(backend, nodes, medians, counting.reads - before)


def ask(client: TestClient, query: str, model: str) -> bytes:
    return client.post("/graphql", json={"query": query, "variables": {"uid": model}}).content


def interleaved_medians(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Each call once per round, so that a busy machine slows them alike; the first round warms
    caches and connections up and is not counted."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(runs + 1):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(taken[1:]) for name, taken in times.items()}


def check(client: TestClient, model: str, nodes: int) -> None:
    """The answers are whole and error-free (outside the timing: decoding is the client's)."""
    for query in (PLAIN, NESTED):
        answer = client.post("/graphql", json={"query": query, "variables": {"uid": model}}).json()
        assert "errors" not in answer and len(answer["data"]["upstream"]["nodes"]) == nodes, answer


def report(backend: str, nodes: int, medians: dict[str, float], nested_reads: int) -> None:
    store, plain, nested = (medians[name] * 1000 for name in ("store", "plain", "nested"))
    print(
        f"| {backend} | {nodes:,} | {store:.0f} | {plain:.0f} | **{plain / store:.2f}** "
        f"| {nested:.0f} ({nested_reads} store queries) |",
        flush=True,
    )


@contextmanager
def stores(backends: list[str], url: str | None) -> Iterator[dict[str, LineageStore]]:
    with ExitStack() as stack:
        opened = {}
        if url is None and "ladybug" in backends:
            directory = stack.enter_context(tempfile.TemporaryDirectory())
            opened["LadybugDB"] = stack.enter_context(open_store(f"ladybug://{directory}/graph"))
        if url is None and "neo4j" in backends:
            from tests.neo4j_server import start_neo4j

            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = stack.enter_context(start_neo4j(workdir)).uri
        if url is not None:
            store = stack.enter_context(open_store(url))
            if store.backend == "neo4j":
                store._write(lambda tx: tx("MATCH (n) DETACH DELETE n", {}))
            opened["Neo4j" if store.backend == "neo4j" else store.backend] = store
        yield opened


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="ladybug", help="ladybug, neo4j or both (comma-separated)")
    parser.add_argument("--store", help="a store URL to use instead (a Neo4j is wiped first)")
    parser.add_argument("--runs", type=int, default=11)
    options = parser.parse_args()
    print(f"median of {options.runs} runs, in ms\n")
    print("| backend | nodes | `store.upstream` | GraphQL, plain fields | ratio | with nested fields |")
    print("|---|---:|---:|---:|---:|---:|")
    with stores(options.backends.split(","), options.store) as opened:
        for backend, store in opened.items():
            bench(backend, store, options.runs)


if __name__ == "__main__":
    main()
