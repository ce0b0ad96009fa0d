"""Which versions are stale: models (or features, datasets) whose upstream holds a version that a newer
version of the same name has since replaced, and predictions made by a model version that a newer one
has replaced. Each answer says what superseded what, and when.

Cost: a version's staleness is one upstream traversal of it (three keyed queries) plus, for a whole
page of versions, one look-up of the versions of every name met (keyed by ``kind:name``). "Every stale
model" has no index to start from, so it is a pass over the versions of a kind, a page at a time
(``LineageStore.kind_versions``: through the names, never the node table); the caller pages with
``after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lineage.errors import InvalidInput
from lineage.model import Node, NodeKind, parse_time
from lineage.query import MAX_DEPTH
from lineage.store.base import MAX_PAGE, LineageStore

PREDICTIONS_PER_MODEL = 100


@dataclass(frozen=True)
class Supersession:
    """``node`` is in use, and ``latest`` is the newest version of its name; the first version newer
    than ``node`` was recorded at ``since``."""

    node: Node
    latest: Node
    since: str | None


@dataclass(frozen=True)
class StaleNode:
    """A stale version and why: the superseded versions upstream of it (for a prediction, the model
    version that made it)."""

    node: Node
    superseded: tuple[Supersession, ...]


@dataclass(frozen=True)
class StalePage:
    """The stale versions among ``examined`` versions of a kind; ``end_cursor`` continues the pass.
    ``truncated``: a superseded model made more than the predictions listed for it."""

    nodes: tuple[StaleNode, ...]
    examined: int
    has_next: bool
    end_cursor: str | None
    truncated: bool = False


def stale(
    store: LineageStore,
    kind: NodeKind = NodeKind.MODEL,
    *,
    first: int = 50,
    after: str | None = None,
    predictions_per_model: int = PREDICTIONS_PER_MODEL,
    as_of: str | None = None,
) -> StalePage:
    """The stale versions among the next ``first`` versions of ``kind`` after the cursor ``after``;
    with ``as_of``, as the store stood then (versions recorded later are passed over).

    For predictions the pass is over model versions: each superseded one contributes the predictions
    it made, at most ``predictions_per_model`` of them, and ``truncated`` says when it made more.
    """
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput(f"first {first} out of range: 1 to {MAX_PAGE}")
    kind = NodeKind(kind)
    examined = NodeKind.MODEL if kind is NodeKind.PREDICTION else kind
    page = store.kind_versions(examined, first=first, after=after)
    cutoff = parse_time(as_of) if as_of else None
    existing = [n for n in page.nodes if cutoff is None or (n.recorded_at or "") <= cutoff]
    if kind is NodeKind.PREDICTION:
        found, truncated = _stale_predictions(store, existing, predictions_per_model, as_of)
    else:
        found, truncated = tuple(stale_among(store, existing, as_of=as_of).values()), False
    return StalePage(
        nodes=found,
        examined=len(existing),
        has_next=page.has_next,
        end_cursor=page.end_cursor,
        truncated=truncated,
    )


def stale_among(
    store: LineageStore, nodes: Sequence[Node], *, as_of: str | None = None
) -> dict[str, StaleNode]:
    """The stale ones among ``nodes`` (predictions are skipped: see ``stale``), by uid, in order; with
    ``as_of``, as they stood then."""
    upstream = {
        n.uid: [
            u
            for u in store.upstream(n.uid, depth=MAX_DEPTH, as_of=as_of).nodes[1:]
            if u.kind is not NodeKind.PREDICTION
        ]
        for n in nodes
        if n.kind is not NodeKind.PREDICTION
    }
    newer = newer_versions(store, (u for used in upstream.values() for u in used), as_of=as_of)
    by_uid = {n.uid: n for n in nodes}
    return {
        uid: StaleNode(node=by_uid[uid], superseded=tuple(newer[u.uid] for u in used if u.uid in newer))
        for uid, used in upstream.items()
        if any(u.uid in newer for u in used)
    }


def newer_versions(
    store: LineageStore, nodes: Iterable[Node], *, as_of: str | None = None
) -> dict[str, Supersession]:
    """For each of ``nodes`` that a newer version of its name has replaced (by ``as_of``, when given):
    what replaced it, and when. One keyed look-up of every name's versions (oldest recorded first)."""
    wanted = {n.uid: n for n in nodes}
    history = store.versions_of({(n.kind, n.name) for n in wanted.values()}, as_of=as_of)
    return {
        uid: found
        for uid, node in wanted.items()
        if (found := _superseded(node, history.get((node.kind, node.name), [])))
    }


def _superseded(node: Node, versions: Sequence[Node]) -> Supersession | None:
    order = [v.uid for v in versions]
    if node.uid not in order or order[-1] == node.uid:
        return None
    following = versions[order.index(node.uid) + 1]
    return Supersession(node=node, latest=versions[-1], since=following.recorded_at)


def _stale_predictions(
    store: LineageStore, models: Sequence[Node], limit: int, as_of: str | None
) -> tuple[tuple[StaleNode, ...], bool]:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"predictions per model {limit} out of range: 1 to {MAX_PAGE}")
    found: list[StaleNode] = []
    truncated = False
    superseded: Mapping[str, Supersession] = newer_versions(store, models, as_of=as_of)
    for model in models:
        if model.uid not in superseded:
            continue
        # One more than the limit, so that "more than listed" is known without counting them all.
        derived = store.downstream(model.uid, depth=1, limit=limit + 1, as_of=as_of).nodes[1:]
        truncated = truncated or len(derived) > limit
        found += [
            StaleNode(node=p, superseded=(superseded[model.uid],))
            for p in derived[:limit]
            if p.kind is NodeKind.PREDICTION
        ]
    return tuple(found), truncated
