MATCH (n:Node)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($search = '' OR lower(n.name) CONTAINS $search OR lower(n.uid) CONTAINS $search
       OR lower(coalesce(n.owner, '')) CONTAINS $search
       OR lower(coalesce(n.description, '')) CONTAINS $search)
  AND ($as_of = '' OR n.recorded_at <= $as_of)
RETURN count(n) AS total
