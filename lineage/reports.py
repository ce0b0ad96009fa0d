"""The CLI's answers to "can we reproduce it", "does it still match", "which models are stale" and
"what changed": each as JSON for scripts and as lines of text for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from lineage.diff import LineageDiff, ValueChange
from lineage.model import Node, Run
from lineage.reproduce import Recipe
from lineage.stale import StalePage
from lineage.verify import Check, recorded_path


def _artifact(node: Node) -> dict[str, Any]:
    return {
        "uid": node.uid,
        "kind": node.kind.value,
        "checksum": node.checksum,
        "source": node.source,
        "path": recorded_path(node),
    }


def _run(run: Run) -> dict[str, Any]:
    return {
        "uid": run.uid,
        "name": run.name,
        "code_version": run.code_version,
        "code_dirty": run.code_dirty,
        "parameters": dict(run.parameters),
        "environment": dict(run.environment),
        "started_at": run.started_at,
        "status": None if run.status is None else run.status.value,
        "user": run.user,
    }


def recipe_json(recipe: Recipe) -> dict[str, Any]:
    return {
        "target": recipe.target.uid,
        "reproducible": recipe.reproducible,
        "gaps": list(recipe.gaps),
        "sources": [_artifact(n) for n in recipe.sources],
        "steps": [
            {
                "run": _run(step.run),
                "inputs": [_artifact(n) for n in step.inputs],
                "outputs": [_artifact(n) for n in step.outputs],
            }
            for step in recipe.steps
        ],
    }


def _located(node: Node) -> str:
    facts = [node.checksum or "no checksum"]
    where = recorded_path(node) or node.source
    if where:
        facts.append(f"at {where}")
    return f"{node.uid} ({', '.join(facts)})"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def recipe_text(recipe: Recipe) -> str:
    counts = f"fetch {len(recipe.sources)} sources, replay {len(recipe.steps)} runs"
    lines = [f"To rebuild {recipe.target.uid}: {counts}", "sources:"]
    lines += [f"  {_located(n)}" for n in recipe.sources]
    for number, step in enumerate(recipe.steps, 1):
        run = step.run
        code = run.code_version or "no code version"
        lines.append(
            f"{number}. {run.name} (run {run.uid}), code {code}{' (dirty)' if run.code_dirty else ''}"
        )
        lines.append(f"   parameters {_compact(dict(run.parameters))}")
        lines.append(f"   environment {_compact(dict(run.environment))}")
        lines += [f"   reads {_located(n)}" for n in step.inputs]
        lines += [f"   makes {n.uid}" for n in step.outputs]
    lines.append("reproducible" if recipe.reproducible else "not reproducible:")
    lines += [f"  {gap}" for gap in recipe.gaps]
    return "\n".join(lines)


def checks_json(checks: Sequence[Check]) -> list[dict[str, Any]]:
    return [
        {
            "uid": c.node.uid,
            "path": c.path,
            "outcome": c.outcome.value,
            "recorded": c.node.checksum,
            "found": c.found,
        }
        for c in checks
    ]


def checks_text(checks: Sequence[Check]) -> str:
    width = max((len(c.outcome.value) for c in checks), default=0)
    lines = []
    for check in checks:
        line = f"{check.outcome.value:<{width}}  {check.node.uid}"
        if check.path:
            line += f"  {check.path}"
        if check.found and check.node.checksum and check.found != check.node.checksum:
            line += f"  (recorded {check.node.checksum}, found {check.found})"
        lines.append(line)
    return "\n".join(lines)


def stale_json(page: StalePage) -> dict[str, Any]:
    return {
        "examined": page.examined,
        "has_next_page": page.has_next,
        "end_cursor": page.end_cursor,
        "truncated": page.truncated,
        "stale": [
            {
                "uid": s.node.uid,
                "superseded": [
                    {"node": x.node.uid, "latest": x.latest.uid, "superseded_at": x.since}
                    for x in s.superseded
                ],
            }
            for s in page.nodes
        ],
    }


def stale_text(page: StalePage, kind: str) -> str:
    lines = []
    for found in page.nodes:
        lines.append(f"{found.node.uid} is stale:")
        lines += [f"  {x.node.uid} superseded by {x.latest.uid} (since {x.since})" for x in found.superseded]
    examined = "model" if kind == "prediction" else kind  # predictions: the pass is over their models
    summary = f"{len(page.nodes)} stale, examined {page.examined} {examined} versions"
    if page.has_next:
        summary += f"; more: --after {page.end_cursor}"
    if page.truncated:
        summary += "; a model made more predictions than listed (raise --per-model)"
    return "\n".join([*lines, summary])


def _changes(changes: Sequence[ValueChange]) -> list[dict[str, Any]]:
    return [{"key": c.key, "a": c.a, "b": c.b} for c in changes]


def diff_json(found: LineageDiff) -> dict[str, Any]:
    return {
        "a": found.a.root.uid,
        "b": found.b.root.uid,
        "only_in_a": [n.uid for n in found.only_a],
        "only_in_b": [n.uid for n in found.only_b],
        "changed": [
            {
                "kind": c.kind.value,
                "name": c.name,
                "a": [n.version for n in c.a],
                "b": [n.version for n in c.b],
                "run_a": c.runs.a.uid if c.runs.a else None,
                "run_b": c.runs.b.uid if c.runs.b else None,
                "code_version": list(c.runs.code_version) if c.runs.code_version else None,
                "parameters": _changes(c.runs.parameters),
                "environment": _changes(c.runs.environment),
            }
            for c in found.changed
        ],
        "unchanged": [n.uid for n in found.unchanged],
        "truncated": found.truncated,
    }


def diff_text(found: LineageDiff) -> str:
    lines = [f"{found.a.root.uid} -> {found.b.root.uid}"]
    lines += [f"  only in a: {n.uid}" for n in found.only_a]
    lines += [f"  only in b: {n.uid}" for n in found.only_b]
    for c in found.changed:
        versions = f"{', '.join(n.version for n in c.a)} -> {', '.join(n.version for n in c.b)}"
        lines.append(f"  changed {c.kind.value}:{c.name} {versions}")
        if c.runs.code_version:
            lines.append(f"    code {c.runs.code_version[0]} -> {c.runs.code_version[1]}")
        for label, changes in (("parameter", c.runs.parameters), ("environment", c.runs.environment)):
            lines += [f"    {label} {v.key}: {_compact(v.a)} -> {_compact(v.b)}" for v in changes]
    lines.append(f"  unchanged: {len(found.unchanged)} versions")
    if found.truncated:
        lines.append("  a history is deeper than the traversal bound: what lies beyond was not compared")
    return "\n".join(lines)
