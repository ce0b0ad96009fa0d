MATCH (r:Run)
RETURN count(r) AS count
