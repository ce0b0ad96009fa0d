"""``Query.nodes`` as a Relay-style connection over the store's keyset pages.

A cursor is the store's own (an opaque encoding of the uid the page ended at), so paging is stable
while new nodes arrive: a node recorded meanwhile shows up in its place in uid order.
"""

from __future__ import annotations

import strawberry

from lineage.api.types import LineageNode
from lineage.model import NodePage
from lineage.store.base import encode_cursor

DEFAULT_PAGE = 50


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")


@strawberry.type
class NodeEdge:
    node: LineageNode
    cursor: str


@strawberry.type(description="A page of nodes in uid order.")
class NodeConnection:
    total_count: int = strawberry.field(description="How many nodes match, over all pages.")
    edges: list[NodeEdge]
    page_info: PageInfo

    @classmethod
    def from_model(cls, page: NodePage) -> NodeConnection:
        return cls(
            total_count=page.total,
            edges=[NodeEdge(node=LineageNode.from_model(n), cursor=encode_cursor(n.uid)) for n in page.nodes],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )
