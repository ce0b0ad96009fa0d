// The DERIVED_FROM edges out of every node in $uids (each node's parents), whatever they were recorded at.
// Anchored on the key, then OPTIONAL MATCH: LadybugDB expands a plain MATCH after UNWIND by scanning the
// whole relationship and node tables and joining on a hash, but an OPTIONAL MATCH it plans as a semi-mask
// of the looked-up nodes, so the cost follows the anchors (tests/test_store_plans.py holds it to that).
// A node without parents comes back once with a null target.
UNWIND $uids AS u
MATCH (a:Node {uid: u})
USING INDEX SEEK a:Node(uid)
OPTIONAL MATCH (a)-[e:DERIVED_FROM]->(b:Node)
RETURN a.uid AS source, b.uid AS target, e.run AS run, e.recorded_at AS recorded_at
