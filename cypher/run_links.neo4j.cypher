// The inputs (USED) and outputs (PRODUCED) of one run, each row naming its side.
MATCH (r:Run {uid: $uid})-[l:USED|PRODUCED]->(n:Node)
USING INDEX SEEK r:Run(uid)
RETURN type(l) AS side, n.uid AS uid
