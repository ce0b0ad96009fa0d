// The COLUMN_FROM edges out of each field in $keys: the input columns each was derived from. Anchored
// on the key, then OPTIONAL MATCH, as parents.cypher; a field without sources comes back with a null target.
UNWIND $keys AS k
MATCH (a:Field {key: k})
USING INDEX SEEK a:Field(key)
OPTIONAL MATCH (a)-[e:COLUMN_FROM]->(b:Field)
RETURN a.key AS source, a.node AS source_node, a.name AS source_field,
       b.key AS target, b.node AS target_node, b.name AS target_field, e.run AS run, e.transformations AS transformations, e.recorded_at AS recorded_at
