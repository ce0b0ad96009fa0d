// See upstream_reach.neo4j.cypher: the same search against the direction of DERIVED_FROM.
MATCH (:Node {uid: $uid})<-[:DERIVED_FROM*1..{max_depth}]-(n:Node)
WITH DISTINCT n
LIMIT $limit
RETURN collect({n: n {.*}}) AS rows
