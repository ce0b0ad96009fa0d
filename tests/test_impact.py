from __future__ import annotations

from lineage.impact import impact
from lineage.model import NodeKind
from lineage.store.base import LineageStore


def test_impact_of_old_customer_data_reaches_only_first_generation(demo_store: LineageStore) -> None:
    report = impact(demo_store, "dataset:customer_data@2026-01")
    assert report.by_kind == {
        NodeKind.DATASET: 0,
        NodeKind.FEATURE: 1,
        NodeKind.MODEL: 2,
        NodeKind.PREDICTION: 2,
    }
    assert {m.uid for m in report.models} == {"model:scoring_model@1", "model:credit_limit_model@1"}
    assert report.deployed == ()
    latest = {(n.kind, n.name): n for n in report.names}
    scoring = latest[(NodeKind.MODEL, "scoring_model")]
    assert scoring.affected_versions == ("1",) and scoring.latest.version == "2"
    assert not scoring.latest_is_affected
    assert report.depths["feature:purchase_analysis@1"] == 1
    assert report.depths["prediction:credit_offer@c-1001-g1"] == 3  # via the customer score


def test_impact_of_a_shared_source_calls_out_the_deployed_model(demo_store: LineageStore) -> None:
    report = impact(demo_store, "dataset:historic_data@2025")
    assert [m.uid for m in report.deployed] == ["model:credit_limit_model@2"]
    assert report.by_kind[NodeKind.PREDICTION] == 8
    assert "dataset:historic_data@2025" not in report.depths
