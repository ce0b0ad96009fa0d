// The bulk form of link_versions: the rows as an Arrow table, read by LOAD FROM.
LOAD FROM $rows
MATCH (k:Name {key: key})
MATCH (n:Node {uid: uid})
CREATE (k)-[:VERSION]->(n)
