MATCH (r:Run)
RETURN r
ORDER BY r.recorded_at DESC, r.uid
LIMIT $limit
