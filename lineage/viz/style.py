"""How each kind of node looks: one shape and one colour per kind, shared by the graph and its legend.

The colours are the Okabe-Ito palette, which stays distinguishable for the common colour-vision
deficiencies; the shapes differ too, so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from lineage.model import NodeKind


@dataclass(frozen=True)
class KindStyle:
    shape: str  # a vis-network shape
    fill: str
    border: str
    plural: str


KIND_STYLES: dict[NodeKind, KindStyle] = {
    NodeKind.DATASET: KindStyle("database", "#d4e6f6", "#0072b2", "datasets"),
    NodeKind.FEATURE: KindStyle("box", "#d2efe4", "#009e73", "features"),
    NodeKind.MODEL: KindStyle("ellipse", "#fbe5bd", "#c98a00", "models"),
    NodeKind.PREDICTION: KindStyle("diamond", "#f4d9e8", "#b5528a", "predictions"),
}

ROOT_BORDER = "#1b1b1b"
AFFECTED = "#d1352b"  # the impact view's highlight
INDIRECT_EDGE = "#9aa0a8"
EDGE = "#7c838c"
