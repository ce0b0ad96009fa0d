// MERGE, not CREATE, for the reason create_nodes.neo4j.cypher gives.
UNWIND $rows AS r
MERGE (x:Run {uid: r.uid})
ON CREATE SET x.name = r.name, x.code_version = r.code_version, x.code_dirty = r.code_dirty,
    x.parameters = r.parameters, x.environment = r.environment, x.started_at = r.started_at,
    x.ended_at = r.ended_at, x.status = r.status, x.user = r.user, x.parent = r.parent,
    x.recorded_at = r.recorded_at, x.facet_times = r.facet_times
ON MATCH SET x.created_meanwhile = true
WITH x WHERE x.created_meanwhile
RETURN x.uid AS uid
