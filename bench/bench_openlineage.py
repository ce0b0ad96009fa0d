"""OpenLineage events per second on a generated graph, for each backend, side by side in one run: in
process (``record_event``) and over HTTP against a real ``lineage serve --no-auth`` subprocess, from one
sequential client.

The events are ``bench/run.py``'s: for each run, a START reading two versioned datasets and a COMPLETE
writing one feature, built with openlineage-python. Each measurement is ``--events`` events after
``--events`` of warm-up, ``--repeat`` times; the table gives the median. The inputs are measured as sent,
and stripped of their version facet ("unversioned"), as integrations that send no version report them:
each is then resolved to its latest stored version.

To compare two commits, run this script from each checkout one after the other on the same machine.

    python bench/bench_openlineage.py --quick                      # 10k-node graph, 200 events, twice
    python bench/bench_openlineage.py --size 100k --repeat 3
    python bench/bench_openlineage.py --backends ladybug --size 100k
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from run import RESULTS, SIZES, backend, graph_for, ingest, log, openlineage_events, serving  # noqa: E402

from lineage.ingest.ol_events import parse_any  # noqa: E402
from lineage.ingest.openlineage import RunEvent, record_event  # noqa: E402
from lineage.store import open_store  # noqa: E402

SHAPES = ("versioned", "unversioned")


def events(count: int, shape: str) -> list[dict[str, Any]]:
    """``count`` events (START and COMPLETE of ``count // 2`` runs) under a fresh name prefix."""
    made = openlineage_events(count // 2, uuid.uuid4().hex[:8])
    if shape == "unversioned":
        for event in made:
            for item in event.get("inputs", []):
                item["facets"].pop("version", None)
    return made


def per_second(send: Callable[[dict[str, Any]], object], shape: str, count: int, repeat: int) -> dict:
    """Events per second through ``send``: the median of ``repeat`` runs of ``count`` events, each run
    after ``count`` events of warm-up under the same names."""
    runs = []
    for _ in range(repeat):
        batch = events(2 * count, shape)
        for event in batch[:count]:
            send(event)
        started = time.perf_counter()
        for event in batch[count:]:
            send(event)
        runs.append(time.perf_counter() - started)
    return {"events_per_s": count / statistics.median(runs), "runs_s": runs}


def measure(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    graph, _roots = graph_for(args.size, workdir)
    results: dict[str, Any] = {}
    with backend(name, workdir, args.neo4j) as chosen:
        url = chosen["url"]
        results["config"] = chosen["config"]
        with open_store(url) as store:
            log(f"{name}: ingest {graph.name}")
            results["ingest"] = ingest(store, graph)

            def in_process(event: dict[str, Any]) -> object:
                parsed = parse_any(event)
                assert isinstance(parsed, RunEvent)
                return record_event(store, parsed)

            for shape in SHAPES:
                log(f"{name}: in process, {shape}")
                results[f"in_process/{shape}"] = per_second(in_process, shape, args.events, args.repeat)
        with serving(url, workdir) as (base, _pid), httpx.Client(base_url=base, timeout=120) as client:

            def over_http(event: dict[str, Any]) -> object:
                return client.post("/api/v1/lineage", json=event).raise_for_status()

            for shape in SHAPES:
                log(f"{name}: over HTTP, {shape}")
                results[f"http/{shape}"] = per_second(over_http, shape, args.events, args.repeat)
    return results


def markdown(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"Produced by `python bench/bench_openlineage.py {' '.join(sys.argv[1:])}` on the {args.size}-node "
        f"graph ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC); events/s, median of {args.repeat} runs of "
        f"{args.events} events.",
        "",
        "| backend | in process, versioned | in process, unversioned | HTTP, versioned | HTTP, unversioned |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, found in results.items():
        cells = [f"{found[f'{where}/{shape}']['events_per_s']:,.0f}" for where in ("in_process", "http")
                 for shape in SHAPES]  # fmt: skip
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="100k", help="the generated graph's size")
    parser.add_argument("--events", type=int, default=400, help="events a measurement")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="ladybug,neo4j")
    parser.add_argument("--neo4j", help="a Neo4j to use (emptied first) instead of starting one")
    parser.add_argument("--workdir", type=Path, help="where graphs and stores go (default: a temporary one)")
    parser.add_argument("--quick", action="store_true", help="10k nodes, 200 events, twice")
    args = parser.parse_args()
    if args.quick:
        args.size, args.events, args.repeat = "10k", 200, 2
    return args


def main() -> None:
    args = parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-openlineage-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = {name: measure(name, args, workdir) for name in args.backends.split(",")}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"openlineage-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(markdown(results, args))
    log(f"results: {out}")


if __name__ == "__main__":
    main()
