"""Predictions per second into each backend, side by side in one run: the SDK's logger against the targets
(50,000/s into the embedded store, 10,000/s into Neo4j or over HTTP, from one process).

For each backend (LadybugDB in a temporary directory; Neo4j from ``tests/neo4j_server.start_neo4j``,
or yours with ``--neo4j``), each measured ``--repeat`` times and reported as the median:

- ``store.record_predictions`` in process, in batches of 1,000 and of 10,000 (the store's bulk path);
- the prediction logger on that store in process (``lineage.connect(store=...)``): the time from the
  first ``log`` to ``close()`` returning with everything written, and what one ``log`` call costs the
  caller (median);
- the prediction logger over HTTP (``lineage.connect(url)``) against a real ``lineage serve --no-auth``
  subprocess holding that store.

Every prediction derives from the model version and one feature version, as a served prediction does.

    python bench/predictions.py --quick                 # 5,000 predictions a measurement, 3 times
    python bench/predictions.py                         # 50,000 a measurement, 5 times
    python bench/predictions.py --backends ladybug --predictions 20000
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

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from run import RESULTS, backend, log, serving  # noqa: E402

import lineage  # noqa: E402
from lineage.ingest.batches import Prediction  # noqa: E402
from lineage.model import Batch, Node, now  # noqa: E402
from lineage.store import LineageStore, open_store  # noqa: E402

MODEL = "model:bench_scorer@1"
FEATURE = "feature:bench_features@1"
TARGETS = {"ladybug": 50_000, "neo4j": 10_000, "http": 10_000}


def median_rate(count: int, runs: list[float]) -> float:
    return count / statistics.median(runs)


def direct(store: LineageStore, count: int, batch: int, repeat: int) -> dict[str, float]:
    """``store.record_predictions`` of ``count`` predictions in batches of ``batch``."""
    runs = []
    for _ in range(repeat):
        tag = uuid.uuid4().hex[:8]
        predictions = [
            Prediction(
                name="bench_scorer",
                version=f"{tag}-{i}",
                input_digest=f"sha256:{i:064x}",
                output={"score": i / count},
                features=[FEATURE],
                created_at=now(),
            )
            for i in range(count)
        ]
        started = time.perf_counter()
        for start in range(0, count, batch):
            store.record_predictions(MODEL, predictions[start : start + batch])
        runs.append(time.perf_counter() - started)
    return {"predictions_per_s": median_rate(count, runs), "runs_s": runs}


def through_logger(connect: Callable[[], Any], count: int, repeat: int) -> dict[str, float]:
    """The SDK's logger: ``count`` logs, then ``close()``; the rate counts until close has written all.
    Also the median cost of one ``log`` call to the caller."""
    runs, call_us = [], []
    for _ in range(repeat):
        with connect() as client:
            logger = client.prediction_logger(MODEL)
            features = {"spend": 0.0, "visits": 0}
            calls = []
            started = time.perf_counter()
            for i in range(count):
                before = time.perf_counter()
                logger.log(features, {"score": i / count}, inputs=[FEATURE])
                calls.append(time.perf_counter() - before)
            logger.close()
            runs.append(time.perf_counter() - started)
            call_us.append(statistics.median(calls) * 1e6)
    return {
        "predictions_per_s": median_rate(count, runs),
        "runs_s": runs,
        "log_call_us_p50": statistics.median(call_us),
    }


def measure(name: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    count, repeat = args.predictions, args.repeat
    results: dict[str, Any] = {}
    with backend(name, workdir, args.neo4j) as store_info:
        url = store_info["url"]
        results["config"] = store_info["config"]
        with open_store(url) as store:
            store.write(Batch(nodes=(Node.from_uid(MODEL), Node.from_uid(FEATURE))))
            for batch in (1000, 10_000):
                log(f"{name}: store.record_predictions, batches of {batch}")
                results[f"direct_{batch}"] = direct(store, count, batch, repeat)
            log(f"{name}: the logger in process")
            results["logger"] = through_logger(lambda: lineage.connect(store=store), count, repeat)
        with serving(url, workdir) as (base, _pid):
            log(f"{name}: the logger over HTTP")
            results["logger_http"] = through_logger(lambda: lineage.connect(base), count, repeat)
    return results


def markdown(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"Produced by `python bench/predictions.py {' '.join(sys.argv[1:])}` "
        f"({args.predictions:,} predictions a measurement, median of {args.repeat}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC).",
        "",
        "| backend | record_predictions, 1,000/batch | record_predictions, 10,000/batch "
        "| logger in process | one `log` call (us) | logger over HTTP |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in results["backends"].items():
        lines.append(
            f"| {name} | {result['direct_1000']['predictions_per_s']:,.0f} "
            f"| {result['direct_10000']['predictions_per_s']:,.0f} "
            f"| {result['logger']['predictions_per_s']:,.0f} "
            f"| {result['logger']['log_call_us_p50']:.1f} "
            f"| {result['logger_http']['predictions_per_s']:,.0f} |"
        )
    return "\n".join(lines)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5,000 predictions a measurement, 3 times")
    parser.add_argument("--predictions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backends", default="ladybug,neo4j")
    parser.add_argument("--neo4j", help="a Neo4j bolt URL to use (it is wiped) instead of starting one")
    parser.add_argument("--workdir", type=Path, help="where stores are made (a temporary directory)")
    args = parser.parse_args()
    if args.quick:
        args.predictions, args.repeat = 5000, 3
    return args


def main() -> None:
    args = parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-predictions-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"predictions": args.predictions, "repeat": args.repeat, "backends": {}}
    for name in args.backends.split(","):
        results["backends"][name] = measure(name, args, workdir)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"predictions-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    log(f"results: {path}")
    print(markdown(results, args))


if __name__ == "__main__":
    main()
