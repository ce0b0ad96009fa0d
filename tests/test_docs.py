"""The docs keep up with the code: every command and option of ``lineage`` is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from lineage.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(
    p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
)
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"`lineage {name}" in README, f"README.md's command table lacks `lineage {name}`"


@pytest.mark.parametrize(
    ("command", "option"),
    sorted(
        (name, flag)
        for name, command in main.commands.items()
        for param in command.params
        if isinstance(param, click.Option)
        for flag in param.opts
        if flag.startswith("--")
    ),
)
def test_every_option_is_documented(command: str, option: str) -> None:
    assert option in DOCS, f"`lineage {command} {option}` is in no doc (README.md or docs/*.md)"
