// Keyset pagination on uid. An empty $kind or $search means no filter (LadybugDB cannot type a null
// parameter); $search arrives lower-cased.
MATCH (n:Node)
WHERE ($kind = '' OR n.kind = $kind)
  AND ($search = '' OR lower(n.name) CONTAINS $search OR lower(n.uid) CONTAINS $search)
  AND n.uid > $after
RETURN n
ORDER BY n.uid
LIMIT $limit
