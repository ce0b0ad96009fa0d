"""The GraphQL face of ``lineage.impact``: what a change to a node affects, grouped to act on."""

from __future__ import annotations

import strawberry

from lineage import impact as domain
from lineage.api.scalars import NodeKind
from lineage.api.types import LineageNode


@strawberry.type(description="An affected node and the depth (hops from the changed node) it was reached at.")
class AffectedNode:
    node: LineageNode
    depth: int


@strawberry.type(description="The affected nodes of one kind.")
class KindImpact:
    kind: NodeKind
    count: int
    nodes: list[AffectedNode] = strawberry.field(description="Nearest first.")


@strawberry.type(description="One affected name: which of its versions the change reaches, and its latest.")
class AffectedName:
    kind: NodeKind
    name: str
    affected_versions: list[str]
    latest: LineageNode = strawberry.field(description="The newest version the store holds of this name.")
    latest_is_affected: bool = strawberry.field(
        description="False when a newer version already escapes the change (it was rebuilt from other data)."
    )


@strawberry.type(description="Everything downstream of a node, grouped by kind, nearest first.")
class ImpactReport:
    root: LineageNode
    total: int = strawberry.field(description="How many nodes are affected (the root not counted).")
    by_kind: list[KindImpact] = strawberry.field(description="Every kind, with a count of zero or more.")
    affected: list[AffectedNode]
    models: list[AffectedNode] = strawberry.field(description="The affected model versions.")
    deployed: list[AffectedNode] = strawberry.field(
        description="Affected model versions whose metadata marks them deployed (stage: production, or "
        "an alias champion or production)."
    )
    names: list[AffectedName] = strawberry.field(
        description="Each affected dataset, feature and model name with its latest version (predictions "
        "are counted in byKind, not named: they have no latest version)."
    )
    truncated: bool = strawberry.field(description="The depth bound cut the search off: there may be more.")

    @classmethod
    def from_model(cls, report: domain.ImpactReport) -> ImpactReport:
        affected = {
            n.uid: AffectedNode(node=LineageNode.from_model(n), depth=report.depths[n.uid])
            for n in report.affected
        }
        return cls(
            root=LineageNode.from_model(report.root),
            total=len(affected),
            by_kind=[
                KindImpact(
                    kind=kind,
                    count=count,
                    nodes=[affected[n.uid] for n in report.affected if n.kind is kind],
                )
                for kind, count in report.by_kind.items()
            ],
            affected=list(affected.values()),
            models=[affected[n.uid] for n in report.models],
            deployed=[affected[n.uid] for n in report.deployed],
            names=[
                AffectedName(
                    kind=name.kind,
                    name=name.name,
                    affected_versions=list(name.affected_versions),
                    latest=LineageNode.from_model(name.latest),
                    latest_is_affected=name.latest_is_affected,
                )
                for name in report.names
            ],
            truncated=report.truncated,
        )
