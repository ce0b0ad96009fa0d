MATCH (n:Node)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($search = '' OR lower(n.name) CONTAINS $search OR lower(n.uid) CONTAINS $search)
RETURN count(n) AS total
