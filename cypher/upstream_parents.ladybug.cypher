// The DERIVED_FROM edges out of $uid and out of every node within {max_depth} hops upstream of it: the
// parents of a whole traversal's nodes, read by the same breadth-first search from the key plus one hop.
// It costs about half of looking the found nodes up by key (parents.cypher), and stays anchored on the
// root's key. A traversal cut by its limit reads the parents of what it keeps by key instead.
MATCH (r:Node {uid: $uid})-[:DERIVED_FROM* SHORTEST 1..{max_depth}]->(n:Node)-[e:DERIVED_FROM]->(p:Node)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
UNION ALL
MATCH (n:Node {uid: $uid})-[e:DERIVED_FROM]->(p:Node)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
