UNWIND $rows AS r
MATCH (x:Run {uid: r.run})
MATCH (n:Node {uid: r.uid})
CREATE (x)-[:USED {recorded_at: r.recorded_at}]->(n)
