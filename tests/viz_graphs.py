"""Graphs the HTML tests draw: hostile text in every field a user fills, and a wide fan-out of any size."""

from __future__ import annotations

from lineage.ingest.batches import run_batch
from lineage.model import Batch, Edge, Node, NodeKind, Run

HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>window.__pwned = 1</script>"
HOSTILE_UID = f"dataset:{HOSTILE_NAME}@1"
HOSTILE_FEATURE_UID = "feature:\"'><svg onload=window.__pwned=1>@2"


def hostile_batch() -> Batch:
    """A dataset and a feature whose every user-supplied field tries to inject markup or script."""
    dataset = Node(
        kind=NodeKind.DATASET,
        name=HOSTILE_NAME,
        version="1",
        owner="<b onmouseover=window.__pwned=1>owner</b>",
        source="javascript:window.__pwned=1",
        description=f"<!-- {HOSTILE_SCRIPT} \u2028 & more",
        metadata={"note": HOSTILE_SCRIPT, "<key>": "<img src=y onerror=window.__pwned=1>"},
    )
    feature = Node(
        kind=NodeKind.FEATURE,
        name="\"'><svg onload=window.__pwned=1>",
        version="2",
        description="<style>body{display:none}</style>",
    )
    run = Run(uid="run-<script>window.__pwned=1</script>", name="<i>step</i>", code_version="<b>v</b>")
    return run_batch(run, [dataset], [feature])


FAN_FEATURES = 10
FAN_MODELS = 40


def fan_out_batch(total: int) -> tuple[str, Batch]:
    """One dataset, 10 features, 40 models and predictions up to ``total`` nodes, every prediction
    derived from one model and one feature. Returns the dataset's uid and the batch."""
    assert total > 1 + FAN_FEATURES + FAN_MODELS
    root = Node(kind=NodeKind.DATASET, name="events", version="1", description="the source")
    features = [Node(kind=NodeKind.FEATURE, name=f"feature_{i}", version="1") for i in range(FAN_FEATURES)]
    models = [Node(kind=NodeKind.MODEL, name=f"model_{i}", version="1") for i in range(FAN_MODELS)]
    count = total - 1 - FAN_FEATURES - FAN_MODELS
    predictions = [Node(kind=NodeKind.PREDICTION, name="score", version=f"p{i:05d}") for i in range(count)]
    edges = [Edge(source=f.uid, target=root.uid) for f in features]
    edges += [Edge(source=m.uid, target=features[i % FAN_FEATURES].uid) for i, m in enumerate(models)]
    for i, p in enumerate(predictions):
        edges.append(Edge(source=p.uid, target=models[i % FAN_MODELS].uid))
        edges.append(Edge(source=p.uid, target=features[i % FAN_FEATURES].uid))
    return root.uid, Batch(nodes=(root, *features, *models, *predictions), edges=tuple(edges))
