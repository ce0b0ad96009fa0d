// Every version of one name, through its Name node (see versions.ladybug.cypher): a look-up by one key
// is a primary-key seek, where LadybugDB joins the UNWIND of a list by hash at a cost that grows with the
// graph (~2 ms at 100k nodes, against ~0.2 ms a name by key).
MATCH (k:Name {key: $key})-[:VERSION]->(n:Node)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
