// The feeds into each subject among $keys: what a job reads, what writes a dataset.
UNWIND $keys AS x
MATCH (b:Subject {key: x.key})
USING INDEX SEEK b:Subject(key)
OPTIONAL MATCH (a:Subject)-[f:FEEDS]->(b)
WITH a, f, b
WHERE f IS NOT NULL
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
