"""The lineage of OpenLineage names in the shape Marquez's ``GET /api/v1/lineage`` returns, so scripts
written against Marquez read this store unchanged (docs/openlineage.md lists the subset).

The graph is of names, not versions: jobs (``job:<namespace>:<name>``) and datasets
(``dataset:<namespace>:<name>``), an edge from each dataset to each job that reads it and from each
job to each dataset it writes. ``depth`` counts jobs, as Marquez's does: the jobs within ``depth``
steps of the node (a dataset's own readers and writers are step 0), with all their datasets.

The search is breadth first, one keyed look-up per hop in each direction (the feeds of the frontier),
then one for the names reached and one for their facets, so its cost follows the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lineage.errors import InvalidInput, NotFound
from lineage.facets import Facet, Feed, Feeding, Subject, current
from lineage.store.base import LineageStore

DEFAULT_DEPTH = 20
_PREFIXES = ("dataset:", "job:")


@dataclass(frozen=True)
class NameGraph:
    """The names reached and the feeds among them."""

    subjects: dict[str, Subject]
    feeds: tuple[Feed, ...]


def lineage(store: LineageStore, node_id: str, *, depth: int, declared: bool = True) -> dict[str, Any]:
    """``{"graph": [...]}`` around ``node_id``; ``declared=False`` leaves out feeds only a JobEvent
    declared (no run has confirmed them)."""
    return {"graph": _nodes(store, reach(store, node_id, depth=depth, declared=declared))}


def reach(store: LineageStore, node_id: str, *, depth: int, declared: bool) -> NameGraph:
    if not node_id.startswith(_PREFIXES):
        raise InvalidInput(f"nodeId {node_id!r} must start with 'dataset:' or 'job:'")
    root = store.subjects([node_id]).get(node_id)
    if root is None or root.kind not in ("dataset", "job"):
        raise NotFound(f"no job or dataset {node_id!r} has been reported")
    # Hops out from the node: a job at an even hop from a job (odd from a dataset); its datasets one more.
    bound = 2 * depth + (1 if root.kind == "job" else 2)
    seen, frontier, feeds = {node_id}, [node_id], set()
    for _hop in range(bound):
        found = [
            f
            for f in (*store.feeds(frontier, out=True), *store.feeds(frontier, out=False))
            if declared or f.how is Feeding.OBSERVED
        ]
        feeds.update(found)
        frontier = sorted({k for f in found for k in (f.origin, f.destination)} - seen)
        seen.update(frontier)
        if not frontier:
            break
    return NameGraph(
        subjects=store.subjects(seen),
        feeds=tuple(f for f in feeds if f.origin in seen and f.destination in seen),
    )


def _nodes(store: LineageStore, graph: NameGraph) -> list[dict[str, Any]]:
    edges = {(f.origin, f.destination) for f in graph.feeds}
    observed = {(f.origin, f.destination) for f in graph.feeds if f.how is Feeding.OBSERVED}
    records = store.facets_of(s.node or s.key for s in graph.subjects.values())
    nodes = []
    for key, subject in sorted(graph.subjects.items()):
        facets = current(records.get(subject.node or key, []))
        out_edges = sorted(d for o, d in edges if o == key)
        in_edges = sorted(o for o, d in edges if d == key)
        if subject.kind == "job":
            unconfirmed = [e for e in edges if key in e and e not in observed]
            data = _job_data(subject, facets, graph, in_edges, out_edges, unconfirmed)
        else:
            data = _dataset_data(subject, facets)
        nodes.append(
            {
                "id": key,
                "type": subject.kind.upper(),
                "data": data,
                "inEdges": [{"origin": o, "destination": key} for o in in_edges],
                "outEdges": [{"origin": key, "destination": d} for d in out_edges],
            }
        )
    return nodes


def _job_data(
    subject: Subject,
    facets: dict[str, Facet],
    graph: NameGraph,
    inputs: list[str],
    outputs: list[str],
    unconfirmed: Iterable[tuple[str, str]],
) -> dict[str, Any]:
    job_type = facets["jobType"].value.get("processingType") if "jobType" in facets else None
    return {
        **_identity(subject),
        "type": "STREAM" if job_type == "STREAMING" else "BATCH",
        "simpleName": subject.name,
        "inputs": [_name_of(graph.subjects[key]) for key in inputs],
        "outputs": [_name_of(graph.subjects[key]) for key in outputs],
        "declaredOnly": sorted(o if o != subject.key else d for o, d in unconfirmed),
        "description": _description(facets),
        "facets": {name: dict(f.value) for name, f in facets.items()},
    }


def _dataset_data(subject: Subject, facets: dict[str, Facet]) -> dict[str, Any]:
    fields = facets["schema"].value.get("fields") if "schema" in facets else None
    return {
        **_identity(subject),
        "type": "DB_TABLE",
        "physicalName": subject.name,
        "sourceName": subject.namespace,
        "fields": [
            {"name": f.get("name"), "type": f.get("type"), "tags": [], "description": f.get("description")}
            for f in (fields if isinstance(fields, list) else [])
            if isinstance(f, dict)
        ],
        "tags": [],
        "description": _description(facets),
        "facets": {name: dict(f.value) for name, f in facets.items()},
    }


def _identity(subject: Subject) -> dict[str, Any]:
    return {
        "id": _name_of(subject),
        "namespace": subject.namespace,
        "name": subject.name,
        "createdAt": subject.recorded_at,
    }


def _name_of(subject: Subject) -> dict[str, str | None]:
    return {"namespace": subject.namespace, "name": subject.name}


def _description(facets: dict[str, Facet]) -> str | None:
    documentation = facets.get("documentation")
    value = documentation.value.get("description") if documentation else None
    return value if isinstance(value, str) else None
