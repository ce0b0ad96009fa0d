// The feeds out of one subject (feeds_out.cypher reads many): by one key, a primary-key seek on
// LadybugDB, where it joins a list of keys by hash at a cost that grows with the graph.
MATCH (a:Subject {key: $key})-[f:FEEDS]->(b:Subject)
USING INDEX SEEK a:Subject(key)
RETURN a.key AS origin, b.key AS destination, f.how AS how, f.recorded_at AS recorded_at
