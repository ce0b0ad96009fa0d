"""Every example query in graphql/examples runs against the demo graph on both backends, and a
meaningful part of each answer is checked: an example that stops answering its question fails here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.store import LineageStore
from tests.api_support import graphql, local_client

EXAMPLES = Path(__file__).resolve().parent.parent / "graphql" / "examples"
Data = dict[str, Any]


def _what_fed_this_model(data: Data) -> None:
    nodes = {n["uid"]: n for n in data["upstream"]["nodes"]}
    assert set(nodes) == {
        "model:credit_limit_model@2",
        "model:scoring_model@2",
        "feature:purchase_analysis@2",
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
        "dataset:market_conditions@2026-Q2",
        "dataset:cost_risk_function@v1",
    }
    trained = nodes["model:credit_limit_model@2"]["producedBy"]
    assert trained["codeVersion"] == "git:c7d8e9f"
    assert trained["parameters"] == {"max_limit": 25000}
    assert nodes["model:scoring_model@2"]["producedBy"]["parameters"] == {
        "learning_rate": 0.05,
        "n_estimators": 500,
    }
    assert nodes["dataset:customer_data@2026-04"]["checksum"].startswith("sha256:")
    assert len(data["upstream"]["edges"]) == 6


def _impact_of_customer_data(data: Data) -> None:
    impact = data["impact"]
    counts = {k["kind"]: k["count"] for k in impact["byKind"]}
    assert counts == {"DATASET": 0, "FEATURE": 1, "MODEL": 2, "PREDICTION": 6}
    assert impact["total"] == 9
    assert impact["deployed"] == [
        {"depth": 3, "node": {"uid": "model:credit_limit_model@2", "metadata": {"stage": "production"}}}
    ]
    assert all(n["latestIsAffected"] for n in impact["names"])


def _offer_lineage(data: Data) -> None:
    nodes = {n["uid"]: n for n in data["upstream"]["nodes"]}
    assert nodes["prediction:credit_offer@c-1002-g2"]["output"] == {"credit_limit": 7500}
    assert nodes["prediction:customer_score@c-1002-g2"]["inputDigest"] == "sha256:in-c-1002-2"
    edges = {(e["source"], e["target"]) for e in data["upstream"]["edges"]}
    assert ("prediction:credit_offer@c-1002-g2", "model:credit_limit_model@2") in edges
    assert ("prediction:credit_offer@c-1002-g2", "prediction:customer_score@c-1002-g2") in edges
    assert ("prediction:customer_score@c-1002-g2", "model:scoring_model@2") in edges
    assert not any(n["kind"] == "DATASET" for n in nodes.values())


def _data_behind_an_offer(data: Data) -> None:
    offer = "prediction:credit_offer@c-1002-g2"
    datasets = {
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
        "dataset:cost_risk_function@v1",
        "dataset:market_conditions@2026-Q2",
    }
    assert {n["uid"] for n in data["upstream"]["nodes"]} == {offer, *datasets}
    edges = {e["target"]: e for e in data["upstream"]["edges"]}
    assert set(edges) == datasets and all(e["source"] == offer and e["indirect"] for e in edges.values())
    assert edges["dataset:market_conditions@2026-Q2"]["via"] == ["model:credit_limit_model@2"]
    assert "feature:purchase_analysis@2" in edges["dataset:customer_data@2026-04"]["via"]


def _superseded_training_data(data: Data) -> None:
    nodes = data["node"]["upstream"]["nodes"]
    versions = {n["uid"]: [v["version"] for v in n["versions"]] for n in nodes[1:]}
    assert versions == {
        "dataset:cost_risk_function@v1": ["v1"],
        "dataset:market_conditions@2026-Q1": ["2026-Q1", "2026-Q2"],
        "dataset:customer_data@2026-01": ["2026-01", "2026-04"],
        "dataset:historic_data@2025": ["2025"],
    }


def _path(data: Data) -> None:
    assert [n["uid"] for n in data["path"]] == [
        "dataset:customer_data@2026-04",
        "feature:purchase_analysis@2",
        "prediction:customer_score@c-1002-g2",
        "prediction:credit_offer@c-1002-g2",
    ]


def _training_run(data: Data) -> None:
    run = data["run"]
    assert (run["codeVersion"], run["codeDirty"], run["status"]) == ("git:c7d8e9f", False, "COMPLETE")
    assert run["startedAt"] == "2026-05-03T08:00:00.000000Z"
    assert [n["uid"] for n in run["outputs"]] == ["model:credit_limit_model@2"]
    assert [n["uid"] for n in run["inputs"]] == [
        "dataset:cost_risk_function@v1",
        "dataset:market_conditions@2026-Q2",
        "model:scoring_model@2",
    ]


def _models_page(data: Data) -> None:
    page = data["nodes"]
    assert page["totalCount"] == 4
    assert [e["node"]["uid"] for e in page["edges"]] == [
        "model:credit_limit_model@1",
        "model:credit_limit_model@2",
        "model:scoring_model@1",
    ]
    assert page["pageInfo"] == {"hasNextPage": True, "endCursor": page["edges"][-1]["cursor"]}


def _audit_an_offer(data: Data) -> None:
    audit = data["audit"]
    assert audit["madeBy"] == {"uid": "model:credit_limit_model@1"}
    assert audit["chained"] == [{"uid": "prediction:customer_score@c-1001-g1", "output": {"score": 0.62}}]
    models = {m["model"]["uid"]: m for m in audit["models"]}
    assert set(models) == {"model:credit_limit_model@1", "model:scoring_model@1"}
    assert models["model:scoring_model@1"]["trainingRun"]["parameters"] == {
        "learning_rate": 0.1,
        "n_estimators": 300,
    }
    superseded = {
        (s["node"]["uid"], s["latest"]["uid"]) for s in models["model:scoring_model@1"]["superseded"]
    }
    assert ("dataset:customer_data@2026-01", "dataset:customer_data@2026-04") in superseded
    assert (audit["skew"], audit["reproducible"], audit["gaps"]) == ([], True, [])


def _reproduce_credit_limit_model(data: Data) -> None:
    recipe = data["reproduce"]
    assert (recipe["reproducible"], recipe["gaps"]) == (True, [])
    assert [s["uid"] for s in recipe["sources"]] == [
        "dataset:cost_risk_function@v1",
        "dataset:customer_data@2026-04",
        "dataset:historic_data@2025",
        "dataset:market_conditions@2026-Q2",
    ]
    assert all(s["checksum"].startswith("sha256:") for s in recipe["sources"])
    steps = [(s["run"]["uid"], [o["uid"] for o in s["outputs"]]) for s in recipe["steps"]]
    assert steps == [
        ("run-features-2", ["feature:purchase_analysis@2"]),
        ("run-train-scoring-2", ["model:scoring_model@2"]),
        ("run-train-limit-2", ["model:credit_limit_model@2"]),
    ]
    assert recipe["steps"][2]["run"]["parameters"] == {"max_limit": 25000}


def _stale_models(data: Data) -> None:
    page = data["stale"]
    assert (page["examined"], page["hasNextPage"]) == (4, False)
    stale = {s["node"]["uid"]: s["superseded"] for s in page["nodes"]}
    assert set(stale) == {"model:credit_limit_model@1", "model:scoring_model@1"}
    pairs = {(s["node"]["uid"], s["latest"]["uid"]) for s in stale["model:scoring_model@1"]}
    assert pairs == {
        ("feature:purchase_analysis@1", "feature:purchase_analysis@2"),
        ("dataset:customer_data@2026-01", "dataset:customer_data@2026-04"),
    }
    assert all(s["supersededAt"] for s in stale["model:credit_limit_model@1"])


def _diff_credit_limit_models(data: Data) -> None:
    found = data["diff"]
    assert (found["onlyInA"], found["onlyInB"]) == ([], [])
    assert {n["uid"] for n in found["unchanged"]} == {
        "dataset:cost_risk_function@v1",
        "dataset:historic_data@2025",
    }
    changed = {c["name"]: c for c in found["changed"]}
    assert set(changed) == {
        "credit_limit_model",
        "scoring_model",
        "purchase_analysis",
        "customer_data",
        "market_conditions",
    }
    scoring = changed["scoring_model"]
    assert (scoring["a"], scoring["b"]) == ([{"version": "1"}], [{"version": "2"}])
    assert scoring["runs"]["parameters"] == [
        {"key": "learning_rate", "a": 0.1, "b": 0.05},
        {"key": "n_estimators", "a": 300, "b": 500},
    ]
    assert changed["credit_limit_model"]["runs"]["codeVersionChanged"] is True
    assert changed["customer_data"]["runs"]["codeVersionChanged"] is False


def _feature_column_lineage(data: Data) -> None:
    lineage = data["columnLineage"]
    assert [(f["node"], f["name"], f["type"]) for f in lineage["fields"]] == [
        ("feature:purchase_analysis@2", "total_spend_12m", "double"),
        ("dataset:historic_data@2025", "amount", "decimal(12,2)"),
    ]
    assert lineage["edges"] == [
        {
            "source": "feature:purchase_analysis@2",
            "sourceField": "total_spend_12m",
            "target": "dataset:historic_data@2025",
            "targetField": "amount",
            "run": "run-features-2",
            "transformations": [
                {"type": "DIRECT", "subtype": "AGGREGATION", "description": "sum over 12 months"}
            ],
        }
    ]
    assert not lineage["truncated"]
    assert [f["name"] for f in data["node"]["fields"]] == [
        "age",
        "customer_id",
        "days_since_last_order",
        "order_frequency",
        "total_spend_12m",
    ]


CHECKS: dict[str, Callable[[Data], None]] = {
    "reproduce_credit_limit_model": _reproduce_credit_limit_model,
    "stale_models": _stale_models,
    "diff_credit_limit_models": _diff_credit_limit_models,
    "feature_column_lineage": _feature_column_lineage,
    "audit_an_offer": _audit_an_offer,
    "data_behind_an_offer": _data_behind_an_offer,
    "what_fed_this_model": _what_fed_this_model,
    "impact_of_customer_data": _impact_of_customer_data,
    "offer_lineage": _offer_lineage,
    "superseded_training_data": _superseded_training_data,
    "path_from_customer_data_to_offer": _path,
    "training_run": _training_run,
    "models_page": _models_page,
}


def test_every_example_has_a_check() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.graphql")) == sorted(CHECKS)


@pytest.fixture
def client(demo_store: LineageStore) -> Iterator[TestClient]:
    with local_client(create_app(store=demo_store)) as client:
        yield client


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example_answers_its_question(client: TestClient, name: str) -> None:
    answer = graphql(client, (EXAMPLES / f"{name}.graphql").read_text(encoding="utf-8"))
    assert "errors" not in answer, answer
    CHECKS[name](answer["data"])
