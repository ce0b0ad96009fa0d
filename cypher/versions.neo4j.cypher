// Every version of each name in $names, through the (kind, name) index.
UNWIND $names AS x
MATCH (n:Node {kind: x.kind, name: x.name})
USING INDEX n:Node(kind, name)
RETURN n
ORDER BY n.recorded_at, n.version
