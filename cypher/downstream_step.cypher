// The DERIVED_FROM edges one hop downstream of every uid in the frontier (see upstream_step).
UNWIND $frontier AS u
MATCH (b:Node {uid: u})
USING INDEX SEEK b:Node(uid)
MATCH (b)<-[e:DERIVED_FROM]-(a:Node)
WHERE e.recorded_at <= $as_of AND a.recorded_at <= $as_of
RETURN a.uid AS source, b.uid AS target, e.run AS run, e.recorded_at AS recorded_at
