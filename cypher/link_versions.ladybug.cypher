// Each new version linked from its Name node.
UNWIND $rows AS r
MATCH (k:Name {key: r.key})
MATCH (n:Node {uid: r.uid})
CREATE (k)-[:VERSION]->(n)
