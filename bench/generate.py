"""A seeded, realistic ML lineage graph of any size, streamed to the project's JSON Lines export format.

The shape, layer by layer (widths per 1,000 nodes):

    raw datasets (10, 5 monthly snapshots a table)
      -> cleaned datasets (20) -> curated datasets (20)
      -> features (30) -> embedding features (30)
      -> models (12: 4 names x 3 versions)
      -> scores: batch scoring runs (10 runs of 5-35 predictions), each reading a model version and 2 features
      -> chained predictions (60 runs of 1-9): a model version reading 3 score predictions
      -> the tail (75 runs of 1-9): a model version reading 3 chained predictions

so nine nodes in ten are predictions. Every non-raw node is produced by a run whose inputs are a few
nodes *nearby* in the layer below (a window around the matching position), so the graph is full of
diamonds, and every output of a run derives from every input of it (DERIVED_FROM through the run), which
is what makes the graph expressible in MLMD as artifact -> execution -> artifact.

Local structure does not depend on the total size. The graph is a line of units of 1,000 nodes; a run's
random choices are seeded by (seed, layer, run index) alone, and its inputs lie a fixed number of
positions away. A node at the same index therefore has the same neighbourhood at 10k, 100k and 1M nodes
unless its closure reaches the end of the line, and the query roots (written to a sidecar JSON) sit in
unit 5, far enough from both ends that their closures are identical at every size from 10k up. The
sidecar also holds the expected closure sizes, which ``bench/run.py`` checks every answer against.

Prediction names carry their scoring batch (``prediction:chained-0001234@3``): a name shared by
millions of versions would make ``impact`` (which lists every version of each affected name) cost in
proportion to the whole graph rather than to its answer.

The file holds, in topological order, the raw datasets, then for each run its output nodes, the run and
its edges, so it can be written to a store in chunks (``bench/run.py``) or imported whole
(``lineage import FILE``). Only a few integers per run stay in memory: 100k nodes are written in ~12 s
with a peak of ~20 MB.

    python bench/generate.py --nodes 100000 -o /tmp/g100k.jsonl     # also writes /tmp/g100k.roots.json
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import uuid
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

UNIT = 1000
ROOT_UNIT = 5
DEPTHS = (3, 10, 50)
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Layer:
    """One step of the pipeline: ``runs`` per unit, each reading ``fan_in`` nodes within ``window``
    positions of its place in layer ``parent`` (and one model version, for scoring steps), and writing
    ``batch`` outputs (a node layer writes one)."""

    step: str
    kind: str
    runs: int
    parent: int | None = None
    fan_in: int = 0
    window: int = 0
    versions: int = 1
    batch: tuple[int, int] = (1, 1)
    model: int | None = None


LAYERS = (
    Layer("raw", "dataset", 10, versions=5),
    Layer("clean", "dataset", 20, parent=0, fan_in=3, window=3, versions=2),
    Layer("curated", "dataset", 20, parent=1, fan_in=3, window=3, versions=2),
    Layer("features", "feature", 30, parent=2, fan_in=3, window=4, versions=2),
    Layer("embeddings", "feature", 30, parent=3, fan_in=3, window=4, versions=2),
    Layer("train", "model", 12, parent=4, fan_in=3, window=4, versions=3),
    Layer("scores", "prediction", 10, parent=4, fan_in=2, window=4, batch=(5, 35), model=5),
    Layer("chained", "prediction", 60, parent=6, fan_in=3, window=12, batch=(1, 9), model=5),
    Layer("tail", "prediction", 75, parent=7, fan_in=3, window=12, batch=(1, 9), model=5),
)
MODEL_WINDOW = 4

NodeRef = tuple[int, int]
"""(layer, index of the node in its layer)."""


class LineageGraph:
    """The graph for ``units`` x 1,000 nodes; nothing is built until records are asked for."""

    def __init__(self, units: int, seed: int) -> None:
        self.units = units
        self.seed = seed
        self.offsets = [self._offsets(number) for number in range(len(LAYERS))]

    def _rng(self, layer: int, run: int) -> random.Random:
        return random.Random((self.seed * 1_000_003 + layer) * 100_000_007 + run)

    def _offsets(self, layer: int) -> array[int]:
        """Where each run's outputs start in the layer, and (last) the layer's node count."""
        low, high = LAYERS[layer].batch
        starts = array("q", [0])
        for run in range(LAYERS[layer].runs * self.units):
            size = self._rng(layer, run).randint(low, high) if high > 1 else 1
            starts.append(starts[-1] + size)
        return starts

    def size(self, layer: int) -> int:
        return self.offsets[layer][-1]

    # --- identity and content -------------------------------------------------------------------

    def uid(self, ref: NodeRef) -> str:
        layer, index = ref
        spec = LAYERS[layer]
        if spec.kind == "prediction":
            run = self.run_of(ref)
            return f"prediction:{spec.step}-{run:07d}@{index - self.offsets[layer][run]}"
        return f"{spec.kind}:{_name(spec, index)}@{_version(spec, index)}"

    def run_of(self, ref: NodeRef) -> int:
        layer, index = ref
        return bisect.bisect_right(self.offsets[layer], index) - 1

    def run_uid(self, layer: int, run: int) -> str:
        return str(uuid.UUID(int=self._rng(layer, run).getrandbits(128), version=4))

    # --- structure --------------------------------------------------------------------------------

    def inputs(self, layer: int, run: int) -> list[NodeRef]:
        """What run ``run`` of ``layer`` read: a function of the seed, the layer and the run alone (the
        size of the graph only clips windows at its very end)."""
        spec = LAYERS[layer]
        rng = self._rng(layer, run)
        rng.getrandbits(128)  # the run uid's draw
        if spec.parent is None:
            return []
        nearby = self._nearby(rng, layer, run, spec.parent, spec.fan_in, spec.window)
        refs = [(spec.parent, i) for i in nearby]
        if spec.model is not None:
            refs += [(spec.model, i) for i in self._nearby(rng, layer, run, spec.model, 1, MODEL_WINDOW)]
        return refs

    def _nearby(
        self, rng: random.Random, layer: int, run: int, parent: int, count: int, window: int
    ) -> list[int]:
        """``count`` distinct nodes of ``parent`` within ``window`` of the run's matching position."""
        parent_run = (2 * run + 1) * LAYERS[parent].runs // (2 * LAYERS[layer].runs)
        first, end = self.offsets[parent][parent_run], self.offsets[parent][parent_run + 1]
        centre = rng.randrange(first, end)
        candidates = range(max(0, centre - window), min(self.size(parent), centre + window + 1))
        return rng.sample(candidates, min(count, len(candidates)))

    def outputs(self, layer: int, run: int) -> range:
        return range(self.offsets[layer][run], self.offsets[layer][run + 1])

    # --- records ------------------------------------------------------------------------------------

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record in topological order: raw datasets, then each run's outputs, the run, its edges."""
        for layer, spec in enumerate(LAYERS):
            for run in range(spec.runs * self.units):
                if spec.parent is None:
                    yield self._node((layer, run))
                else:
                    yield from self._run_records(layer, run)

    def _run_records(self, layer: int, run: int) -> Iterator[dict[str, Any]]:
        inputs = [self.uid(ref) for ref in self.inputs(layer, run)]
        outputs = [(layer, index) for index in self.outputs(layer, run)]
        run_uid = self.run_uid(layer, run)
        output_uids = []
        for ref in outputs:
            record = self._node(ref)
            output_uids.append(record["uid"])
            yield record
        yield self._run(layer, run, run_uid, inputs, output_uids)
        for source in output_uids:
            for target in inputs:
                yield {"type": "edge", "source": source, "target": target, "run": run_uid}

    def _node(self, ref: NodeRef) -> dict[str, Any]:
        layer, index = ref
        spec = LAYERS[layer]
        uid = self.uid(ref)
        _, _, rest = uid.partition(":")
        name, _, version = rest.rpartition("@")
        digest = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
        record: dict[str, Any] = {
            "type": "node",
            "uid": uid,
            "kind": spec.kind,
            "name": name,
            "version": version,
            "checksum": None,
            "created_at": _time(layer, index),
            "recorded_at": None,
            "owner": None,
            "source": None,
            "description": None,
            "metadata": "{}",
            "input_digest": None,
            "output": None,
        }
        if spec.kind == "prediction":
            score = int(digest[7:11], 16) / 65535
            record.update(input_digest=digest, output=json.dumps({"score": round(score, 4)}))
        else:
            record.update(checksum=digest, owner=f"team-{index % 7}", metadata=_metadata(spec, index))
        if spec.kind == "dataset":
            record["source"] = f"s3://lake/{spec.step}"
        return record

    def _run(self, layer: int, run: int, uid: str, inputs: list[str], outputs: list[str]) -> dict[str, Any]:
        spec = LAYERS[layer]
        started = _EPOCH + timedelta(days=10 * layer, seconds=60 * run)
        return {
            "type": "run",
            "uid": uid,
            "name": spec.step,
            "code_version": f"git:{hashlib.sha1(spec.step.encode()).hexdigest()[:7]}",
            "code_dirty": False,
            "parameters": json.dumps({"batch": len(outputs)}, separators=(",", ":")),
            "environment": '{"python":"3.11.7"}',
            "started_at": started.strftime(_TIME_FORMAT),
            "ended_at": (started + timedelta(seconds=30)).strftime(_TIME_FORMAT),
            "status": "COMPLETE",
            "user": f"pipeline-{spec.step}",
            "parent": None,
            "recorded_at": None,
            "inputs": sorted(inputs),
            "outputs": sorted(outputs),
        }

    # --- query roots --------------------------------------------------------------------------------

    def roots(self) -> dict[str, Any]:
        """The benchmark's query roots, in unit 5 (or the middle of a smaller graph), with the expected
        node count of each closure (root included) at each depth; and, for the write benchmarks, a model
        version and two features in the last unit, far from the roots."""
        unit = min(ROOT_UNIT, self.units // 2)
        deep = (8, self.offsets[8][unit * LAYERS[8].runs + LAYERS[8].runs // 2])
        source = (0, unit * LAYERS[0].runs + LAYERS[0].runs // 2)
        curated = (2, unit * LAYERS[2].runs + LAYERS[2].runs // 2)
        up = self.upstream_depths(deep)
        down = self.downstream_depths([source, curated])
        source_end = max((ref for ref in up if ref[0] == 0), key=lambda ref: (up[ref], ref))
        leaf_end = max(down[0], key=lambda ref: (down[0][ref], ref))
        last = self.units - 1
        return {
            "nodes": sum(self.size(layer) for layer in range(len(LAYERS))),
            "writes": {
                "model": self.uid((5, last * LAYERS[5].runs)),
                "features": [self.uid((4, last * LAYERS[4].runs + k)) for k in (0, 1)],
            },
            "upstream": {"uid": self.uid(deep), "expected": _sizes(up)},
            "downstream": {"uid": self.uid(source), "expected": _sizes(down[0])},
            "impact": {"uid": self.uid(curated), "expected": _sizes(down[1])},
            "path": [
                {"from": self.uid(deep), "to": self.uid(source_end), "length": up[source_end] + 1},
                {"from": self.uid(source), "to": self.uid(leaf_end), "length": down[0][leaf_end] + 1},
            ],
        }

    def upstream_depths(self, root: NodeRef) -> dict[NodeRef, int]:
        """Breadth-first over the inputs of each node's run: the depth of every upstream node."""
        depths, frontier = {root: 0}, [root]
        while frontier:
            following = []
            for ref in frontier:
                for parent in self.inputs(ref[0], self.run_of(ref)):
                    if parent not in depths:
                        depths[parent] = depths[ref] + 1
                        following.append(parent)
            frontier = following
        return depths

    def downstream_depths(self, roots: list[NodeRef]) -> list[dict[NodeRef, int]]:
        """One topological pass over the runs after the roots' layers: an output is as deep as its
        shallowest reached input plus one."""
        reached = [{root: 0} for root in roots]
        first = min(layer for layer, _ in roots) + 1
        for layer in range(first, len(LAYERS)):
            for run in range(LAYERS[layer].runs * self.units):
                inputs = self.inputs(layer, run)
                for depths in reached:
                    found = [depths[ref] for ref in inputs if ref in depths]
                    if found:
                        depths.update(((layer, i), min(found) + 1) for i in self.outputs(layer, run))
        return reached


def _name(spec: Layer, index: int) -> str:
    table = index // spec.versions
    if spec.kind == "dataset":
        return f"s3://lake/{spec.step}/table_{table:06d}"
    if spec.kind == "feature":
        return f"{spec.step}/f_{table:06d}"
    return f"model_{table:05d}"


def _version(spec: Layer, index: int) -> str:
    number = index % spec.versions + 1
    return f"2025-{number:02d}" if spec.step == "raw" else str(number)


def _metadata(spec: Layer, index: int) -> str:
    if spec.kind == "model":
        latest = index % spec.versions == spec.versions - 1
        stage = "production" if latest and (index // spec.versions) % 2 == 0 else "staging"
        return json.dumps({"framework": "xgboost", "stage": stage}, sort_keys=True, separators=(",", ":"))
    return json.dumps({"rows": 1000 + index % 997}, separators=(",", ":"))


def _time(layer: int, index: int) -> str:
    return (_EPOCH + timedelta(days=10 * layer, seconds=7 * index)).strftime(_TIME_FORMAT)


def _sizes(depths: dict[NodeRef, int]) -> dict[str, int]:
    return {str(depth): sum(1 for d in depths.values() if d <= depth) for depth in DEPTHS}


def write(graph: LineageGraph, out: TextIO) -> dict[str, int]:
    """Write the header and every record; returns the record counts by type."""
    counts = {"node": 0, "run": 0, "edge": 0}
    out.write(json.dumps({"type": "header", "format": "lineage-graph", "version": 1}) + "\n")
    for record in graph.records():
        counts[record["type"]] += 1
        out.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
    return counts


def roots_path(graph_path: Path) -> Path:
    """The sidecar beside a graph file: ``g.jsonl`` -> ``g.roots.json``."""
    return graph_path.with_name(graph_path.name.removesuffix(".jsonl") + ".roots.json")


def generate(nodes: int, path: Path, seed: int = 42) -> dict[str, Any]:
    """Write a graph of about ``nodes`` nodes to ``path`` and its roots beside it; returns the roots."""
    graph = LineageGraph(units=max(1, round(nodes / UNIT)), seed=seed)
    with path.open("w", encoding="utf-8") as out:
        counts = write(graph, out)
    roots = {"seed": seed, "records": counts, **graph.roots()}
    roots_path(path).write_text(json.dumps(roots, indent=2) + "\n")
    return roots


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", type=int, default=10_000, help="about this many nodes (default 10000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .jsonl file to write")
    args = parser.parse_args()
    roots = generate(args.nodes, args.output, args.seed)
    print(json.dumps(roots, indent=2))


if __name__ == "__main__":
    main()
