// See upstream_reach.ladybug.cypher: the same search against the direction of DERIVED_FROM.
MATCH (r:Node {uid: $uid})<-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]-(n:Node)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output, length(e) AS depth
{nearest_limit}
