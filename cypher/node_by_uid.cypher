// One node by its key: the anchor of every single-node look-up (a primary-key seek on both engines).
MATCH (n:Node {uid: $uid})
USING INDEX SEEK n:Node(uid)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
