UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
MATCH (r)-[:PRODUCED]->(n:Node)
RETURN r.uid AS run, n.uid AS uid
