// See upstream_reach.ladybug.cypher: the same search against the direction of DERIVED_FROM.
MATCH (r:Node {uid: $uid})<-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]-(n:Node)
RETURN n, length(e) AS depth
ORDER BY depth, n.uid
LIMIT $limit
