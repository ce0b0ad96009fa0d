// See upstream_reach.ladybug.cypher; the same search against the direction of DERIVED_FROM.
MATCH (a:Node {uid: $uid})<-[e:DERIVED_FROM* SHORTEST 1..{max_depth} (r, n | WHERE r.recorded_at <= $as_of AND n.recorded_at <= $as_of)]-(b:Node)
RETURN b.uid AS uid, length(e) AS depth
