// Every node within {max_depth} hops upstream, each once. With an upper bound, DISTINCT, and neither a
// path nor a relationship variable, Neo4j plans a pruning breadth-first var-expand instead of
// enumerating paths. {max_depth} is a validated integer: variable-length bounds cannot be parameters.
MATCH (:Node {uid: $uid})-[:DERIVED_FROM*1..{max_depth}]->(b:Node)
RETURN DISTINCT b.uid AS uid
