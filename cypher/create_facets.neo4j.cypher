// MERGE on the record's uid, for the reason create_subjects.neo4j.cypher gives.
UNWIND $rows AS r
MATCH (s:Subject {key: r.subject})
USING INDEX SEEK s:Subject(key)
MERGE (f:Facet {uid: r.uid})
ON CREATE SET f.subject = r.subject, f.name = r.name, f.value = r.value, f.event_time = r.event_time,
    f.recorded_at = r.recorded_at
MERGE (s)-[:HAS_FACET]->(f)
