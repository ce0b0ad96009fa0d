// One breadth-first level: the parents of every node in the frontier. The traversal walks level by
// level and keeps a visited set, so diamonds cost one visit per node, never one per path.
UNWIND $frontier AS u
MATCH (a:Node {uid: u})-[e:DERIVED_FROM]->(b:Node)
WHERE e.recorded_at <= $as_of AND b.recorded_at <= $as_of
RETURN a.uid AS source, b.uid AS target, e.run AS run, e.recorded_at AS recorded_at
