// Every facet record of one subject.
MATCH (s:Subject {key: $key})-[:HAS_FACET]->(f:Facet)
USING INDEX SEEK s:Subject(key)
RETURN f.subject AS subject, f.name AS name, f.value AS value, f.event_time AS event_time,
       f.recorded_at AS recorded_at
