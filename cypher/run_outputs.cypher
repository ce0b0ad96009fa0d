UNWIND $uids AS u
MATCH (r:Run {uid: u})-[:PRODUCED]->(n:Node)
RETURN r.uid AS run, n.uid AS uid
