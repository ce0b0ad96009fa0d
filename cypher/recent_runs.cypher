// An empty $as_of means every run; a time, the runs recorded by then.
MATCH (r:Run)
WHERE $as_of = '' OR r.recorded_at <= $as_of
RETURN r
ORDER BY r.recorded_at DESC, r.uid
LIMIT $limit
