"""What a change to a node affects: the downstream closure, grouped so a person can act on it.

Shared by the GraphQL ``impact`` query, the HTML impact view and the CLI, so they always agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lineage.model import Node, NodeKind, Subgraph
from lineage.query import DEFAULT_DEPTH, latest_versions
from lineage.store.base import LineageStore

DEPLOYED_STAGES = frozenset({"production", "prod", "deployed"})
DEPLOYED_ALIASES = frozenset({"champion", "production", "prod"})


def is_deployed(node: Node) -> bool:
    """A model version is deployed when its metadata says so: ``{"stage": "production"}`` (the MLflow
    registry's stage; ``prod`` and ``deployed`` are accepted too), or an alias ``champion`` or
    ``production`` (or ``prod``) among ``{"aliases": [...]}`` (MLflow's aliases, which replace stages)."""
    if node.kind is not NodeKind.MODEL:
        return False
    aliases = node.metadata.get("aliases")
    named = aliases if isinstance(aliases, list) else ()
    return str(node.metadata.get("stage", "")).lower() in DEPLOYED_STAGES or any(
        str(alias).lower() in DEPLOYED_ALIASES for alias in named
    )


@dataclass(frozen=True)
class AffectedName:
    """One affected name (e.g. ``model:scoring_model``): which of its versions the change reaches, and
    the newest version the store holds, which may or may not be among them."""

    kind: NodeKind
    name: str
    affected_versions: tuple[str, ...]
    latest: Node

    @property
    def latest_is_affected(self) -> bool:
        return self.latest.version in self.affected_versions


@dataclass(frozen=True)
class ImpactReport:
    root: Node
    affected: tuple[Node, ...]
    depths: dict[str, int]
    by_kind: dict[NodeKind, int]
    models: tuple[Node, ...]
    deployed: tuple[Node, ...]
    names: tuple[AffectedName, ...]
    truncated: bool


def impact(
    store: LineageStore, uid: str, *, depth: int = DEFAULT_DEPTH, as_of: str | None = None
) -> ImpactReport:
    """Everything downstream of ``uid`` (the root itself excluded), grouped by kind, nearest first; with
    ``as_of``, as the store stood then (the latest versions too)."""
    return impact_of(store, store.downstream(uid, depth=depth, as_of=as_of), as_of=as_of)


def impact_of(store: LineageStore, graph: Subgraph, *, as_of: str | None = None) -> ImpactReport:
    """The impact report of a downstream subgraph already in hand (the graph page draws the same one),
    traversed as of ``as_of`` when that is given."""
    affected = tuple(n for n in graph.nodes if n.uid != graph.root.uid)
    counts = Counter(n.kind for n in affected)
    # Predictions are events, not versions of something that gets a newer version: a name of them can
    # hold millions, and "latest" means nothing there, so only data, features and models are named.
    latest = latest_versions(
        store, {(n.kind, n.name) for n in affected if n.kind is not NodeKind.PREDICTION}, as_of=as_of
    )
    names = tuple(
        AffectedName(
            kind=kind,
            name=name,
            affected_versions=tuple(n.version for n in affected if (n.kind, n.name) == (kind, name)),
            latest=newest,
        )
        for (kind, name), newest in sorted(latest.items())
    )
    models = tuple(n for n in affected if n.kind is NodeKind.MODEL)
    return ImpactReport(
        root=graph.root,
        affected=affected,
        depths={n.uid: graph.depths[n.uid] for n in affected},
        by_kind={kind: counts.get(kind, 0) for kind in NodeKind},
        models=models,
        deployed=tuple(m for m in models if is_deployed(m)),
        names=names,
        truncated=graph.truncated,
    )
