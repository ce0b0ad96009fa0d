// The inputs of each run in $uids (see parents.cypher for why OPTIONAL MATCH).
UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
OPTIONAL MATCH (r)-[:USED]->(n:Node)
WITH r, n
WHERE n IS NOT NULL
RETURN r.uid AS run, n.uid AS uid
