"""lineage-graph: a versioned lineage graph for ML systems."""
