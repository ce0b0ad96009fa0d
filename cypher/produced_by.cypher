// The runs that produced each node in $uids (see parents.cypher for why OPTIONAL MATCH).
UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
OPTIONAL MATCH (r:Run)-[:PRODUCED]->(n)
WITH n, r
WHERE r IS NOT NULL
RETURN n.uid AS uid, r.uid AS run, r.recorded_at AS recorded_at
