"""Two histories compared, on both backends: a model retrained after its feature extraction changed."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from click.testing import CliRunner

from lineage.api.app import create_app
from lineage.cli import main
from lineage.diff import ValueChange, diff
from lineage.ingest.batches import run_batch
from lineage.model import Node, NodeKind, Run
from lineage.store.base import LineageStore
from tests.api_support import local_client
from tests.retrained import CLICKS, CTR, RANKER, record_retrained
from tests.test_viz_page import embedded_data
from tests.test_viz_routes import hrefs


def test_the_retrain_changed_the_features_code_and_learning_rate(store: LineageStore) -> None:
    record_retrained(store)
    found = diff(store, RANKER[0].uid, RANKER[1].uid)
    assert (found.only_a, found.only_b, found.truncated) == ((), (), False)
    assert [n.uid for n in found.unchanged] == [CLICKS.uid]
    changed = {c.name: c for c in found.changed}
    assert set(changed) == {"ctr", "ranker"}
    ctr = changed["ctr"]
    assert ([n.uid for n in ctr.a], [n.uid for n in ctr.b]) == ([CTR[0].uid], [CTR[1].uid])
    assert (ctr.runs.a.uid, ctr.runs.b.uid) == ("extract-1", "extract-2")  # type: ignore[union-attr]
    assert (ctr.runs.code_version, ctr.runs.parameters) == (("git:aaa", "git:bbb"), ())
    assert changed["ranker"].runs.parameters == (ValueChange(key="lr", a=0.1, b=0.05),)


def test_names_one_side_lacks_are_only_in_that_side(store: LineageStore) -> None:
    record_retrained(store)
    extra = Node(kind=NodeKind.DATASET, name="sessions", version="1")
    blended = Node(kind=NodeKind.MODEL, name="ranker", version="3")
    store.write(run_batch(Run(uid="train-3", name="train_ranker"), [CTR[1].uid, extra], [blended]))
    found = diff(store, RANKER[1].uid, blended.uid)
    assert ([n.uid for n in found.only_a], [n.uid for n in found.only_b]) == ([], [extra.uid])
    (model,) = found.changed
    assert model.runs.code_version == ("git:bbb", None)
    assert model.runs.parameters == (ValueChange(key="lr", a=0.05, b=None),)


def test_lineage_diff_prints_the_changes(store_url: str, store: LineageStore) -> None:
    record_retrained(store)
    store.close()
    runner = CliRunner()
    text = runner.invoke(main, ["--store", store_url, "diff", RANKER[0].uid, RANKER[1].uid]).output
    assert "changed feature:ctr 1 -> 2\n    code git:aaa -> git:bbb" in text
    assert "parameter lr: 0.1 -> 0.05" in text
    answer = runner.invoke(main, ["--store", store_url, "diff", RANKER[0].uid, RANKER[1].uid, "--json"])
    found = json.loads(answer.output)
    assert found["unchanged"] == [CLICKS.uid]
    assert {c["name"]: c["code_version"] for c in found["changed"]} == {
        "ctr": ["git:aaa", "git:bbb"],
        "ranker": ["git:aaa", "git:bbb"],
    }


def test_the_diff_page_marks_each_node_and_lists_the_run_changes(store: LineageStore) -> None:
    record_retrained(store)
    with local_client(create_app(store=store)) as client:
        response = client.get("/diff", params={"a": RANKER[0].uid, "b": RANKER[1].uid})
        assert response.status_code == 200
        page = response.text
        first_lines = {n["id"]: n["label"].split("\n")[0] for n in embedded_data(page)["nodes"]}
        assert first_lines == {
            RANKER[0].uid: "A: A'S VERSION",
            RANKER[1].uid: "B'S VERSION",
            CTR[0].uid: "A'S VERSION",
            CTR[1].uid: "B'S VERSION",
            CLICKS.uid: "IN BOTH",
        }
        changed = re.search(r'<li data-name="feature:ctr">(.*?)</li>', page, re.S)
        assert changed is not None and "code git:aaa → git:bbb" in changed.group(1)
        assert "lr: 0.1 → 0.05" in page
        graphql = next(h for h in hrefs(page) if h.startswith("/graphql?"))
        assert (
            f'diff(a: "{RANKER[0].uid}", b: "{RANKER[1].uid}")'
            in parse_qs(urlsplit(graphql).query)["query"][0]
        )

        assert client.get("/diff", params={"a": RANKER[0].uid}).status_code == 400
        assert client.get("/diff", params={"a": RANKER[0].uid, "b": "model:nothing@1"}).status_code == 404
        before_retrain = store.get_node(CTR[1].uid).recorded_at  # type: ignore[union-attr]
        later = client.get("/diff", params={"a": RANKER[0].uid, "b": RANKER[1].uid, "asOf": before_retrain})
        assert later.status_code == 404 and "was recorded at" in later.text


def test_an_older_model_links_its_graph_panel_to_the_diff_with_the_latest(store: LineageStore) -> None:
    record_retrained(store)
    with local_client(create_app(store=store)) as client:
        drawn = embedded_data(client.get(f"/graph/{CTR[0].uid}").text)["nodes"]
        model = next(n for n in drawn if n["id"] == RANKER[0].uid)
        assert model["latest"] == RANKER[1].uid
        assert parse_qs(urlsplit(model["diffHref"]).query) == {"a": [RANKER[0].uid], "b": [RANKER[1].uid]}
        assert client.get(model["diffHref"]).status_code == 200
        latest = embedded_data(client.get(f"/graph/{RANKER[1].uid}").text)["nodes"]
        assert "diffHref" not in next(n for n in latest if n["id"] == RANKER[1].uid)
