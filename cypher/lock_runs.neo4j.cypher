// Takes the write lock of each stored run before the writer reads it, so two transactions that write
// one run take turns: the second reads what the first committed. Setting a property to its own value
// changes nothing, but Neo4j locks the node to do it. Callers pass the uids sorted, so two writers
// lock in the same order and cannot deadlock on them.
UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
SET r.uid = r.uid
