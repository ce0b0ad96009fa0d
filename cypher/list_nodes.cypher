// Keyset pagination on uid. The search matches name, uid, owner and description (OpenLineage's
// ownership and documentation facets), in the one scan it always was. An empty $kind, $search or $as_of
// means no filter (LadybugDB cannot type a null parameter); $search arrives lower-cased, $as_of as
// stored time text.
MATCH (n:Node)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($search = '' OR lower(n.name) CONTAINS $search OR lower(n.uid) CONTAINS $search
       OR lower(coalesce(n.owner, '')) CONTAINS $search
       OR lower(coalesce(n.description, '')) CONTAINS $search)
  AND ($as_of = '' OR n.recorded_at <= $as_of)
  AND n.uid > $after
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output
ORDER BY uid
LIMIT $limit
