"""``RemoteStore``, the store through a server's API, against the store itself on every backend: each
method answers what the store's own does, and the export and import routes hold to their contract."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from lineage.api.app import create_app
from lineage.api.settings import Settings
from lineage.errors import Conflict, InvalidInput, NotFound
from lineage.jsonl import HEADER, encode_record
from lineage.model import Batch, Node, NodeKind, Prediction, Run
from lineage.remote import Server, ServerError
from lineage.remote_store import RemoteStore
from lineage.store import LineageStore
from tests.api_support import RO_TOKEN, RW_TOKEN, TOKENS, serving

MODEL = "model:credit_limit_model@2"


@pytest.fixture
def served(demo_store: LineageStore) -> Iterator[str]:
    with serving(create_app(store=demo_store)) as url:
        yield url


@pytest.fixture
def remote(served: str) -> Iterator[RemoteStore]:
    with RemoteStore(Server(served)) as store:
        yield store


def test_reads_answer_as_the_store_does(demo_store: LineageStore, remote: RemoteStore) -> None:
    uids = [MODEL, "dataset:customer_data@2026-01", "dataset:ghost@1"]
    names = [(NodeKind.MODEL, "scoring_model"), (NodeKind.DATASET, "customer_data"), (NodeKind.FEATURE, "x")]
    runs = ["run-train-limit-2", "run-predict-1", "no-such-run"]
    assert remote.get_node(MODEL) == demo_store.get_node(MODEL)
    assert remote.get_node("dataset:ghost@1") is None
    assert remote.get_nodes(uids) == demo_store.get_nodes(uids)
    assert remote.versions(NodeKind.MODEL, "scoring_model") == demo_store.versions(
        NodeKind.MODEL, "scoring_model"
    )
    assert remote.versions_of(names) == demo_store.versions_of(names)
    assert remote.get_runs(runs) == _without_facet_times(demo_store.get_runs(runs))
    assert remote.get_run("run-predict-1") == demo_store.get_run("run-predict-1")
    assert remote.produced_by(uids) == demo_store.produced_by(uids)
    assert remote.producing_runs(uids) == demo_store.producing_runs(uids)
    assert remote.recent_runs(3) == demo_store.recent_runs(3)
    page = dict(kind=NodeKind.DATASET, search="customer", first=2)
    assert remote.list_nodes(**page) == demo_store.list_nodes(**page)
    after = demo_store.list_nodes(**page).end_cursor
    assert remote.list_nodes(**page, after=after) == demo_store.list_nodes(**page, after=after)
    assert remote.stats() == demo_store.stats()
    assert list(remote.export_records()) == list(demo_store.export_records())


def test_reads_as_of_a_time_and_by_kind_answer_as_the_store_does(
    demo_store: LineageStore, remote: RemoteStore
) -> None:
    names = [(NodeKind.MODEL, "scoring_model"), (NodeKind.DATASET, "customer_data")]
    for as_of in ("2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"):
        assert remote.versions_of(names, as_of=as_of) == demo_store.versions_of(names, as_of=as_of)
        assert remote.recent_runs(3, as_of=as_of) == demo_store.recent_runs(3, as_of=as_of)
        assert remote.counts_by_kind(as_of) == demo_store.counts_by_kind(as_of)
        page = dict(kind=NodeKind.MODEL, first=2, as_of=as_of)
        assert remote.list_nodes(**page) == demo_store.list_nodes(**page)
    first = demo_store.kind_versions(NodeKind.MODEL, first=2)
    assert remote.kind_versions(NodeKind.MODEL, first=2) == first
    assert remote.kind_versions(NodeKind.MODEL, first=2, after=first.end_cursor) == demo_store.kind_versions(
        NodeKind.MODEL, first=2, after=first.end_cursor
    )


def test_every_public_store_method_is_answered_with_the_same_parameters() -> None:
    """A command written against the store runs through a server too, so a method the store gains, or a
    parameter, must be answered here as well (``transaction`` cannot cross HTTP: a function is no request)."""
    public = {
        name
        for name, member in vars(LineageStore).items()
        if callable(member) and not name.startswith("_") and name != "transaction"
    }
    missing = sorted(name for name in public if not hasattr(RemoteStore, name))
    assert missing == []
    for name in public:
        assert _parameters(getattr(RemoteStore, name)) == _parameters(getattr(LineageStore, name)), name


def _parameters(method: object) -> list[tuple[str, object, object]]:
    import inspect

    signature = inspect.signature(method)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"depth": 2},
        {"kinds": [NodeKind.MODEL, NodeKind.DATASET]},
        {"limit": 3},
        {"as_of": "2000-01-01"},
    ],
)
def test_traversals_answer_as_the_store_does(
    demo_store: LineageStore, remote: RemoteStore, options: dict[str, object]
) -> None:
    for uid, direction in ((MODEL, "upstream"), ("dataset:customer_data@2026-01", "downstream")):
        try:
            expected = getattr(demo_store, direction)(uid, **options)
        except NotFound as exc:
            with pytest.raises(NotFound, match=str(exc)):
                getattr(remote, direction)(uid, **options)
            continue
        assert getattr(remote, direction)(uid, **options) == expected
    source, target = "dataset:customer_data@2026-04", "prediction:credit_offer@c-1002-g2"
    assert remote.path(source, target) == demo_store.path(source, target)
    assert remote.path("model:scoring_model@1", "model:scoring_model@2") is None


def test_cypher_reads_and_the_engine_refuses_writes(demo_store: LineageStore, remote: RemoteStore) -> None:
    query = "MATCH (n:Node {kind: $k}) RETURN n.uid AS uid ORDER BY uid"
    assert remote.cypher(query, {"k": "model"}, limit=2) == demo_store.cypher(query, {"k": "model"}, limit=2)
    with pytest.raises(Exception, match="read-only"):
        remote.cypher("CREATE (:Node {uid: 'dataset:x@1'})")
    assert remote.stats() == demo_store.stats()


def test_writes_land_as_they_would_locally(demo_store: LineageStore, remote: RemoteStore) -> None:
    data = Node(kind=NodeKind.DATASET, name="fresh", version="1", metadata={"rows": 3})
    model = Node(kind=NodeKind.MODEL, name="fresh_model", version="1")
    run = Run(uid="run-fresh", name="train", parameters={"lr": 0.1}, inputs=(data.uid,), outputs=(model.uid,))
    from lineage.ingest.batches import run_batch

    written = remote.write(run_batch(run, [data], [model]))
    assert (written.created_nodes, written.created_edges, written.runs_written) == (2, 1, 1)
    assert remote.write(run_batch(run, [data], [model])).created_nodes == 0  # the same again: no-op
    assert (
        demo_store.get_node(data.uid) == remote.get_node(data.uid) and remote.get_node(data.uid) is not None
    )
    predicted = remote.record_predictions(
        model.uid, [Prediction(name="p", version="1", input_digest="sha256:i", output={"y": 1})]
    )
    assert predicted.created_nodes == 1
    assert demo_store.produced_by(["prediction:p@1"]) == {}
    different = Node(kind=NodeKind.DATASET, name="fresh", version="1", metadata={"rows": 4})
    before = demo_store.stats()
    with pytest.raises(Conflict, match="dataset:fresh@1"):
        remote.write(Batch(nodes=(different, Node(kind=NodeKind.DATASET, name="other", version="1"))))
    assert demo_store.stats() == before


def test_a_large_write_goes_in_chunks_under_the_body_limit(
    demo_store: LineageStore, remote: RemoteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lineage.remote_store.IMPORT_BYTES", 2000)
    nodes = tuple(Node(kind=NodeKind.DATASET, name=f"bulk_{i}", version="1") for i in range(40))
    seen: list[tuple[int, int]] = []
    written = remote.write(Batch(nodes=nodes), progress=lambda done, total: seen.append((done, total)))
    assert written.created_nodes == 40 and len(seen) > 1 and seen[-1] == (40, 40)
    assert len(demo_store.get_nodes(n.uid for n in nodes)) == 40


def test_the_import_route_refuses_what_it_cannot_take(demo_store: LineageStore, served: str) -> None:
    before = list(demo_store.export_records())
    good = encode_record({"type": "node", **Node(kind=NodeKind.DATASET, name="new", version="1").to_record()})
    cases = [
        ("application/json", encode_record(HEADER) + good, 415, "JSON Lines"),
        ("application/x-ndjson", encode_record(HEADER) + good + "{oops\n", 400, "line 3"),
        ("application/x-ndjson", good, 400, "no header line"),
        (
            "application/x-ndjson",
            encode_record(HEADER) + '{"type": "node", "name": "a\\u0000"}\n',
            400,
            "NUL",
        ),
    ]
    for media_type, body, status, message in cases:
        answer = httpx.post(f"{served}/api/v1/import", content=body, headers={"Content-Type": media_type})
        assert answer.status_code == status and message in answer.json()["error"], answer.text
    assert list(demo_store.export_records()) == before


def test_export_and_import_need_their_tokens(demo_store: LineageStore) -> None:
    with serving(create_app(Settings(tokens=TOKENS), store=demo_store)) as url:
        assert httpx.get(f"{url}/api/v1/export").status_code == 401
        with RemoteStore(Server(url)) as anyone, pytest.raises(ServerError, match="needs a bearer token"):
            next(anyone.export_records())
        with RemoteStore(Server(url, RO_TOKEN)) as reader:
            assert list(reader.export_records()) == list(demo_store.export_records())
            with pytest.raises(Exception, match="read-write"):
                reader.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="n", version="1"),)))
        with RemoteStore(Server(url, RW_TOKEN)) as writer:
            assert (
                writer.write(Batch(nodes=(Node(kind=NodeKind.DATASET, name="n", version="1"),))).created_nodes
                == 1
            )


def test_lookups_of_more_than_a_page_are_refused(remote: RemoteStore) -> None:
    with pytest.raises(InvalidInput, match="at most 1000"):
        remote.server.graphql(
            "query($u: [ID!]!) { nodesByUid(uids: $u) { uid } }", {"u": ["dataset:a@1"] * 1001}
        )


def _without_facet_times(runs: dict[str, Run]) -> dict[str, Run]:
    """The API does not carry a run's facet times (when OpenLineage events set each value)."""
    from dataclasses import replace

    return {uid: replace(run, facet_times={}) for uid, run in runs.items()}


def test_columns_aliases_and_run_families_answer_as_the_store_does(
    demo_store: LineageStore, remote: RemoteStore
) -> None:
    feature, field = "feature:purchase_analysis@2", "total_spend_12m"
    uids = [feature, "dataset:historic_data@2025", "dataset:ghost@1"]
    assert remote.fields(uids) == demo_store.fields(uids)
    assert remote.column_sources(uids) == demo_store.column_sources(uids)
    assert remote.column_sources(uids)  # the demo's feature extraction has column lineage
    for direction in ("upstream", "downstream"):
        ask = dict(direction=direction, depth=2)
        local = demo_store.column_lineage(feature, field, **ask)
        assert remote.column_lineage(feature, field, **ask) == local
    assert remote.resolve_alias(feature) is None
    assert remote.resolve_alias("dataset:ghost@1") is None
    assert remote.search_runs("train", 5) == demo_store.search_runs("train", 5)
    assert remote.child_runs("run-train-limit-2") == demo_store.child_runs("run-train-limit-2")
