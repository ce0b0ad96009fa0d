// The DERIVED_FROM edges one hop upstream of every uid in the frontier, recorded by $as_of.
UNWIND $frontier AS u
MATCH (a:Node {uid: u})
USING INDEX SEEK a:Node(uid)
MATCH (a)-[e:DERIVED_FROM]->(b:Node)
WHERE e.recorded_at <= $as_of AND b.recorded_at <= $as_of
RETURN a.uid AS source, b.uid AS target, e.run AS run, e.recorded_at AS recorded_at
