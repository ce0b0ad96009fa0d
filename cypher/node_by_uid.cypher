// One node by its key: the anchor of every single-node look-up (a primary-key seek on both engines).
MATCH (n:Node {uid: $uid})
USING INDEX SEEK n:Node(uid)
RETURN n
