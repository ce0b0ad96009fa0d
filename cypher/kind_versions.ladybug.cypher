// A page of the versions of one kind in uid order, after $after, through the Name nodes ("kind:name"):
// a pass over the names (far fewer than the versions: a prediction name holds millions) and the
// versions of this kind, never over the node table. OPTIONAL MATCH, as in parents.cypher: a plain MATCH
// here is planned as a scan of the whole node table joined on a hash.
MATCH (k:Name)
WHERE k.key STARTS WITH $prefix
OPTIONAL MATCH (k)-[:VERSION]->(n:Node)
WITH n
WHERE n IS NOT NULL AND n.uid > $after
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
ORDER BY uid
LIMIT $limit
