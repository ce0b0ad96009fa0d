// MERGE between end nodes locked first (a property set to itself), so two writers of one feed take
// turns and the second finds the first's.
UNWIND $rows AS r
MATCH (a:Subject {key: r.origin})
USING INDEX SEEK a:Subject(key)
MATCH (b:Subject {key: r.destination})
USING INDEX SEEK b:Subject(key)
SET a.key = a.key, b.key = b.key
MERGE (a)-[f:FEEDS {how: r.how}]->(b)
ON CREATE SET f.recorded_at = r.recorded_at
