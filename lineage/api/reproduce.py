"""The GraphQL face of ``lineage.reproduce``: the runs that rebuild a version, in replay order."""

from __future__ import annotations

import strawberry

from lineage import reproduce as domain
from lineage.api.types import LineageNode, Run

_nodes = LineageNode.from_models


@strawberry.type(description="One run to replay: its code, parameters and environment are on `run`.")
class ReproductionStep:
    run: Run
    inputs: list[LineageNode] = strawberry.field(
        description="What it read, within the target's history: versions with checksums and sources."
    )
    outputs: list[LineageNode] = strawberry.field(description="What it made, within the target's history.")


@strawberry.type(
    description="How to rebuild a version: fetch the sources, then replay the steps in order (every run "
    "after the runs that made its inputs)."
)
class Recipe:
    target: LineageNode
    sources: list[LineageNode] = strawberry.field(
        description="The versions no recorded run made: fetch these exact versions (checksum, source)."
    )
    steps: list[ReproductionStep]
    reproducible: bool = strawberry.field(
        description="Every dataset has a checksum, every run a clean, known code version, and every "
        "other version a run that made it."
    )
    gaps: list[str] = strawberry.field(description="What stands in the way of a faithful rebuild.")

    @classmethod
    def from_model(cls, recipe: domain.Recipe) -> Recipe:
        return cls(
            target=LineageNode.from_model(recipe.target),
            sources=_nodes(recipe.sources),
            steps=[
                ReproductionStep(
                    run=Run.from_model(s.run), inputs=_nodes(s.inputs), outputs=_nodes(s.outputs)
                )
                for s in recipe.steps
            ],
            reproducible=recipe.reproducible,
            gaps=list(recipe.gaps),
        )
