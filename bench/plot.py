"""Log-log plot of the depth-10 upstream and downstream p50 latency against graph size, one line per system.

Runs in ``bench/.venv-mlmd`` (which has matplotlib; ``bench/run.py`` calls it there), reading a results
file of ``bench/run.py``:

    bench/.venv-mlmd/bin/python bench/plot.py bench/results/<time>.json bench/results/<time>.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SYSTEMS = {"ladybug": "LadybugDB", "neo4j": "Neo4j", "mlmd": "MLMD (SQLite)"}
QUERIES = ("upstream/10", "downstream/10")


def series(results: dict[str, Any], system: str, query: str) -> tuple[list[int], list[float]]:
    """(graph sizes, p50 ms) of one system and query, over the sizes it answered."""
    sizes, latencies = [], []
    for size in results["sizes"].values():
        found = size["mlmd"] if system == "mlmd" and "mlmd" in size else size["backends"].get(system, {})
        entry = found.get("queries", {}).get(query)
        if entry:
            sizes.append(size["nodes"])
            latencies.append(entry["p50_ms"])
    return sizes, latencies


def draw(results: dict[str, Any], target: Path) -> None:
    figure, axes = plt.subplots(1, len(QUERIES), figsize=(11, 4.5), sharey=True)
    for axis, query in zip(axes, QUERIES, strict=True):
        for system, label in SYSTEMS.items():
            sizes, latencies = series(results, system, query)
            if sizes:
                axis.plot(sizes, latencies, marker="o", label=label)
        answer = next(iter(results["sizes"].values()))["roots"][query.split("/")[0]]["expected"]["10"]
        axis.set(xscale="log", yscale="log", xlabel="graph size (nodes)", title=f"{query}: {answer:,} nodes")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("p50 latency (ms)")
    axes[0].legend()
    figure.suptitle(f"Same answer, bigger graph ({results['command']})", fontsize=9)
    figure.tight_layout()
    figure.savefig(target, dpi=120)


if __name__ == "__main__":
    draw(json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2]))
