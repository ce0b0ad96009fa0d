// The uids of every node, a page at a time (export).
MATCH (n:Node)
WHERE n.uid > $after
RETURN n.uid AS uid
ORDER BY uid
LIMIT $limit
