from __future__ import annotations

from lineage.impact import impact, is_deployed
from lineage.model import Node, NodeKind
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


def test_a_deployed_model_version_is_one_its_stage_or_aliases_say_is_serving() -> None:
    def model(**metadata: object) -> Node:
        return Node(kind=NodeKind.MODEL, name="churn", version="1", metadata=metadata)

    deployed = [model(stage="Production"), model(aliases=["champion"]), model(aliases=["x", "PRODUCTION"])]
    not_deployed = [
        model(),
        model(stage="Staging"),
        model(aliases=["challenger"]),
        model(aliases="champion"),  # not a list of aliases: free-form metadata says nothing here
        Node(kind=NodeKind.DATASET, name="d", version="1", metadata={"aliases": ["champion"]}),
    ]
    assert [is_deployed(n) for n in deployed] == [True, True, True]
    assert [is_deployed(n) for n in not_deployed] == [False] * 5
