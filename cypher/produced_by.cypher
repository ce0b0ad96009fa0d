UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
MATCH (r:Run)-[:PRODUCED]->(n)
RETURN n.uid AS uid, r.uid AS run, r.recorded_at AS recorded_at
