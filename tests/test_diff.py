"""Two histories compared, on both backends: a model retrained after its feature extraction changed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lineage.cli import main
from lineage.diff import ValueChange, diff
from lineage.ingest.batches import run_batch
from lineage.model import Node, NodeKind, Run
from lineage.store.base import LineageStore
from tests.retrained import CLICKS, CTR, RANKER, record_retrained


def test_the_retrain_changed_the_features_code_and_learning_rate(store: LineageStore) -> None:
    record_retrained(store)
    found = diff(store, RANKER[0].uid, RANKER[1].uid)
    assert (found.only_a, found.only_b, found.truncated) == ((), (), False)
    assert [n.uid for n in found.unchanged] == [CLICKS.uid]
    changed = {c.name: c for c in found.changed}
    assert set(changed) == {"ctr", "ranker"}
    ctr = changed["ctr"]
    assert ([n.uid for n in ctr.a], [n.uid for n in ctr.b]) == ([CTR[0].uid], [CTR[1].uid])
    assert (ctr.runs.a.uid, ctr.runs.b.uid) == ("extract-1", "extract-2")  # type: ignore[union-attr]
    assert (ctr.runs.code_version, ctr.runs.parameters) == (("git:aaa", "git:bbb"), ())
    assert changed["ranker"].runs.parameters == (ValueChange(key="lr", a=0.1, b=0.05),)


def test_names_one_side_lacks_are_only_in_that_side(store: LineageStore) -> None:
    record_retrained(store)
    extra = Node(kind=NodeKind.DATASET, name="sessions", version="1")
    blended = Node(kind=NodeKind.MODEL, name="ranker", version="3")
    store.write(run_batch(Run(uid="train-3", name="train_ranker"), [CTR[1].uid, extra], [blended]))
    found = diff(store, RANKER[1].uid, blended.uid)
    assert ([n.uid for n in found.only_a], [n.uid for n in found.only_b]) == ([], [extra.uid])
    (model,) = found.changed
    assert model.runs.code_version == ("git:bbb", None)
    assert model.runs.parameters == (ValueChange(key="lr", a=0.05, b=None),)


def test_lineage_diff_prints_the_changes(store_url: str, store: LineageStore) -> None:
    record_retrained(store)
    store.close()
    runner = CliRunner()
    text = runner.invoke(main, ["--store", store_url, "diff", RANKER[0].uid, RANKER[1].uid]).output
    assert "changed feature:ctr 1 -> 2\n    code git:aaa -> git:bbb" in text
    assert "parameter lr: 0.1 -> 0.05" in text
    answer = runner.invoke(main, ["--store", store_url, "diff", RANKER[0].uid, RANKER[1].uid, "--json"])
    found = json.loads(answer.output)
    assert found["unchanged"] == [CLICKS.uid]
    assert {c["name"]: c["code_version"] for c in found["changed"]} == {
        "ctr": ["git:aaa", "git:bbb"],
        "ranker": ["git:aaa", "git:bbb"],
    }
