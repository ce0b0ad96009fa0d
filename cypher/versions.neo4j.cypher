// Every version of each name in $keys, through the (kind, name) index; load_versions orders them.
UNWIND $keys AS x
MATCH (n:Node {kind: x.kind, name: x.name})
USING INDEX SEEK n:Node(kind, name)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
