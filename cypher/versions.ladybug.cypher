// Every version of each name in $names, through the Name node keyed by "kind:name": LadybugDB indexes
// only primary keys, so a look-up by kind and name would otherwise scan every node.
UNWIND $names AS x
MATCH (k:Name {key: x.key})
OPTIONAL MATCH (k)-[:VERSION]->(n:Node)
WITH n
WHERE n IS NOT NULL
RETURN n
ORDER BY n.recorded_at, n.version
