// A run's link to its parent run, made once, when the parent is first set (it never changes).
UNWIND $rows AS r
MATCH (c:Run {uid: r.run})
MATCH (p:Run {uid: r.parent})
CREATE (c)-[:PARENT]->(p)
