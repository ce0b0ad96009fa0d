// The inputs (USED) and outputs (PRODUCED) of stored runs, each row naming its run and side; a run
// without links comes back once with no side. OPTIONAL MATCH, because LadybugDB expands a plain MATCH
// after UNWIND by a pass over the links (see parents.cypher).
UNWIND $uids AS u
MATCH (r:Run {uid: u})
OPTIONAL MATCH (r)-[l:USED|PRODUCED]->(n:Node)
RETURN r.uid AS run, label(l) AS side, n.uid AS uid
