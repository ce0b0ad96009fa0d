// See upstream_parents.neo4j.cypher: the parents of $uid and of everything within {max_depth} hops
// downstream of it. Those of the nodes found lead out of the traversal too (a feature read from two
// datasets); the traversal keeps the edges between its own nodes.
MATCH (r:Node {uid: $uid})<-[:DERIVED_FROM*1..{max_depth}]-(n:Node)
USING INDEX SEEK r:Node(uid)
WHERE n <> r
WITH DISTINCT n
MATCH (n)-[e:DERIVED_FROM]->(p:Node)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
UNION ALL
MATCH (n:Node {uid: $uid})-[e:DERIVED_FROM]->(p:Node)
USING INDEX SEEK n:Node(uid)
RETURN n.uid AS source, p.uid AS target, e.run AS run, e.recorded_at AS recorded_at
