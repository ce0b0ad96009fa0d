"""The HTTP API: GraphQL, the OpenLineage endpoint, health and metrics, on starlette."""
