MATCH (n:Node)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($search = '' OR lower(n.name) CONTAINS $search OR lower(n.uid) CONTAINS $search
       OR lower(coalesce(n.owner, '')) CONTAINS $search
       OR lower(coalesce(n.description, '')) CONTAINS $search)
RETURN count(n) AS total
