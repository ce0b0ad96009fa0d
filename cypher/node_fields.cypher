// The fields of each node in $uids, from the node's key. OPTIONAL MATCH for the reason parents.cypher
// gives; a node without fields comes back once with a null key.
UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
OPTIONAL MATCH (n)-[:HAS_FIELD]->(f:Field)
RETURN n.uid AS uid, f.key AS key, f.node AS node, f.name AS name, f.data_type AS data_type, f.description AS description,
       f.recorded_at AS recorded_at
