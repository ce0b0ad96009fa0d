// Every field within {max_depth} column hops upstream of the field $key, each once: bounded, DISTINCT and
// without a path variable, planned as a pruning breadth-first var-expand (see upstream_reach.neo4j.cypher).
MATCH (r:Field {key: $key})-[:COLUMN_FROM*1..{max_depth}]->(f:Field)
USING INDEX SEEK r:Field(key)
WITH DISTINCT f
RETURN f.key AS key, f.node AS node, f.name AS name, f.data_type AS data_type, f.description AS description,
       f.recorded_at AS recorded_at
