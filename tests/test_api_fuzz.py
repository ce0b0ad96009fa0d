"""Hostile requests, generated: OpenLineage events and GraphQL variables full of text no store can keep,
deep nesting, times outside the calendar, oversized names and broken bytes. Whatever comes in, the
answer is never a 5xx, a refused request leaves the store exactly as it was, and what is accepted reads
back as it was sent.

Derandomized with a fixed number of examples, so CI runs the same requests every time (about ten
seconds on the embedded store).
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.model import Batch, Node
from lineage.store import LineageStore, open_store
from tests.api_support import local_client
from tests.test_openlineage_events import NS, run_event

FUZZ = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LIMITS = Settings(max_body_bytes=200_000, max_json_depth=32)

# Text a user might send, and text that breaks things: lone surrogates, NUL and other controls,
# names past the length limit, uid punctuation.
HOSTILE = st.sampled_from(["\ud800", "\udfff", "\x00", "\x1f", "\n", "@", ":", " ", "", "x" * 1001])
NAMES = st.from_regex(r"[a-z][a-z0-9_.]{0,7}", fullmatch=True)
TEXT = st.one_of(
    NAMES,
    NAMES,
    NAMES,
    st.text(max_size=12),
    st.text(st.characters(categories=["Cs", "Cc"]), min_size=1, max_size=3),
    st.lists(st.one_of(st.text(max_size=4), HOSTILE), min_size=1, max_size=3).map("".join),
)
TIMES = st.one_of(
    st.datetimes().map(lambda t: t.isoformat()),
    st.sampled_from(
        [
            "0999-12-31T23:00:00Z",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-05:00",
            "2026-02-30T00:00:00Z",
            "2026-05-01T08:00:00Z",
        ]
    ),
    TEXT,
)


class Deep:
    """A value nested ``levels`` deep, written straight into the text: too deep for json.dumps."""

    def __init__(self, levels: int) -> None:
        self.levels = levels


def encode(document: Any) -> bytes:
    """JSON as a client writes it (lone surrogates as \\u escapes), with each Deep spelled out."""
    text = json.dumps(document, default=lambda deep: f"<deep {deep.levels}>")
    return re.sub(r'"<deep (\d+)>"', lambda m: '{"a": [' * int(m[1]) + "1" + "]}" * int(m[1]), text).encode()


JSON_VALUES = st.one_of(
    st.just({}),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
        lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
        max_leaves=8,
    ),
    st.integers(1, 1200).map(Deep),
)


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    facets = draw(
        st.dictionaries(st.sampled_from(["lineageGraph", "version", "other"]), JSON_VALUES, max_size=2)
    )
    return {"namespace": draw(st.one_of(st.just(NS), TEXT)), "name": draw(TEXT), "facets": facets}


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    return run_event(
        str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        draw(st.sampled_from(["START", "RUNNING", "COMPLETE", "FAIL", "OTHER", "DONE"])),
        job_name=draw(TEXT),
        at=draw(TIMES),
        run_facets=draw(st.dictionaries(st.sampled_from(["parent", "executionParameters"]), JSON_VALUES)),
        inputs=draw(st.lists(datasets(), max_size=2)),
        outputs=draw(st.lists(datasets(), max_size=2)),
    )


@st.composite
def bodies(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> bytes:
    """A document as JSON, sometimes with a stray byte that is not UTF-8, sometimes gzipped."""
    body = encode(draw(documents))
    if draw(st.integers(0, 4)) == 4:  # hypothesis leans to 0: that is the common case
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80"])) + body[at:]
    return gzip.compress(body) if draw(st.integers(0, 4)) == 4 else body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, LineageStore]]:
    """One store and app for every example: the store fills with what is accepted, as a server does."""
    url = f"ladybug://{Path(tmp_path_factory.mktemp('fuzz')) / 'graph'}"
    with open_store(url) as store, local_client(create_app(LIMITS, store=store)) as client:
        yield client, store


def send(client: TestClient, path: str, body: bytes) -> Any:
    headers = {"Content-Type": "application/json"}
    if body[:2] == b"\x1f\x8b":
        headers["Content-Encoding"] = "gzip"
    return client.post(path, content=body, headers=headers)


@FUZZ
@given(body=bodies(events()))
def test_no_event_gets_a_5xx_and_a_refused_one_changes_nothing(
    served: tuple[TestClient, LineageStore], body: bytes
) -> None:
    client, store = served
    before = list(store.export_records())
    answer = send(client, "/api/v1/lineage", body)
    assert answer.status_code < 500, answer.text
    assert "error" in answer.json() or answer.status_code == 201
    if answer.status_code != 201:
        assert list(store.export_records()) == before
        return
    sent = json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
    run = store.get_run(answer.json()["run"])
    assert run is not None and run.name == sent["job"]["name"]  # stored as sent, NUL and all refused


RECORD_RUN = """mutation Record($input: RecordRunInput!) {
  recordRun(input: $input) { run { uid name startedAt parameters } }
}"""
QUERY = """query Read($uid: ID!, $search: String, $first: Int!, $asOf: DateTime, $depth: Int!) {
  node(uid: $uid) { uid }
  nodes(search: $search, first: $first) { totalCount }
  upstream(uid: $uid, depth: $depth, asOf: $asOf) { truncated }
}"""


@st.composite
def record_run_variables(draw: st.DrawFn) -> dict[str, Any]:
    run = {
        "uid": draw(TEXT),
        "name": draw(TEXT),
        "parameters": draw(JSON_VALUES),
        "startedAt": draw(TIMES),
        "status": draw(st.sampled_from(["START", "COMPLETE", "DONE", None])),
    }
    outputs = [{"uid": f"dataset:{draw(TEXT)}@{draw(TEXT)}", "metadata": draw(JSON_VALUES)}]
    return {"input": draw(st.sampled_from([{"run": run, "outputs": outputs}, run, draw(JSON_VALUES)]))}


QUERY_VARIABLES = st.fixed_dictionaries(
    {"uid": TEXT, "search": TEXT, "first": st.integers(-5, 2**40), "asOf": TIMES, "depth": JSON_VALUES}
)


@FUZZ
@given(
    request=st.one_of(
        st.tuples(st.just(RECORD_RUN), record_run_variables()),
        st.tuples(st.just(QUERY), QUERY_VARIABLES),
    ),
    raw=st.integers(0, 9).map(lambda n: n == 9),
)
def test_no_graphql_variables_get_a_5xx_or_an_internal_error(
    served: tuple[TestClient, LineageStore], request: tuple[str, Any], raw: bool
) -> None:
    client, store = served
    query, variables = request
    before = list(store.export_records())
    body = encode({"query": query, "variables": variables})
    answer = send(client, "/graphql", body + b"\xff" if raw else body)
    assert answer.status_code < 500, answer.text
    result = answer.json()
    if answer.status_code >= 400:
        assert "error" in result
    codes = {error["extensions"]["code"] for error in result.get("errors") or []}
    assert "INTERNAL_SERVER_ERROR" not in codes, result
    recorded = (result.get("data") or {}).get("recordRun")
    if recorded is None:
        assert list(store.export_records()) == before
    else:
        assert recorded["run"]["name"] == variables["input"]["run"]["name"]


@st.composite
def prediction_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """``POST /api/v1/predictions`` bodies: mostly well-formed, with hostile text, times and values."""
    prediction = {
        "name": draw(TEXT),
        "version": draw(TEXT),
        "inputDigest": draw(TEXT),
        "output": draw(JSON_VALUES),
        "features": draw(st.lists(st.one_of(st.just("feature:fuzz_feature@1"), TEXT), max_size=2)),
        "parents": draw(st.lists(TEXT, max_size=1)),
        "createdAt": draw(st.one_of(st.none(), TIMES)),
        "metadata": draw(JSON_VALUES),
    }
    dropped = draw(st.lists(st.sampled_from(sorted(prediction)), max_size=2))
    model = draw(st.one_of(st.just("model:fuzz_model@1"), TEXT))
    return {"modelUid": model, "predictions": [{k: v for k, v in prediction.items() if k not in dropped}]}


@FUZZ
@given(body=bodies(prediction_bodies()))
def test_no_prediction_body_gets_a_5xx_and_a_refused_one_changes_nothing(
    served: tuple[TestClient, LineageStore], body: bytes
) -> None:
    client, store = served
    if store.get_node("model:fuzz_model@1") is None:
        recorded = (Node.from_uid("model:fuzz_model@1"), Node.from_uid("feature:fuzz_feature@1"))
        store.write(Batch(nodes=recorded))
    before = list(store.export_records())
    answer = send(client, "/api/v1/predictions", body)
    assert answer.status_code < 500, answer.text
    assert "error" in answer.json() or answer.status_code == 201
    if answer.status_code != 201:
        assert list(store.export_records()) == before
