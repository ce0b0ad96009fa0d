// The COLUMN_FROM edges into each field in $keys: the output columns derived from each (the probe past
// a downstream column traversal's depth bound). See column_edges.cypher.
UNWIND $keys AS k
MATCH (b:Field {key: k})
USING INDEX SEEK b:Field(key)
OPTIONAL MATCH (a:Field)-[e:COLUMN_FROM]->(b)
RETURN a.key AS source, a.node AS source_node, a.name AS source_field,
       b.key AS target, b.node AS target_node, b.name AS target_field, e.run AS run, e.transformations AS transformations, e.recorded_at AS recorded_at
