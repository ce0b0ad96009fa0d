// A page of the versions of one kind in uid order, after $after, through the (kind, name) index: a
// pass over the nodes of this kind, never over the others. SEEK, not just INDEX: with INDEX alone the
// planner may scan every entry of the index and filter them, when its statistics say kinds are few.
MATCH (n:Node)
USING INDEX SEEK n:Node(kind, name)
WHERE n.kind = $kind AND n.name IS NOT NULL AND n.uid > $after
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
ORDER BY uid
LIMIT $limit
