UNWIND $uids AS u
MATCH (r:Run)-[:PRODUCED]->(n:Node {uid: u})
RETURN n.uid AS uid, r.uid AS run, r.recorded_at AS recorded_at
