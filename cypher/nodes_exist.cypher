// Which of these nodes are stored, without their records: what a write names must be.
UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
RETURN n.uid AS uid
