"""A column-lineage answer as the CLI prints it: lines for people, JSON for scripts."""

from __future__ import annotations

from typing import Any

from lineage.columns import ColumnGraph, column_text, transformation_text


def column_graph_json(graph: ColumnGraph) -> dict[str, Any]:
    def field_json(f: Any) -> dict[str, Any]:
        return {
            "node": f.node,
            "name": f.name,
            "type": f.type,
            "description": f.description,
            "depth": graph.depths[f.key],
        }

    return {
        "root": field_json(graph.root),
        "fields": [field_json(f) for f in graph.fields],
        "edges": [
            {
                "source": e.source,
                "sourceField": e.source_field,
                "target": e.target,
                "targetField": e.target_field,
                "run": e.run,
                "transformations": [dict(t) for t in e.transformations],
            }
            for e in graph.edges
        ],
        "truncated": graph.truncated,
    }


def column_graph_lines(graph: ColumnGraph) -> list[str]:
    """One line per edge, nearest first: ``derived <- origin  [how]  (run)``."""
    depth = graph.depths
    lines = [column_text(graph.root.node, graph.root.name)]
    for e in sorted(graph.edges, key=lambda e: (min(depth[e.source_key], depth[e.target_key]), e.key)):
        how = transformation_text(e.transformations)
        lines.append(
            f"  {column_text(e.source, e.source_field)} <- {column_text(e.target, e.target_field)}"
            + (f"  [{how}]" if how else "")
            + (f"  (run {e.run})" if e.run else "")
        )
    if len(lines) == 1:
        lines.append("  no column lineage recorded in that direction")
    if graph.truncated:
        lines.append("cut off by the depth bound (raise --depth to see more)")
    return lines
