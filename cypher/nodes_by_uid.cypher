UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
RETURN n
