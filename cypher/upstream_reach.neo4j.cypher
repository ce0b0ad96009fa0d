// Every node within {max_depth} hops upstream, each once, at most $limit of them. With an upper bound,
// DISTINCT, and neither a path nor a relationship variable, Neo4j plans a pruning breadth-first
// var-expand (nearest first) instead of enumerating paths, and LIMIT stops it early. The nodes come back
// as one list: Neo4j ships one row far faster than hundreds. {max_depth} is a validated integer:
// variable-length bounds cannot be parameters.
MATCH (:Node {uid: $uid})-[:DERIVED_FROM*1..{max_depth}]->(n:Node)
WITH DISTINCT n
LIMIT $limit
RETURN collect({n: n {.*}}) AS rows
