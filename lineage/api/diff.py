"""The GraphQL face of ``lineage.diff``: two versions' histories compared."""

from __future__ import annotations

import strawberry

from lineage import diff as domain
from lineage.api.scalars import JSON, NodeKind
from lineage.api.types import LineageNode, Run

_nodes = LineageNode.from_models


@strawberry.type(description="A parameter or environment key whose value differs (null: not set).")
class ValueChange:
    key: str
    a: JSON | None
    b: JSON | None


@strawberry.type(description="How the runs that made the two versions of a name differ.")
class RunChange:
    a: Run | None
    b: Run | None
    code_version_changed: bool
    parameters: list[ValueChange]
    environment: list[ValueChange]


@strawberry.type(description="A name in both histories, at other versions.")
class ChangedName:
    kind: NodeKind
    name: str
    a: list[LineageNode] = strawberry.field(description="Its versions in a's history.")
    b: list[LineageNode] = strawberry.field(description="Its versions in b's history.")
    runs: RunChange


@strawberry.type(description="The upstream histories of a and b (each itself included), compared.")
class LineageDiff:
    a: LineageNode
    b: LineageNode
    only_in_a: list[LineageNode] = strawberry.field(description="Names only a's history holds.")
    only_in_b: list[LineageNode] = strawberry.field(description="Names only b's history holds.")
    changed: list[ChangedName]
    unchanged: list[LineageNode] = strawberry.field(description="Versions both histories hold.")
    truncated: bool = strawberry.field(description="A history was deeper than the traversal bound.")

    @classmethod
    def from_model(cls, found: domain.LineageDiff) -> LineageDiff:
        return cls(
            a=LineageNode.from_model(found.a.root),
            b=LineageNode.from_model(found.b.root),
            only_in_a=_nodes(found.only_a),
            only_in_b=_nodes(found.only_b),
            changed=[
                ChangedName(
                    kind=c.kind,
                    name=c.name,
                    a=_nodes(c.a),
                    b=_nodes(c.b),
                    runs=RunChange(
                        a=None if c.runs.a is None else Run.from_model(c.runs.a),
                        b=None if c.runs.b is None else Run.from_model(c.runs.b),
                        code_version_changed=c.runs.code_version is not None,
                        parameters=[_value(v) for v in c.runs.parameters],
                        environment=[_value(v) for v in c.runs.environment],
                    ),
                )
                for c in found.changed
            ],
            unchanged=_nodes(found.unchanged),
            truncated=found.truncated,
        )


def _value(change: domain.ValueChange) -> ValueChange:
    return ValueChange(key=change.key, a=change.a, b=change.b)
