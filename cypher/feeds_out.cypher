// The feeds out of each subject among $keys: what a dataset feeds, what a job writes.
UNWIND $keys AS x
MATCH (a:Subject {key: x.key})
USING INDEX SEEK a:Subject(key)
OPTIONAL MATCH (a)-[f:FEEDS]->(b:Subject)
WITH a, f, b
WHERE f IS NOT NULL
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
