"""The ``lineage`` command behaves as users of git and sqlite-utils expect: --version, options before or
after the subcommand, counted words, completion scripts, what the demo added, lines that fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lineage.cli import main
from lineage.ingest.batches import run_batch
from lineage.model import Node, NodeKind, Run
from lineage.store import open_store


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def no_lineage_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("LINEAGE_")]:
        monkeypatch.delenv(name)


def test_version() -> None:
    assert run("--version").stdout == f"lineage, version {version('lineage-graph')}\n"


def test_store_is_taken_before_or_after_the_subcommand(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    assert run("--store", url, "demo").exit_code == 0
    before = run("--store", url, "stats", "--json")
    after = run("stats", "--json", "--store", url)
    assert before.stdout == after.stdout and json.loads(after.stdout)["edges"] == 28
    elsewhere = run("--store", f"ladybug://{tmp_path / 'other'}", "stats", "--json", "--store", url)
    assert elsewhere.stdout == after.stdout  # the subcommand's own option wins


def test_one_of_a_thing_is_not_plural(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    data, model = (
        Node(kind=NodeKind.DATASET, name="d", version="1"),
        Node(kind=NodeKind.MODEL, name="m", version="1"),
    )
    with open_store(url) as store:
        store.write(run_batch(Run(uid="r", name="train"), [data], [model]))
    assert run("upstream", model.uid, "--store", url).stdout.splitlines()[-1] == "1 node, 1 edge"
    export = tmp_path / "one.jsonl"
    assert run("export", str(export), "--store", url).stdout == f"exported 4 records to {export}\n"
    copy = f"ladybug://{tmp_path / 'copy'}"
    imported = run("import", str(export), "--store", copy).stdout
    assert imported == f"imported {export}: 2 new nodes, 1 new edge, 1 run, 0 already present\n"


def test_demo_says_what_it_added_not_what_the_store_holds(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    with open_store(url) as store:
        store.write(
            run_batch(Run(uid="r", name="n"), [], [Node(kind=NodeKind.DATASET, name="mine", version="1")])
        )
    assert (
        run("demo", "--store", url).stdout
        == f"demo graph loaded into {url}: 20 new nodes, 28 new edges, 8 runs\n"
    )
    assert run("demo", "--store", url).stdout == f"the demo graph is already in {url}: nothing added\n"


def test_stats_keeps_a_long_store_url_out_of_the_table_title(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / ('a-long-directory-name-' * 4) / 'graph'}"
    lines = run("stats", "--store", url).stdout.splitlines()
    assert lines[0] == f"store {url}"
    assert all(len(line) < 40 for line in lines[1:]) and lines[1].startswith("┏")


def test_an_unreachable_neo4j_says_why() -> None:
    result = run("stats", "--store", "bolt://127.0.0.1:9")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in message and "refused" in message.lower()
    assert not message.endswith(":") and len(message.splitlines()) == 1


def test_progress_stays_off_a_stderr_that_is_not_a_terminal(tmp_path: Path) -> None:
    url = f"ladybug://{tmp_path / 'graph'}"
    demo = run("demo", "--store", url)
    export = run("export", str(tmp_path / "x.jsonl"), "--store", url)
    assert demo.stderr == export.stderr == ""


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_complete_subcommands(shell: str) -> None:
    script = run("completion", shell).stdout
    assert "_LINEAGE_COMPLETE" in script
    # The script asks the command itself for completions; ask as the shell would.
    answer = subprocess.run(
        [sys.executable, "-c", "from lineage.cli import main; main(prog_name='lineage')"],
        env={
            **os.environ,
            "_LINEAGE_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": "lineage ups",
            "COMP_CWORD": "ups" if shell == "fish" else "1",  # fish passes the word, not its index
        },
        capture_output=True,
        text=True,
    )
    assert "upstream" in answer.stdout
