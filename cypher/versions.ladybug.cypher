// Every version of each name in $keys, through the Name node keyed by "kind:name": LadybugDB indexes
// only primary keys, so a look-up by kind and name would otherwise scan every node. Unordered:
// load_versions orders them (an ORDER BY costs LadybugDB 0.25 ms however few the rows).
UNWIND $keys AS x
MATCH (k:Name {key: x.key})
OPTIONAL MATCH (k)-[:VERSION]->(n:Node)
WITH n
WHERE n IS NOT NULL
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
