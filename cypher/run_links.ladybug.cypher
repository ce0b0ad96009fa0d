// The inputs (USED) and outputs (PRODUCED) of one run, each row naming its side.
MATCH (r:Run {uid: $uid})-[l:USED|PRODUCED]->(n:Node)
RETURN label(l) AS side, n.uid AS uid
