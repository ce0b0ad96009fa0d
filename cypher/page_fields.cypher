// The keys of every field, a page at a time (export).
MATCH (f:Field)
WHERE f.key > $after
RETURN f.key AS uid
ORDER BY uid
LIMIT $limit
