UNWIND $rows AS r
MATCH (x:Run {uid: r.run})
USING INDEX SEEK x:Run(uid)
MATCH (n:Node {uid: r.uid})
USING INDEX SEEK n:Node(uid)
CREATE (x)-[:PRODUCED {recorded_at: r.recorded_at}]->(n)
