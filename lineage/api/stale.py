"""The GraphQL face of ``lineage.stale``: versions whose history a newer version has overtaken."""

from __future__ import annotations

import strawberry

from lineage import stale as domain
from lineage.api.scalars import DateTime, as_datetime
from lineage.api.types import LineageNode


@strawberry.type(description="A version in use, and the newest version of its name.")
class Supersession:
    node: LineageNode
    latest: LineageNode
    superseded_at: DateTime | None = strawberry.field(
        description="When the first version newer than `node` was recorded."
    )


@strawberry.type(description="A stale version and why.")
class StaleVersion:
    node: LineageNode
    superseded: list[Supersession] = strawberry.field(
        description="The superseded versions in its history (a prediction: the model version that made it)."
    )


@strawberry.type(description="The stale versions among one page of the versions examined.")
class StalePage:
    nodes: list[StaleVersion]
    examined: int = strawberry.field(
        description="How many versions this page examined (model versions, when asking for predictions)."
    )
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    truncated: bool = strawberry.field(
        description="Predictions: a superseded model made more predictions than listed for it."
    )

    @classmethod
    def from_model(cls, page: domain.StalePage) -> StalePage:
        return cls(
            nodes=[
                StaleVersion(
                    node=LineageNode.from_model(s.node),
                    superseded=[
                        Supersession(
                            node=LineageNode.from_model(x.node),
                            latest=LineageNode.from_model(x.latest),
                            superseded_at=as_datetime(x.since),
                        )
                        for x in s.superseded
                    ],
                )
                for s in page.nodes
            ],
            examined=page.examined,
            has_next_page=page.has_next,
            end_cursor=page.end_cursor,
            truncated=page.truncated,
        )
