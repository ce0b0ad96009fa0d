// The DERIVED_FROM edges out of $uid and out of every node within {max_depth} hops upstream of it: the
// parents of a whole traversal's nodes, read by the same pruning breadth-first search from the key
// (see upstream_reach.neo4j.cypher) plus one hop. It costs less than looking the found nodes up by key
// (parents.cypher). A cycle leads back to $uid, whose parents the second part reads: hence n <> r. A
// traversal cut by its limit reads the parents of what it keeps by key instead.
MATCH (r:Node {uid: $uid})-[:DERIVED_FROM*1..{max_depth}]->(n:Node)
USING INDEX SEEK r:Node(uid)
WHERE n <> r
WITH DISTINCT n
MATCH (n)-[e:DERIVED_FROM]->(p:Node)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
UNION ALL
MATCH (n:Node {uid: $uid})-[e:DERIVED_FROM]->(p:Node)
USING INDEX SEEK n:Node(uid)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
