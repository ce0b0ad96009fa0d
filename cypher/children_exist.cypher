// Whether anything derives from the nodes in $uids (recorded by $as_of): the probe that tells a
// downstream traversal that its depth bound cut something off. See parents.cypher for the OPTIONAL MATCH.
UNWIND $uids AS u
MATCH (b:Node {uid: u})
USING INDEX SEEK b:Node(uid)
OPTIONAL MATCH (b)<-[e:DERIVED_FROM]-(a:Node)
WITH a, e
WHERE a IS NOT NULL AND e.recorded_at <= $as_of AND a.recorded_at <= $as_of
RETURN a.uid AS uid
LIMIT 1
