MATCH (n:Node)
WHERE n.uid > $after
RETURN n
ORDER BY n.uid
LIMIT $limit
