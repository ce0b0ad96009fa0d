// Any one node: whether the store is empty.
MATCH (n:Node)
RETURN n.uid AS uid
LIMIT 1
