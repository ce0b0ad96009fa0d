UNWIND $rows AS r
MATCH (a:Node {uid: r.source})-[e:DERIVED_FROM]->(b:Node {uid: r.target})
RETURN a.uid AS source, b.uid AS target, e.run AS run
