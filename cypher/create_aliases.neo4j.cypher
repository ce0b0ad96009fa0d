// MERGE, not CREATE, for the reason create_nodes.neo4j.cypher gives.
UNWIND $rows AS r
MERGE (a:Alias {key: r.key})
ON CREATE SET a.uid = r.uid, a.recorded_at = r.recorded_at
ON MATCH SET a.created_meanwhile = true
WITH a WHERE a.created_meanwhile
RETURN a.key AS uid
