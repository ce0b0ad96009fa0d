"""The GraphQL face of ``lineage.audit``: a prediction's debugging questions, answered."""

from __future__ import annotations

import strawberry

from lineage import audit as domain
from lineage.api.types import LineageNode, Run

_node = LineageNode.from_model


@strawberry.type(description="A version that a newer version of the same name has replaced.")
class Superseded:
    node: LineageNode
    latest: LineageNode


@strawberry.type(
    description="A prediction read a different version of a feature than its model was trained on: the "
    "feature extraction changed between training and serving."
)
class FeatureSkew:
    prediction: LineageNode
    model: LineageNode
    read: LineageNode
    trained_on: LineageNode


@strawberry.type(description="A model version involved in the prediction, and what produced it.")
class ModelUse:
    model: LineageNode
    training_run: Run | None = strawberry.field(description="The run that trained it: code, parameters.")
    trained_on: list[LineageNode] = strawberry.field(description="Everything upstream of the model version.")
    superseded: list[Superseded] = strawberry.field(
        description="The model itself or what it was trained on, where a newer version now exists."
    )


@strawberry.type(
    description="Which model version made a prediction, from what, and whether it can be trusted."
)
class PredictionAudit:
    prediction: LineageNode
    made_by: LineageNode | None = strawberry.field(description="The model version that made it.")
    run: Run | None = strawberry.field(description="The run that logged it.")
    inputs: list[LineageNode] = strawberry.field(description="The feature and data versions it read.")
    chained: list[LineageNode] = strawberry.field(description="Upstream predictions of chained models.")
    models: list[ModelUse] = strawberry.field(description="Every model version involved, nearest first.")
    skew: list[FeatureSkew]
    reproducible: bool = strawberry.field(
        description="Every dataset has a checksum and every run a clean, known code version."
    )
    gaps: list[str] = strawberry.field(description="What stands in the way of reproducing it.")

    @classmethod
    def from_model(cls, report: domain.PredictionAudit) -> PredictionAudit:
        return cls(
            prediction=_node(report.prediction),
            made_by=None if report.made_by is None else _node(report.made_by),
            run=None if report.run is None else Run.from_model(report.run),
            inputs=[_node(n) for n in report.inputs],
            chained=[_node(n) for n in report.chained],
            models=[
                ModelUse(
                    model=_node(use.model),
                    training_run=None if use.training_run is None else Run.from_model(use.training_run),
                    trained_on=[_node(n) for n in use.trained_on],
                    superseded=[
                        Superseded(node=_node(s.node), latest=_node(s.latest)) for s in use.superseded
                    ],
                )
                for use in report.models
            ],
            skew=[
                FeatureSkew(
                    prediction=_node(s.prediction),
                    model=_node(s.model),
                    read=_node(s.read),
                    trained_on=_node(s.trained_on),
                )
                for s in report.skew
            ],
            reproducible=report.reproducible,
            gaps=list(report.gaps),
        )
