"""Request bodies read by ``load_json``: orjson reads the plain ones, the json module and the full walk
the rest, and a client cannot tell which did: the same values, the same refusals naming the same path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lineage.api.payload import PayloadError, load_json

DEPTH = 4

READ_ALIKE = [
    {"modelUid": "model:m@1", "predictions": [{"output": {"score": 0.25}, "features": []}]},
    {"quote": 'a "quoted" [bracket] {brace}', "slash": "back\\slash\\", "nested": [[["x"]]]},
    {"unicode": "é \u2028 😀", "escaped": "tab\there", "empty": {}, "list": []},
    {"big": 123456789012345678901234567890, "negative": -9223372036854775808, "float": 1e300},
    {"digits in text": "sha256:" + "0" * 64, "number": 12345678901234567},
    [[[[1]]]],
    "just text",
    None,
]


@pytest.mark.parametrize("value", READ_ALIKE, ids=range(len(READ_ALIKE)))
def test_a_body_reads_as_the_json_module_reads_it(value: Any) -> None:
    for body in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        read = load_json(body.encode(), max_depth=DEPTH)
        assert read == value and type(read) is type(value)
        assert json.dumps(read, sort_keys=True) == json.dumps(value, sort_keys=True)


REFUSED = [
    ('{"a": [[[["deep"]]]]}', "a[0][0][0]", "nested deeper than 4 levels"),
    ('{"a\\"{{{{": [{"b": "\\u0000"}]}', 'a"{{{{[0].b', "NUL character"),
    ('{"a": "\\ud800"}', "a", "lone surrogate"),
    ('{"a": NaN}', None, "NaN is not a JSON number"),
    ('{"a": [1, 2}', None, "not valid JSON"),
    ('"unterminated', None, "not valid JSON"),
]


@pytest.mark.parametrize(("body", "field", "says"), REFUSED, ids=[r[2] for r in REFUSED])
def test_a_body_that_cannot_be_kept_is_refused_naming_where(body: str, field: str | None, says: str) -> None:
    with pytest.raises(PayloadError, match=says) as refused:
        load_json(body.encode(), max_depth=DEPTH)
    assert refused.value.field == field


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    body = json.dumps({"a": "[[[[[[", "b": '\\"{{{{{{', "c": [["}}}}]]]]"]]})
    assert load_json(body.encode(), max_depth=3)["c"] == [["}}}}]]]]"]]
    with pytest.raises(PayloadError, match="nested deeper than 2 levels") as refused:
        load_json(body.encode(), max_depth=2)
    assert refused.value.field == "c[0]"
