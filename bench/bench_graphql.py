"""A 5,000-node upstream query through the GraphQL API, next to the store traversal it costs.

The graph (``tests.api_support.wide_lineage``): a model trained on 100 features, each extracted by its
own run from 49 datasets, so the model's upstream subgraph holds 5,001 nodes and 5,000 edges. Three
queries, each the median of several runs over HTTP (starlette's ASGI test client, no network):

- ``store``: ``store.upstream(model)`` alone, the floor;
- ``plain``: the subgraph's nodes with their plain fields, and its edges;
- ``nested``: the same, with ``producedBy`` and ``versions`` for every node (DataLoader-batched).

    python bench/bench_graphql.py                    # embedded LadybugDB in a temporary directory
    python bench/bench_graphql.py --store bolt://127.0.0.1:7687   # a Neo4j you run (it is wiped!)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.store import LineageStore, open_store
from tests.api_support import CountingStore, wide_lineage

PLAIN = """query Plain($uid: ID!) { upstream(uid: $uid, depth: 3) {
  nodes { uid kind name version checksum recordedAt createdAt owner source description metadata }
  edges { source target run }
} }"""
NESTED = """query Nested($uid: ID!) { upstream(uid: $uid, depth: 3) {
  nodes { uid kind name version checksum recordedAt metadata
          producedBy { uid name codeVersion parameters } versions { version } }
  edges { source target run }
} }"""


def median_seconds(call: Callable[[], object], runs: int) -> float:
    call()  # warm-up: caches, the first connection
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench(store: LineageStore, runs: int) -> None:
    batch, model = wide_lineage(features=100, datasets_per_feature=49)
    store.write(batch)
    counting = CountingStore(store)
    with TestClient(create_app(store=counting)) as client:

        def ask(query: str) -> None:
            answer = client.post("/graphql", json={"query": query, "variables": {"uid": model}}).json()
            assert "errors" not in answer and len(answer["data"]["upstream"]["nodes"]) == 5001, answer

        floor = median_seconds(lambda: store.upstream(model, depth=3), runs)
        print(f"store.upstream, 5,001 nodes:           {floor * 1000:7.0f} ms")
        for name, query in (("plain fields", PLAIN), ("with producedBy and versions", NESTED)):
            seconds = median_seconds(lambda q=query: ask(q), runs)
            before = counting.reads
            ask(query)
            print(
                f"GraphQL {name + ':':29} {seconds * 1000:7.0f} ms  ({counting.reads - before} store queries)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", help="a store URL; default: a temporary embedded store")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = options.store or f"ladybug://{Path(directory) / 'graph'}"
        with open_store(url) as store:
            if url.startswith(("bolt", "neo4j")):
                store._write(lambda tx: tx("MATCH (n) DETACH DELETE n", {}))
            print(f"{store.backend}, median of {options.runs} runs")
            bench(store, options.runs)


if __name__ == "__main__":
    main()
