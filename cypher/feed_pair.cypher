// The stored feeds from one origin to one destination, as feeds_between.cypher finds those of many.
MATCH (a:Subject {key: $origin})-[f:FEEDS]->(b:Subject {key: $destination})
USING INDEX SEEK a:Subject(key)
USING INDEX SEEK b:Subject(key)
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
