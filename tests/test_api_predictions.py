"""``POST /api/v1/predictions``: the bulk route for predictions, on both backends."""

from __future__ import annotations

from typing import Any

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.model import Batch, Node
from lineage.store.base import LineageStore
from tests.api_support import RO_TOKEN, RW_TOKEN, TOKENS, local_client

MODEL = "model:scorer@1"
FEATURE = "feature:spend@1"


def _body(count: int, **changes: Any) -> dict[str, Any]:
    predictions = [
        {"name": "score", "version": str(i), "inputDigest": f"sha256:{i}", "output": {"p": i / 10},
         "features": [FEATURE], "createdAt": "2026-01-31T12:00:00Z"}
        for i in range(count)
    ]  # fmt: skip
    return {"modelUid": MODEL, "predictions": predictions, **changes}


def _post(store: LineageStore, body: Any, token: str = RW_TOKEN, **settings: Any) -> Any:
    app = create_app(Settings(tokens=TOKENS, **settings), store=store)
    with local_client(app) as client:
        return client.post("/api/v1/predictions", json=body, headers={"Authorization": f"Bearer {token}"})


def test_predictions_are_recorded_in_bulk_and_again_change_nothing(store: LineageStore) -> None:
    store.write(Batch(nodes=(Node.from_uid(MODEL), Node.from_uid(FEATURE))))
    answer = _post(store, _body(300))
    assert answer.status_code == 201
    assert answer.json() == {"createdNodes": 300, "createdEdges": 600, "unchanged": 0}
    node = store.get_node("prediction:score@7")
    assert node is not None and node.output == {"p": 0.7} and node.created_at == "2026-01-31T12:00:00.000000Z"
    assert {n.uid for n in store.upstream(node.uid, depth=1).nodes} == {node.uid, MODEL, FEATURE}
    assert _post(store, _body(300)).json() == {"createdNodes": 0, "createdEdges": 0, "unchanged": 900}


def test_bad_bodies_are_refused_naming_the_field_and_nothing_is_written(store: LineageStore) -> None:
    store.write(Batch(nodes=(Node.from_uid(MODEL), Node.from_uid(FEATURE))))
    body = _body(3)
    del body["predictions"][2]["inputDigest"]
    refused = _post(store, body)
    assert refused.status_code == 400 and refused.json()["field"] == "predictions[2].inputDigest"
    assert _post(store, {"predictions": []}).json()["field"] == "modelUid"
    assert _post(store, _body(0)).json()["field"] == "predictions"
    assert _post(store, _body(3, modelUid="model:unknown@1")).status_code == 404
    assert _post(store, _body(3), RO_TOKEN).status_code == 403
    assert _post(store, _body(6), max_predictions=5).status_code == 413
    changed = _body(1)
    _post(store, changed)
    changed["predictions"][0]["output"] = {"p": 1}
    assert _post(store, changed).status_code == 409
    assert store.stats()["prediction"] == 1
