"""A batch of logged predictions is checked once into columns (lineage/store/_predictions.py), without a
``Node`` per prediction; what it accepts and refuses, and the messages, are a Node's."""

from __future__ import annotations

import pytest

from lineage.errors import InvalidInput
from lineage.ingest.batches import predictions_batch
from lineage.model import Prediction
from lineage.store._predictions import PredictionColumns

MODEL = "model:scorer@1"
NAMES_AND_VERSIONS = [
    ("score", "ok-1"),
    ("score", ""),
    ("score", "   "),
    ("", "1"),
    ("score", "a\x00b"),
    ("score", "line\nbreak"),
    ("score", "x" * 1000),
    ("score", "x" * 1001),
    ("sc\x1fore", "1"),
    ("score", "a@b"),
    ("score", "a@"),
    ("sc@re", "1"),
    ("score:daily", "1"),
    ("score", "\xa0"),
    ("score", "v\u2028"),
    ("score", "v\x7f"),
]


def outcome(check: object) -> str:
    try:
        check()  # type: ignore[operator]
    except InvalidInput as exc:
        return str(exc)
    return "accepted"


@pytest.mark.parametrize(("name", "version"), NAMES_AND_VERSIONS, ids=repr)
def test_a_prediction_name_and_version_are_checked_as_a_node_checks_them(name: str, version: str) -> None:
    logged = [Prediction(name=name, version=version, input_digest="sha256:00", output=1)]
    as_node = outcome(lambda: predictions_batch(MODEL, logged))
    as_column = outcome(lambda: PredictionColumns.of(MODEL, logged, at="2026-05-01T00:00:00.000000Z"))
    assert as_column == as_node


def test_a_name_refused_once_is_refused_again() -> None:
    """Names that passed are remembered; a refused one is not, so it is refused every time."""
    logged = [Prediction(name="bad\x00name", version="1", input_digest="sha256:00", output=1)]
    for _ in range(2):
        with pytest.raises(InvalidInput, match="control characters"):
            PredictionColumns.of(MODEL, logged, at="2026-05-01T00:00:00.000000Z")


def test_inputs_are_kept_once_each_in_the_order_first_named() -> None:
    feature, other = "feature:spend@1", "feature:visits@2"
    logged = [
        Prediction(name="score", version="1", input_digest="d", output=1, features=[feature, feature]),
        Prediction(name="score", version="2", input_digest="d", output=2, features=[other, MODEL, feature]),
        Prediction(name="score", version="1", input_digest="d", output=1, features=[other]),  # a repeat
    ]
    batch = PredictionColumns.of(MODEL, logged, at="2026-05-01T00:00:00.000000Z")
    assert batch.uids == ["prediction:score@1", "prediction:score@2"]
    assert batch.targets == [MODEL, feature, other]
    assert batch.derives_from == [[0, 1], [0, 2, 1]]
    assert not batch.derives_within
