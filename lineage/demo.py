"""The demo graph: the credit-scoring system this project's lecture uses.

customer data + historic data -> purchase analysis (with column lineage: which customer and order
columns each feature column is computed from) -> scoring model; the scoring model's scores, a cost
and risk function and market conditions -> credit-limit model -> offers. It is recorded in two stages,
the way it happened: a first generation of everything, then new customer data and market conditions
that brought second versions of the purchase analysis and both models. Between the stages an "as of"
query sees the first world only.
"""

from __future__ import annotations

import hashlib

from lineage.columns import WHOLE_DATASET, ColumnEdge, Field
from lineage.ingest.batches import Prediction, merge, predictions_batch, run_batch
from lineage.model import Batch, Node, NodeKind, Run, WriteResult
from lineage.store.base import LineageStore

OWNER = "credit-risk-team"


def _node(kind: NodeKind, name: str, version: str, description: str, **extra: object) -> Node:
    return Node(
        kind=kind,
        name=name,
        version=version,
        owner=OWNER,
        description=description,
        checksum=_fake_digest(name, version) if kind is NodeKind.DATASET else None,
        **extra,  # type: ignore[arg-type]
    )


def _fake_digest(name: str, version: str) -> str:
    """A stable stand-in for the digest of data the demo does not ship."""
    return f"sha256:{hashlib.sha256(f'{name}@{version}'.encode()).hexdigest()}"


def _run(uid: str, name: str, commit: str, started: str, **parameters: object) -> Run:
    return Run(
        uid=uid,
        name=name,
        code_version=f"git:{commit}",
        code_dirty=False,
        parameters=parameters,
        environment={"python": "3.11.7", "packages": "sha256:4f1c9e"},
        started_at=started,
        ended_at=started.replace(":00:00", ":20:00"),
        status="COMPLETE",
        user="ana@bank.example",
    )


def _dataset(name: str, version: str, description: str, source: str) -> Node:
    return _node(NodeKind.DATASET, name, version, description, source=source)


CUSTOMER_COLUMNS = {
    "customer_id": ("string", "Customer key"),
    "birth_date": ("date", "Date of birth"),
    "status": ("string", "active, dormant or closed"),
}
HISTORY_COLUMNS = {
    "customer_id": ("string", "Customer key"),
    "order_date": ("date", "When the order was placed"),
    "amount": ("decimal(12,2)", "Order value in EUR"),
}
FEATURE_COLUMNS = {
    "customer_id": ("string", "Customer key"),
    "total_spend_12m": ("double", "Spend over the last 12 months, EUR"),
    "order_frequency": ("double", "Orders per month over the last 12 months"),
    "days_since_last_order": ("int", "Recency"),
    "age": ("int", "Age at the snapshot date"),
}
# output column -> (input: "customers" or "history", input column, type, subtype, description)
FEATURE_LINEAGE = [
    ("customer_id", "customers", "customer_id", "DIRECT", "IDENTITY", ""),
    ("total_spend_12m", "history", "amount", "DIRECT", "AGGREGATION", "sum over 12 months"),
    ("order_frequency", "history", "order_date", "DIRECT", "AGGREGATION", "count per month"),
    ("days_since_last_order", "history", "order_date", "DIRECT", "TRANSFORMATION", "snapshot date - max"),
    ("age", "customers", "birth_date", "DIRECT", "TRANSFORMATION", "years to the snapshot date"),
    (WHOLE_DATASET, "history", "customer_id", "INDIRECT", "JOIN", "orders joined to customers"),
    (WHOLE_DATASET, "customers", "status", "INDIRECT", "FILTER", "active customers only"),
]


def _feature_columns(customers: str, history: str, analysis: str, run: str) -> Batch:
    """The schemas of the feature extraction's inputs and output, and which input columns each
    feature column is computed from."""
    schemas = ((customers, CUSTOMER_COLUMNS), (history, HISTORY_COLUMNS), (analysis, FEATURE_COLUMNS))
    inputs = {"customers": customers, "history": history}
    return Batch(
        fields=tuple(
            Field(node=uid, name=name, type=kind, description=text)
            for uid, columns in schemas
            for name, (kind, text) in columns.items()
        ),
        column_edges=tuple(
            ColumnEdge(
                source=analysis,
                source_field=output,
                target=inputs[side],
                target_field=column,
                run=run,
                transformations=[{"type": kind, "subtype": subtype, "description": text}],
            )
            for output, side, column, kind, subtype, text in FEATURE_LINEAGE
        ),
    )


