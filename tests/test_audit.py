"""Prediction audits, on every backend."""

from __future__ import annotations

import itertools

import pytest

from lineage.audit import audit
from lineage.errors import InvalidInput, NotFound
from lineage.ingest.batches import Prediction, merge, predictions_batch, run_batch
from lineage.model import Batch, Edge, Node, NodeKind, Run
from lineage.store.base import LineageStore


def test_a_current_offer_names_its_models_their_training_and_nothing_superseded(
    demo_store: LineageStore,
) -> None:
    report = audit(demo_store, "prediction:credit_offer@c-1002-g2")
    assert report.made_by is not None and report.made_by.uid == "model:credit_limit_model@2"
    assert report.run is not None and report.run.name == "score_and_offer"
    assert [n.uid for n in report.chained] == ["prediction:customer_score@c-1002-g2"]
    uses = {use.model.uid: use for use in report.models}
    assert set(uses) == {"model:credit_limit_model@2", "model:scoring_model@2"}
    limit = uses["model:credit_limit_model@2"]
    assert limit.training_run is not None and limit.training_run.parameters == {"max_limit": 25000}
    assert {n.uid for n in limit.trained_on} == {
        "model:scoring_model@2",
        "dataset:cost_risk_function@v1",
        "dataset:market_conditions@2026-Q2",
        "feature:purchase_analysis@2",
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
    }
    assert all(use.superseded == () for use in report.models)
    assert report.skew == () and report.reproducible


def test_an_old_offer_shows_what_has_been_superseded_since(demo_store: LineageStore) -> None:
    report = audit(demo_store, "prediction:credit_offer@c-1001-g1")
    scoring = next(use for use in report.models if use.model.name == "scoring_model")
    assert {(s.node.uid, s.latest.uid) for s in scoring.superseded} == {
        ("model:scoring_model@1", "model:scoring_model@2"),
        ("feature:purchase_analysis@1", "feature:purchase_analysis@2"),
        ("dataset:customer_data@2026-01", "dataset:customer_data@2026-04"),
    }


def test_feature_skew_and_reproducibility_gaps_are_reported(store: LineageStore) -> None:
    raw = Node(kind=NodeKind.DATASET, name="clicks", version="1")  # no checksum
    v1 = Node(kind=NodeKind.FEATURE, name="ctr", version="1")
    v2 = Node(kind=NodeKind.FEATURE, name="ctr", version="2")
    model = Node(kind=NodeKind.MODEL, name="ranker", version="1")
    store.write(
        merge(
            run_batch(Run(uid="fe-1", name="features", code_version="git:aaa"), [raw], [v1]),
            run_batch(Run(uid="fe-2", name="features", code_version="git:bbb", code_dirty=True), [raw], [v2]),
            run_batch(Run(uid="train", name="train"), [v1], [model]),
        )
    )
    served = Prediction(
        name="rank", version="q-1", input_digest="sha256:q1", output=[3, 1, 2], features=["feature:ctr@2"]
    )
    store.write(
        predictions_batch(
            "model:ranker@1", [served], run=Run(uid="serve", name="serve", code_version="git:ccc")
        )
    )

    report = audit(store, "prediction:rank@q-1")
    assert [n.uid for n in report.inputs] == ["feature:ctr@2"]
    assert [(s.read.uid, s.trained_on.uid) for s in report.skew] == [("feature:ctr@2", "feature:ctr@1")]
    assert not report.reproducible
    assert set(report.gaps) == {
        "dataset:clicks@1 has no checksum: its content cannot be verified",
        "run fe-2 (features) ran uncommitted code (git:bbb, dirty)",
        "run train (train) records no code version",
    }


def test_only_predictions_can_be_audited(demo_store: LineageStore) -> None:
    with pytest.raises(InvalidInput, match="is a model, not a prediction"):
        audit(demo_store, "model:scoring_model@1")
    with pytest.raises(NotFound):
        audit(demo_store, "prediction:nope@1")


def test_a_history_deeper_than_the_depth_cap_is_a_gap(store: LineageStore) -> None:
    chain = [Node(kind=NodeKind.DATASET, name=f"d{i}", version="1", checksum="sha256:x") for i in range(52)]
    model = Node(kind=NodeKind.MODEL, name="m", version="1")
    edges = [Edge(source=b.uid, target=a.uid) for a, b in itertools.pairwise(chain)]
    store.write(Batch(nodes=(*chain, model), edges=(*edges, Edge(source=model.uid, target=chain[-1].uid))))
    store.write(predictions_batch(model.uid, [Prediction(name="p", version="1", input_digest="d", output=1)]))
    report = audit(store, "prediction:p@1")
    assert report.gaps == ("its history is deeper than 50 hops: what lies beyond was not checked",)
    assert not report.reproducible
