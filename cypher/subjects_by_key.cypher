// The subjects among $keys that are stored (lineage/facets.py).
UNWIND $keys AS k
MATCH (s:Subject {key: k})
USING INDEX SEEK s:Subject(key)
RETURN s.key AS key, s.kind AS kind, s.namespace AS namespace, s.name AS name, s.node AS node,
       s.recorded_at AS recorded_at
