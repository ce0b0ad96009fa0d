"""Stale versions, on both backends: a model retrained after its feature extraction changed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lineage.audit import audit
from lineage.cli import main
from lineage.model import NodeKind
from lineage.stale import stale
from lineage.store.base import LineageStore
from tests.retrained import CTR, RANKER, record_retrained


def test_the_model_trained_on_the_old_features_is_stale_and_its_retrain_is_not(store: LineageStore) -> None:
    record_retrained(store)
    page = stale(store, NodeKind.MODEL)
    assert (page.examined, page.has_next) == (2, False)
    assert [s.node.uid for s in page.nodes] == [RANKER[0].uid]
    (reason,) = page.nodes[0].superseded
    assert (reason.node.uid, reason.latest.uid) == (CTR[0].uid, CTR[1].uid)
    assert reason.since == store.get_node(CTR[1].uid).recorded_at  # type: ignore[union-attr]


def test_features_are_stale_only_when_their_data_moved_on(store: LineageStore) -> None:
    record_retrained(store)
    assert stale(store, NodeKind.FEATURE).nodes == ()


def test_predictions_of_the_superseded_model_are_stale(store: LineageStore) -> None:
    record_retrained(store)
    page = stale(store, NodeKind.PREDICTION)
    assert sorted(s.node.uid for s in page.nodes) == ["prediction:rank@q-1", "prediction:rank@q-2"]
    assert {(x.node.uid, x.latest.uid) for s in page.nodes for x in s.superseded} == {
        (RANKER[0].uid, RANKER[1].uid)
    }
    assert not page.truncated
    capped = stale(store, NodeKind.PREDICTION, predictions_per_model=1)
    assert len(capped.nodes) == 1 and capped.truncated


def test_the_pass_over_models_pages_with_a_cursor(store: LineageStore) -> None:
    record_retrained(store)
    first = stale(store, NodeKind.MODEL, first=1)
    assert (first.examined, first.has_next, [s.node.uid for s in first.nodes]) == (1, True, [RANKER[0].uid])
    rest = stale(store, NodeKind.MODEL, first=1, after=first.end_cursor)
    assert (rest.examined, rest.has_next, rest.nodes) == (1, False, ())


def test_as_of_before_the_retrain_the_old_model_was_not_stale_yet(store: LineageStore) -> None:
    record_retrained(store)
    trained = store.get_node(RANKER[0].uid)
    assert trained is not None and trained.recorded_at is not None
    then = stale(store, NodeKind.MODEL, as_of=trained.recorded_at)
    assert (then.examined, then.nodes) == (1, ())  # ranker@2 did not exist yet: passed over
    assert stale(store, NodeKind.PREDICTION, as_of=trained.recorded_at).nodes == ()


def test_the_skewed_prediction_is_named_by_the_audit(store: LineageStore) -> None:
    record_retrained(store)
    report = audit(store, "prediction:rank@q-2")
    assert [(s.read.uid, s.trained_on.uid) for s in report.skew] == [(CTR[1].uid, CTR[0].uid)]
    assert audit(store, "prediction:rank@q-1").skew == ()


def test_lineage_stale_prints_what_superseded_what(store_url: str, store: LineageStore) -> None:
    record_retrained(store)
    store.close()  # the embedded store is owned by one process at a time
    runner = CliRunner()
    text = runner.invoke(main, ["--store", store_url, "stale"], catch_exceptions=False).output
    assert f"{RANKER[0].uid} is stale:\n  {CTR[0].uid} superseded by {CTR[1].uid}" in text
    assert "1 stale, examined 2 model versions" in text
    answer = runner.invoke(main, ["--store", store_url, "stale", "--kind", "prediction", "--json"])
    found = json.loads(answer.output)
    assert [s["uid"] for s in found["stale"]] == ["prediction:rank@q-1", "prediction:rank@q-2"]
