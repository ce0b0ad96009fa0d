// The stored feeds from each origin to each destination in $keys (those a writer is about to record),
// found by both ends: the cost follows the pairs asked for, not how many feeds either end has (a job
// that writes a new partition every day gains a feed a day).
UNWIND $keys AS x
MATCH (a:Subject {key: x.origin})
USING INDEX SEEK a:Subject(key)
MATCH (b:Subject {key: x.destination})
USING INDEX SEEK b:Subject(key)
OPTIONAL MATCH (a)-[f:FEEDS]->(b)
WITH a, f, b
WHERE f IS NOT NULL
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
