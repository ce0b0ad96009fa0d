// Takes the write lock of each stored node before the writer reads its edges (see lock_runs): two
// transactions writing the same DERIVED_FROM edge take turns, and the second finds it stored.
UNWIND $uids AS u
MATCH (n:Node {uid: u})
USING INDEX SEEK n:Node(uid)
SET n.uid = n.uid
