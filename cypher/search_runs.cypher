// Runs whose name or environment (canonical JSON text, holding the OpenLineage job facets: SQL, job
// type, owners, description) contains $search (lower-cased), newest first. A scan of the Run table, as
// list_nodes is of the Node table: a substring has no index. An empty $as_of means now.
MATCH (r:Run)
WHERE (lower(r.name) CONTAINS $search OR lower(r.environment) CONTAINS $search)
  AND ($as_of = '' OR r.recorded_at <= $as_of)
RETURN r.uid AS uid, r.recorded_at AS recorded_at
ORDER BY recorded_at DESC, uid
LIMIT $limit
