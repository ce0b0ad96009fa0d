// LadybugDB runs the breadth-first search itself with SHORTEST: each reachable node once, at its
// distance, never once per walk. {max_depth} is a validated integer (bounds cannot be parameters).
MATCH (a:Node {uid: $uid})-[e:DERIVED_FROM* SHORTEST 1..{max_depth} (r, n | WHERE r.recorded_at <= $as_of AND n.recorded_at <= $as_of)]->(b:Node)
RETURN b.uid AS uid, length(e) AS depth
