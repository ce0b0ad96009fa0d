// Every node within {max_depth} hops upstream, each once, at most $limit of them. With an upper bound,
// DISTINCT, and neither a path nor a relationship variable, Neo4j plans a pruning breadth-first
// var-expand (nearest first) instead of enumerating paths, and LIMIT stops it early. {max_depth} is a
// validated integer: variable-length bounds cannot be parameters.
MATCH (r:Node {uid: $uid})-[:DERIVED_FROM*1..{max_depth}]->(n:Node)
USING INDEX SEEK r:Node(uid)
WITH DISTINCT n
LIMIT $limit
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
