"""The recipe that rebuilds a version, and its check against real files, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lineage.checksum import checksum
from lineage.cli import main
from lineage.ingest.batches import merge, run_batch
from lineage.model import Node, NodeKind, Run
from lineage.reproduce import reproduce
from lineage.store.base import LineageStore
from lineage.verify import Outcome, verify


def _run(uid: str, name: str, started: str, **parameters: object) -> Run:
    return Run(
        uid=uid,
        name=name,
        code_version="git:abc",
        code_dirty=False,
        started_at=started,
        parameters=parameters,
    )


def test_a_three_model_chain_replays_each_run_after_the_runs_that_made_its_inputs(
    store_url: str, store: LineageStore
) -> None:
    data = Node(kind=NodeKind.DATASET, name="events", version="1", checksum="sha256:e1", source="s3://b/e")
    models = [Node(kind=NodeKind.MODEL, name=f"m{i}", version="1") for i in (1, 2, 3)]
    # The run uids and start times run against the order the chain needs: neither may decide it.
    store.write(
        merge(
            run_batch(_run("z-first", "train_m1", "2026-03-01T00:00:00Z", depth=3), [data], [models[0]]),
            run_batch(_run("m-second", "train_m2", "2026-02-01T00:00:00Z"), [models[0]], [models[1]]),
            run_batch(_run("a-third", "train_m3", "2026-01-01T00:00:00Z"), [models[1], data], [models[2]]),
        )
    )
    recipe = reproduce(store, models[2].uid)
    assert [s.run.uid for s in recipe.steps] == ["z-first", "m-second", "a-third"]
    assert [n.uid for n in recipe.sources] == [data.uid]
    assert [n.uid for n in recipe.steps[2].inputs] == [data.uid, models[1].uid]
    assert recipe.steps[0].run.parameters == {"depth": 3}
    assert recipe.reproducible

    store.close()
    answer = CliRunner().invoke(main, ["--store", store_url, "reproduce", models[2].uid, "--json"])
    plan = json.loads(answer.output)
    assert [s["run"]["uid"] for s in plan["steps"]] == ["z-first", "m-second", "a-third"]
    assert plan["sources"] == [
        {"uid": data.uid, "kind": "dataset", "checksum": "sha256:e1", "source": "s3://b/e", "path": None}
    ]
    text = CliRunner().invoke(main, ["--store", store_url, "reproduce", models[2].uid]).output
    assert text.index("1. train_m1 (run z-first)") < text.index("2. train_m2") < text.index("3. train_m3")


def test_what_stands_in_the_way_of_a_rebuild_is_named(store: LineageStore) -> None:
    raw = Node(kind=NodeKind.DATASET, name="raw", version="1")  # no checksum
    bought = Node(kind=NodeKind.FEATURE, name="bought", version="1")  # no run made it
    model = Node(kind=NodeKind.MODEL, name="m", version="1")
    store.write(
        merge(
            run_batch(
                Run(uid="t", name="train", code_version="git:x", code_dirty=True), [raw, bought], [model]
            )
        )
    )
    gaps = reproduce(store, model.uid).gaps
    assert "dataset:raw@1 has no checksum: its content cannot be verified" in gaps
    assert "run t (train) ran uncommitted code (git:x, dirty)" in gaps
    assert any(g.startswith("feature:bought@1 was recorded without the run that made it") for g in gaps)


def _files(root: Path) -> dict[str, Path]:
    (root / "data").mkdir()
    (root / "models").mkdir()
    files = {"data": root / "data" / "customers.csv", "model": root / "models" / "scoring.pkl"}
    files["data"].write_text("id,spend\n1,10\n")
    files["model"].write_bytes(b"\x80\x04weights")
    return files


def test_verify_matches_the_recorded_files_and_fails_once_one_changes(
    store_url: str, store: LineageStore, tmp_path: Path
) -> None:
    root = tmp_path / "checkout"
    root.mkdir()
    files = _files(root)
    data = Node(
        kind=NodeKind.DATASET,
        name="customers",
        version="1",
        checksum=checksum(files["data"]),
        metadata={"path": "data/customers.csv"},
    )
    notes = Node(kind=NodeKind.DATASET, name="notes", version="1", source="warehouse.crm")
    model = Node(
        kind=NodeKind.MODEL,
        name="scoring",
        version="1",
        checksum=checksum(files["model"]),
        source="models/scoring.pkl",
    )
    store.write(run_batch(Run(uid="train", name="train", code_version="git:abc"), [data, notes], [model]))
    artifacts = reproduce(store, model.uid).artifacts
    outcomes = {c.node.uid: c.outcome for c in verify(artifacts, root)}
    assert outcomes == {data.uid: Outcome.MATCH, notes.uid: Outcome.NO_PATH, model.uid: Outcome.MATCH}

    store.close()
    runner = CliRunner()
    command = ["--store", store_url, "verify", model.uid, "--root", str(root)]
    assert runner.invoke(main, command).exit_code == 0

    files["model"].write_bytes(b"\x80\x04retrained")
    failed = runner.invoke(main, [*command, "--json"])
    assert failed.exit_code == 1
    checks = {c["uid"]: c for c in json.loads(failed.output)}
    assert checks[model.uid]["outcome"] == "differs"
    assert checks[model.uid]["found"] == checksum(files["model"]) != checks[model.uid]["recorded"]
    assert checks[data.uid]["outcome"] == "match"

    files["data"].unlink()
    text = runner.invoke(main, command).output
    assert f"missing  {data.uid}  data/customers.csv" in text
    assert f"differs  {model.uid}  models/scoring.pkl  (recorded " in text


def test_verify_never_follows_a_path_out_of_the_root(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    root = tmp_path / "root"
    root.mkdir()
    outside = [
        Node(
            kind=NodeKind.DATASET,
            name="up",
            version="1",
            checksum="sha256:0",
            metadata={"path": "../secret.txt"},
        ),
        Node(
            kind=NodeKind.DATASET,
            name="abs",
            version="1",
            checksum="sha256:0",
            metadata={"path": str(secret)},
        ),
    ]
    assert [c.outcome for c in verify(outside, root)] == [Outcome.NO_PATH, Outcome.NO_PATH]
    unchecked = Node(kind=NodeKind.DATASET, name="in", version="1", metadata={"path": "secret.txt"})
    (root / "secret.txt").write_text("x")
    (check,) = verify([unchecked], root)
    assert (check.outcome, check.found) == (Outcome.NO_CHECKSUM, checksum(secret))
