UNWIND $uids AS u
MATCH (r:Run {uid: u})-[:USED]->(n:Node)
RETURN r.uid AS run, n.uid AS uid