def first_generation() -> Batch:
    customers = _dataset(
        "customer_data", "2026-01", "Customer master data, monthly snapshot", "warehouse.crm"
    )
    history = _dataset("historic_data", "2025", "Purchase history 2015-2025", "warehouse.sales")
    costs = _dataset("cost_risk_function", "v1", "Cost of default and risk appetite table", "finance")
    market = _dataset("market_conditions", "2026-Q1", "Interest rates and unemployment", "vendor.macro")
    analysis = _node(NodeKind.FEATURE, "purchase_analysis", "1", "Spend, frequency and recency per customer")
    scoring = _node(
        NodeKind.MODEL, "scoring_model", "1", "Gradient-boosted customer score", metadata={"auc": 0.81}
    )
    limit = _node(NodeKind.MODEL, "credit_limit_model", "1", "Credit limit from score, costs and market")
    return merge(
        run_batch(
            _run("run-features-1", "extract_purchase_features", "a1b2c3d", "2026-02-01T08:00:00Z"),
            [customers, history],
            [analysis],
        ),
        _feature_columns(customers.uid, history.uid, analysis.uid, "run-features-1"),
        run_batch(
            _run(
                "run-train-scoring-1",
                "train_scoring_model",
                "a1b2c3d",
                "2026-02-02T08:00:00Z",
                learning_rate=0.1,
                n_estimators=300,
            ),
            [analysis],
            [scoring],
        ),
        run_batch(
            _run(
                "run-train-limit-1",
                "train_credit_limit_model",
                "e4f5a6b",
                "2026-02-03T08:00:00Z",
                max_limit=20000,
            ),
            [scoring, costs, market],
            [limit],
        ),
        _offers(scoring.uid, limit.uid, analysis.uid, ["c-1001"], "2026-02-10T09:00:00Z", "run-predict-1"),
    )


def second_generation() -> Batch:
    customers = _dataset(
        "customer_data", "2026-04", "Customer master data, monthly snapshot", "warehouse.crm"
    )
    market = _dataset("market_conditions", "2026-Q2", "Interest rates and unemployment", "vendor.macro")
    analysis = _node(NodeKind.FEATURE, "purchase_analysis", "2", "Spend, frequency and recency per customer")
    scoring = _node(
        NodeKind.MODEL, "scoring_model", "2", "Gradient-boosted customer score", metadata={"auc": 0.84}
    )
    limit = _node(
        NodeKind.MODEL,
        "credit_limit_model",
        "2",
        "Credit limit from score, costs and market",
        metadata={"stage": "production"},
    )
    return merge(
        run_batch(
            _run("run-features-2", "extract_purchase_features", "c7d8e9f", "2026-05-01T08:00:00Z"),
            [customers, "dataset:historic_data@2025"],
            [analysis],
        ),
        _feature_columns(customers.uid, "dataset:historic_data@2025", analysis.uid, "run-features-2"),
        run_batch(
            _run(
                "run-train-scoring-2",
                "train_scoring_model",
                "c7d8e9f",
                "2026-05-02T08:00:00Z",
                learning_rate=0.05,
                n_estimators=500,
            ),
            [analysis],
            [scoring],
        ),
        run_batch(
            _run(
                "run-train-limit-2",
                "train_credit_limit_model",
                "c7d8e9f",
                "2026-05-03T08:00:00Z",
                max_limit=25000,
            ),
            [scoring, "dataset:cost_risk_function@v1", market],
            [limit],
        ),
        _offers(
            scoring.uid,
            limit.uid,
            analysis.uid,
            ["c-1001", "c-1002", "c-1003"],
            "2026-05-10T09:00:00Z",
            "run-predict-2",
        ),
    )


def _offers(scoring: str, limit: str, features: str, customers: list[str], at: str, run_uid: str) -> Batch:
    """A customer's score from the scoring model, chained into an offer from the credit-limit model."""
    run = _run(run_uid, "score_and_offer", "e4f5a6b", at)
    generation = scoring.rsplit("@", 1)[1]
    scores = [
        Prediction(
            name="customer_score",
            version=f"{c}-g{generation}",
            input_digest=f"sha256:in-{c}-{generation}",
            output={"score": 0.62 + 0.07 * i},
            features=[features],
            created_at=at,
        )
        for i, c in enumerate(customers)
    ]
    offers = [
        Prediction(
            name="credit_offer",
            version=f"{c}-g{generation}",
            input_digest=f"sha256:offer-{c}-{generation}",
            output={"credit_limit": 5000 + 2500 * i},
            parents=[f"prediction:customer_score@{c}-g{generation}"],
            created_at=at,
        )
        for i, c in enumerate(customers)
    ]
    return merge(predictions_batch(scoring, scores, run=run), predictions_batch(limit, offers, run=run))


def load_demo(store: LineageStore) -> WriteResult:
    """Record the demo graph (both stages) and return what that added. Loading it twice changes nothing."""
    first = store.write(first_generation())
    second = store.write(second_generation())
    return WriteResult(
        created_nodes=first.created_nodes + second.created_nodes,
        created_edges=first.created_edges + second.created_edges,
        runs_written=first.runs_written + second.runs_written,
        unchanged=first.unchanged + second.unchanged,
    )
