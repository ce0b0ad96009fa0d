// The feeds into one subject, as subject_feeds_out.cypher reads those out of one.
MATCH (a:Subject)-[f:FEEDS]->(b:Subject {key: $key})
USING INDEX SEEK b:Subject(key)
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
