UNWIND $rows AS r
MATCH (a:Node {uid: r.source})
USING INDEX SEEK a:Node(uid)
MATCH (b:Node {uid: r.target})
USING INDEX SEEK b:Node(uid)
MATCH (a)-[e:DERIVED_FROM]->(b)
RETURN a.uid AS source, b.uid AS target, e.run AS run
