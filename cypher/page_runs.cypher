// The uids of every run, a page at a time (export).
MATCH (r:Run)
WHERE r.uid > $after
RETURN r.uid AS uid
ORDER BY uid
LIMIT $limit
