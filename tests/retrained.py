"""A graph built to debug: a ranking model retrained after its feature extraction changed.

clicks@1 -> (extract, git:aaa) -> ctr@1 -> (train, lr 0.1) -> ranker@1
clicks@1 -> (extract, git:bbb) -> ctr@2 -> (train, lr 0.05) -> ranker@2, recorded in a later write

ranker@1 kept serving after ctr@2 existed: one of its predictions read ctr@1 (as trained), one read
ctr@2 (feature skew). Shared by the stale, diff and audit tests.
"""

from __future__ import annotations

from lineage.ingest.batches import Prediction, merge, predictions_batch, run_batch
from lineage.model import Node, NodeKind, Run
from lineage.store.base import LineageStore

CLICKS = Node(kind=NodeKind.DATASET, name="clicks", version="1", checksum="sha256:c1")
CTR = [Node(kind=NodeKind.FEATURE, name="ctr", version=v) for v in ("1", "2")]
RANKER = [Node(kind=NodeKind.MODEL, name="ranker", version=v) for v in ("1", "2")]


def _run(uid: str, name: str, commit: str, **parameters: object) -> Run:
    return Run(
        uid=uid,
        name=name,
        code_version=f"git:{commit}",
        code_dirty=False,
        parameters=parameters,
        environment={"python": "3.11.7"},
    )


def record_retrained(store: LineageStore) -> None:
    store.write(
        merge(
            run_batch(_run("extract-1", "extract_ctr", "aaa"), [CLICKS], [CTR[0]]),
            run_batch(_run("train-1", "train_ranker", "aaa", lr=0.1), [CTR[0]], [RANKER[0]]),
        )
    )
    store.write(run_batch(_run("extract-2", "extract_ctr", "bbb"), [CLICKS.uid], [CTR[1]]))
    served = [
        Prediction(name="rank", version=f"q-{i}", input_digest=f"sha256:q{i}", output=i, features=[f.uid])
        for i, f in enumerate(CTR, 1)
    ]
    store.write(predictions_batch(RANKER[0].uid, served, run=_run("serve-1", "serve_ranker", "aaa")))
    store.write(run_batch(_run("train-2", "train_ranker", "bbb", lr=0.05), [CTR[1].uid], [RANKER[1]]))
