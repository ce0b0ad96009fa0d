// An empty $as_of counts every node; a time, the nodes recorded by then.
MATCH (n:Node)
WHERE $as_of = '' OR n.recorded_at <= $as_of
RETURN n.kind AS kind, count(n) AS count
