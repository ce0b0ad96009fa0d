MATCH (n:Node)
RETURN n.kind AS kind, count(n) AS count
