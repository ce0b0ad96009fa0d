// The inputs (USED) and outputs (PRODUCED) of stored runs, each row naming its run and side.
UNWIND $uids AS u
MATCH (r:Run {uid: u})-[l:USED|PRODUCED]->(n:Node)
USING INDEX SEEK r:Run(uid)
RETURN r.uid AS run, type(l) AS side, n.uid AS uid
