UNWIND $uids AS u
MATCH (n:Node {uid: u})
RETURN n
