MATCH (r:Run)
WHERE r.uid > $after
RETURN r
ORDER BY r.uid
LIMIT $limit
