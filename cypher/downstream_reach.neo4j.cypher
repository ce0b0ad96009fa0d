// See upstream_reach.neo4j.cypher: the same search against the direction of DERIVED_FROM.
MATCH (r:Node {uid: $uid})<-[:DERIVED_FROM*1..{max_depth}]-(n:Node)
USING INDEX SEEK r:Node(uid)
WITH DISTINCT n
LIMIT $limit
RETURN n
