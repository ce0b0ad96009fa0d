// The keys of every alias, a page at a time (export).
MATCH (a:Alias)
WHERE a.key > $after
RETURN a.key AS uid
ORDER BY uid
LIMIT $limit
