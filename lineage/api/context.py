"""The per-request GraphQL context: the store, the settings, the caller's scopes and the DataLoaders.

Loaders live here, built per request, because a DataLoader caches what it loaded: a module-level one
would serve stale data forever and grow without bound. Every loader turns the keys one event-loop tick
asks for into one store call, run in the thread pool because store calls block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from lineage.api.metrics import Metrics
from lineage.api.settings import Settings
from lineage.columns import Field
from lineage.errors import InvalidInput
from lineage.facets import Facet
from lineage.model import Node, NodeKind, Run
from lineage.query import validate_depth
from lineage.store.base import LineageStore

if TYPE_CHECKING:  # the answer types import this module
    from lineage.api.types import Run as RunAnswer

K = TypeVar("K")
V = TypeVar("V")


def _loader(fetch: Callable[[list[K]], dict[K, V]], missing: V) -> DataLoader[K, V]:
    async def load(keys: list[K]) -> Sequence[V]:
        found = await run_in_threadpool(fetch, keys)
        return [found.get(key, missing) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Batched lookups: nodes and runs by uid, the run that produced each node, the versions of a name,
    the fields of each node, the facet records of a subject."""

    def __init__(self, store: LineageStore) -> None:
        self.node: DataLoader[str, Node | None] = _loader(store.get_nodes, None)
        self.run: DataLoader[str, Run | None] = _loader(store.get_runs, None)
        self.produced_by: DataLoader[str, Run | None] = _loader(store.producing_runs, None)
        self.versions: DataLoader[tuple[NodeKind, str], list[Node]] = _loader(store.versions_of, [])
        self.fields: DataLoader[str, list[Field]] = _loader(store.fields, [])
        self.facets: DataLoader[str, list[Facet]] = _loader(store.facets_of, [])


@dataclass
class Prefetched:
    """What traversals fetched in bulk for the nested fields of their nodes: node uid -> the run that
    produced it (``None``: no run did), and (kind, name) -> every version of the name. A node that no
    traversal covered is not in them, and its resolvers load through the DataLoaders instead."""

    runs: dict[str, RunAnswer | None] = field(default_factory=dict)
    versions: dict[tuple[NodeKind, str], list[Node]] = field(default_factory=dict)

    def add(self, other: Prefetched) -> None:
        self.runs.update(other.runs)
        self.versions.update(other.versions)


@dataclass
class Context:
    """What every resolver gets as ``info.context``."""

    store: LineageStore
    settings: Settings
    scopes: frozenset[str]
    metrics: Metrics
    request: Request | None = None
    response: Response | None = None
    loaders: Loaders = field(init=False)
    prefetched: Prefetched = field(default_factory=Prefetched, init=False)
    traversals: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    def check_depth(self, depth: int) -> int:
        """The store's depth rule, capped by this server's limit."""
        return validate_depth(depth, self.settings.max_depth)

    def count_traversal(self) -> None:
        """Each traversal is real work for the store: a request may run only so many."""
        self.traversals += 1
        if self.traversals > self.settings.max_traversals:
            raise InvalidInput(
                f"this request asks for more than {self.settings.max_traversals} traversals "
                "(upstream, downstream, impact, audit or path); ask for fewer in one request"
            )
