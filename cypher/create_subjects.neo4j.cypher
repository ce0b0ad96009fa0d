// MERGE: two writers creating one subject at once meet at its uniqueness constraint.
UNWIND $rows AS r
MERGE (s:Subject {key: r.key})
ON CREATE SET s.kind = r.kind, s.namespace = r.namespace, s.name = r.name, s.node = r.node,
    s.recorded_at = r.recorded_at
