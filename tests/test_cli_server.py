"""The ``lineage`` command beside a running server: on a store that ``lineage serve`` holds, and with
``--server``, every command answers what it answers on the store itself, through the server's API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lineage.cli import main
from lineage.held import ServerRecord, holding_server, record_path
from tests.api_support import RO_TOKEN, RW_TOKEN, environment, lineage_serve

# Every command that reads the store, with the options that change what it asks.
READS = [
    ["stats"],
    ["stats", "--json"],
    ["upstream", "model:credit_limit_model@2"],
    ["upstream", "model:credit_limit_model@2", "--json"],
    ["upstream", "model:credit_limit_model@2", "--limit", "3", "--json"],
    ["downstream", "dataset:customer_data@2026-01", "--kind", "model", "--depth", "2"],
    ["downstream", "dataset:customer_data@2026-04", "--as-of", "2000-01-01"],
    ["path", "dataset:customer_data@2026-04", "prediction:credit_offer@c-1002-g2"],
    ["path", "model:scoring_model@1", "model:scoring_model@2", "--json"],
    ["audit", "prediction:credit_offer@c-1001-g1"],
    ["audit", "prediction:credit_offer@c-1001-g2", "--json"],
    ["cypher", "MATCH (n:Node {kind: $k}) RETURN n.uid AS uid ORDER BY uid", "--param", 'k="model"'],
    ["cypher", "MATCH (n:Node) RETURN n.name AS name ORDER BY name", "--limit", "2", "--json"],
    ["columns", "feature:purchase_analysis@2", "total_spend_12m", "--depth", "2"],
    ["columns", "dataset:historic_data@2025", "amount", "--direction", "down", "--json"],
    ["reproduce", "model:credit_limit_model@2"],
    ["reproduce", "prediction:credit_offer@c-1002-g2", "--json"],
    ["stale"],
    ["stale", "--kind", "prediction", "--json"],
    ["diff", "model:credit_limit_model@1", "model:credit_limit_model@2"],
    ["diff", "model:scoring_model@1", "model:scoring_model@2", "--json"],
    ["ol-lineage", "dataset:warehouse.crm:customers"],
    ["upstream", "dataset:ghost@1"],
    ["cypher", "CREATE (:Node {uid: 'dataset:x@1'})"],
]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(autouse=True)
def no_lineage_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("LINEAGE_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    url = f"ladybug://{tmp_path / 'graph'}"
    assert run("--store", url, "demo").exit_code == 0
    return url


@pytest.fixture
def served(demo_url: str) -> Iterator[str]:
    with lineage_serve("serve", "--store", demo_url) as (url, _):
        yield url


def answers(store_url: str, *extra: str, files: Path, env: dict[str, str] | None = None) -> list[str]:
    """What each read command prints on stdout (and its exit code), and what export, graph and import
    write, on ``store_url``."""
    printed = []
    for args in READS:
        result = run(*args, "--store", store_url, *extra, env=env)
        error = result.stderr.splitlines()[-1] if result.exit_code else ""  # past the note, if any
        printed.append(f"{result.exit_code}\n{result.stdout}{error}")
    export, page = files / "export.jsonl", files / "page.html"
    for args in (
        ["export", str(export)],
        ["import", str(export)],
        ["graph", "model:credit_limit_model@2", "-o", str(page), "--view", "impact"],
        ["demo"],
    ):
        result = run(*args, "--store", store_url, *extra, env=env)
        assert result.exit_code == 0, result.output
        printed.append(result.stdout.replace(str(files), "FILES"))
    printed += [export.read_text(), page.read_text()]
    return printed


def test_a_held_store_answers_every_command_as_the_store_itself(demo_url: str, tmp_path: Path) -> None:
    (tmp_path / "local").mkdir()
    (tmp_path / "held").mkdir()
    local = answers(demo_url, files=tmp_path / "local")
    with lineage_serve("serve", "--store", demo_url) as (url, log):
        assert holding_server(demo_url) == ServerRecord(url=url, pid=holding_server(demo_url).pid)  # type: ignore[union-attr]
        held = answers(demo_url, files=tmp_path / "held")
        said = run("stats", "--store", demo_url).stderr
    assert held == local
    assert said.splitlines() == [
        f"lineage: the store at {demo_url} is held by the server at {url} "
        f"(pid {_pid_in(said)}); going through it"
    ]
    assert any(f"ladybug store (no auth): {demo_url}" in line for line in log)
    assert any(f"lineage commands on this store go through {url}" in line for line in log)
    assert record_path(demo_url) is not None and not record_path(demo_url).exists()  # type: ignore[union-attr]


def test_server_option_answers_as_the_store_it_serves(demo_url: str, served: str, tmp_path: Path) -> None:
    with_server = [run(*args, "--server", served).stdout.replace(served, demo_url) for args in READS[:-2]]
    globally = run("--server", served, "upstream", "model:credit_limit_model@2").stdout
    held = [run(*args, "--store", demo_url).stdout for args in READS[:-2]]
    assert with_server == held
    assert globally == held[2]
    from_environment = run("stats", "--json", env={"LINEAGE_URL": served}).stdout
    assert json.loads(from_environment)["edges"] == 28


def test_demo_and_import_write_through_the_server(tmp_path: Path) -> None:
    source, empty = f"ladybug://{tmp_path / 'source'}", f"ladybug://{tmp_path / 'empty'}"
    export = tmp_path / "demo.jsonl"
    assert run("--store", source, "demo").stdout.endswith("20 new nodes, 28 new edges, 8 runs\n")
    run("--store", source, "export", str(export))
    with lineage_serve("serve", "--store", empty):
        imported = run("--store", empty, "import", str(export)).stdout
        again = run("--store", empty, "demo").stdout
        exported = tmp_path / "again.jsonl"
        run("--store", empty, "export", str(exported))
    assert imported.endswith("20 new nodes, 28 new edges, 8 runs, 0 already present\n")
    assert again == f"the demo graph is already in {empty}: nothing added\n"
    assert exported.read_text() == export.read_text()


def test_tokens_reach_a_server_that_needs_them(demo_url: str) -> None:
    env = {**environment(), "LINEAGE_TOKENS": f"ro:{RO_TOKEN},rw:{RW_TOKEN}"}
    with lineage_serve("serve", "--store", demo_url, env=env) as (url, _):
        without = run("stats", "--store", demo_url)
        read = run("stats", "--json", "--store", demo_url, env={"LINEAGE_TOKEN": RO_TOKEN})
        refused = run("demo", "--store", demo_url, "--token", RO_TOKEN)
        written = run("--token", RW_TOKEN, "--server", url, "demo")
    assert without.exit_code == 1 and "needs a bearer token" in without.stderr
    assert json.loads(read.stdout)["model"] == 4
    assert refused.exit_code == 1 and "read-write (rw) bearer token" in refused.stderr
    assert written.exit_code == 0 and "nothing added" in written.stdout


def test_a_record_whose_server_is_gone_is_ignored_and_removed(demo_url: str) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    path = record_path(demo_url)
    assert path is not None
    ServerRecord(url="http://127.0.0.1:9", pid=int(gone.stdout)).write(path)
    result = run("stats", "--json", "--store", demo_url)
    assert result.exit_code == 0 and json.loads(result.stdout)["edges"] == 28
    assert result.stderr == "" and not path.exists()


def test_serve_refuses_a_store_another_server_holds(demo_url: str, served: str) -> None:
    result = run("serve", "--store", demo_url, "--port", "1")
    assert result.exit_code == 1
    assert f"already served by {served}" in result.stderr


def test_quiet_says_nothing_on_stderr(demo_url: str, served: str) -> None:
    result = run("--quiet", "stats", "--store", demo_url)
    assert result.exit_code == 0 and result.stderr == ""


def _pid_in(text: str) -> int:
    return int(text.split("(pid ")[1].split(")")[0])
