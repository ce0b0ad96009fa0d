"""The README's commands, run as a reader runs them: every ``sh`` and ``console`` block, in order.

A temporary home and data directory stand in for the reader's (their own store is never touched), and
a ``lineage`` on PATH runs this checkout's code. The quickstart's ``lineage serve --demo`` runs in the
background from where the README starts it to the end, so the CLI examples after it run while it
holds the store, as they would for a reader. Each command must exit 0; where a ``console`` block shows
output, the command must print exactly that. The commands not run are in ``NOT_RUN``, with the reason.

The server listens on a free port rather than 8000 (other servers may hold 8000 on a shared machine):
``--port`` is added to the serve command, and ``127.0.0.1:8000`` in later commands becomes that port.
The commands run in a temporary directory that holds the checkout's ``graphql/`` and ``examples/`` (the
README's curl example reads a query file, and the verify example runs a script), so the files they write
land there. Recording times in shown output are compared as placeholders: a reader's store records its own.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.api_support import environment, free_port

ROOT = Path(__file__).resolve().parent.parent
SERVE = "lineage serve --demo"
RECORDED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")

NOT_RUN = {
    "pip install": "needs the network to PyPI; the tests run this checkout, already installed",
    "pytest": "runs the test suite this test is part of",
    "NEO4J_URI=": "runs the test suite, against a Neo4j the reader runs",
    ".ci/run": "runs the test suite",
    "python scripts/build_graphiql.py": "re-copies GraphiQL from npm: the network, and the shipped files",
    "python bench/": "a benchmark: minutes of CPU, and its timings mean nothing on a shared machine",
    "ruff": "a check of the code that CI runs; it says nothing about what the README tells a reader",
    "mypy": "a check of the code that CI runs; it says nothing about what the README tells a reader",
}


@dataclass
class Command:
    text: str
    line: int
    shown: list[str] | None = None
    """The output a console block shows after the command; None when it shows none."""


@dataclass
class Block:
    language: str
    line: int
    commands: list[Command] = field(default_factory=list)


def readme_blocks(text: str) -> list[Block]:
    """The ``sh`` and ``console`` blocks. A console command is a ``$ `` line, continued while a line
    ends in a backslash; the lines up to the next command are its output. In an ``sh`` block every line
    is a command, and a ``# comment`` after it is not part of it."""
    found = []
    for match in re.finditer(r"^```(sh|console)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        block = Block(match.group(1), text.count("\n", 0, match.start()) + 1)
        lines = match.group(2).splitlines()
        index = 0
        while index < len(lines):
            line, index = lines[index], index + 1
            if block.language == "console" and not line.startswith("$ "):
                block.commands[-1].shown = [*(block.commands[-1].shown or []), line]
                continue
            command = line.removeprefix("$ ")
            while command.endswith("\\") and index < len(lines):
                command, index = command + "\n" + lines[index], index + 1  # bash joins them
            if block.language == "sh":
                command = re.sub(r"\s+#.*$", "", command)
            if command.strip():
                block.commands.append(Command(command.strip(), line=block.line + index))
        found.append(block)
    return found


def _timeless(lines: list[str]) -> list[str]:
    """The lines with every recording time as one placeholder: the README shows the times of the store
    it was written against, and a reader's store records its own."""
    return [RECORDED_AT.sub("<time>", line) for line in lines]


def not_run(part: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if part.startswith(prefix)), None)


def test_every_readme_command_runs_as_written(tmp_path: Path) -> None:
    home, work, bin_dir = tmp_path / "home", tmp_path / "work", tmp_path / "bin"
    for directory in (home, work, bin_dir):
        directory.mkdir()
    (work / "graphql").symlink_to(ROOT / "graphql")
    (work / "examples").symlink_to(ROOT / "examples")
    shim = bin_dir / "lineage"
    shim.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c "
        '\'import sys; from lineage.cli import main; sys.argv[0] = "lineage"; main()\' "$@"\n'
    )
    shim.chmod(0o755)
    env = {
        **environment(),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    record = home / ".local" / "share" / "lineage-graph" / "graph.server.json"
    server: subprocess.Popen[bytes] | None = None
    ran = []
    try:
        for block in readme_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
            for command in block.commands:
                parts = [p.strip() for p in command.text.split(" && ")]
                parts = [p for p in parts if not not_run(p)]
                if parts == [SERVE]:
                    assert server is None, f"README line {command.line}: a second server"
                    server = _start(f"{SERVE} --port {port}", work, env, tmp_path / "serve.log")
                    _wait_for(port, record, server, tmp_path / "serve.log")
                    continue
                if not parts:
                    continue
                text = " && ".join(parts).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
                result = subprocess.run(
                    ["bash", "-o", "pipefail", "-c", text],
                    cwd=work,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=180,
                )
                where = f"README line {command.line}: {command.text}"
                assert result.returncode == 0, f"{where}\nexit {result.returncode}\n{result.stderr}"
                if command.shown is not None:
                    printed = _timeless(result.stdout.splitlines())
                    assert printed == _timeless(command.shown), f"{where}\nprinted:\n{result.stdout}"
                ran.append(text)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
    assert server is not None, f"the README no longer starts `{SERVE}`"
    assert not record.exists(), "the server left its record behind"
    assert any(c.startswith("lineage path") for c in ran) and any("curl" in c for c in ran)


def _start(command: str, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_for(port: int, record: Path, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server answers and has left the record by which the CLI finds it."""
    deadline = time.monotonic() + 90
    while True:
        assert server.poll() is None, log.read_text()
        try:
            if (
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
                and record.exists()
            ):
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"lineage serve did not come up:\n{log.read_text()}"
        time.sleep(0.2)
