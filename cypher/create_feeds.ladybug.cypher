// New feeds between stored subjects; the writer read the subjects' feeds first.
UNWIND $rows AS r
MATCH (a:Subject {key: r.origin})
MATCH (b:Subject {key: r.destination})
CREATE (a)-[:FEEDS {how: r.how, recorded_at: r.recorded_at}]->(b)
