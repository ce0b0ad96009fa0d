// See upstream_reach.ladybug.cypher: the same search against the direction of DERIVED_FROM.
MATCH (a:Node {uid: $uid})<-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]-(b:Node)
RETURN b.uid AS uid
