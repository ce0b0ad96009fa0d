// The keys of every OpenLineage subject, a page at a time (export).
MATCH (s:Subject)
WHERE s.key > $after
RETURN s.key AS uid
ORDER BY uid
LIMIT $limit
