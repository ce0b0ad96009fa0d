// MERGE, not CREATE, for the reason create_nodes.neo4j.cypher gives: a field another transaction
// created meanwhile is returned, and the writer runs its transaction again.
UNWIND $rows AS r
MATCH (n:Node {uid: r.node})
USING INDEX SEEK n:Node(uid)
MERGE (f:Field {key: r.key})
ON CREATE SET f.node = r.node, f.name = r.name, f.data_type = r.data_type, f.description = r.description,
    f.recorded_at = r.recorded_at, f.linked = false
ON MATCH SET f.created_meanwhile = true
WITH n, f
FOREACH (_ IN CASE WHEN f.linked = false THEN [1] ELSE [] END | CREATE (n)-[:HAS_FIELD]->(f))
REMOVE f.linked
WITH f WHERE f.created_meanwhile
RETURN f.key AS uid
