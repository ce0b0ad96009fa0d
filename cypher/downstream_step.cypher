// One breadth-first level: the children of every node in the frontier (see upstream_step).
UNWIND $frontier AS u
MATCH (b:Node {uid: u})<-[e:DERIVED_FROM]-(a:Node)
WHERE e.recorded_at <= $as_of AND a.recorded_at <= $as_of
RETURN a.uid AS source, b.uid AS target, e.run AS run, e.recorded_at AS recorded_at
