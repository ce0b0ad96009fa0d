UNWIND $names AS x
MATCH (n:Node)
WHERE n.kind = x.kind AND n.name = x.name
RETURN n
ORDER BY n.recorded_at, n.version
