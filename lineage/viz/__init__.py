"""Interactive HTML lineage graphs (pyvis / vis-network) and the browse page."""
