// Every facet record of each subject among $keys.
UNWIND $keys AS k
MATCH (s:Subject {key: k})
USING INDEX SEEK s:Subject(key)
OPTIONAL MATCH (s)-[:HAS_FACET]->(f:Facet)
WITH f
WHERE f IS NOT NULL
RETURN f.subject AS subject, f.name AS name, f.value AS value, f.event_time AS event_time,
       f.recorded_at AS recorded_at
