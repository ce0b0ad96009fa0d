// Every field within {max_depth} column hops downstream of the field $key, each once: SHORTEST makes
// LadybugDB search breadth first from the key (see upstream_reach.ladybug.cypher).
MATCH (r:Field {key: $key})<-[e:COLUMN_FROM* SHORTEST 1..{max_depth}]-(f:Field)
RETURN f.key AS key, f.node AS node, f.name AS name, f.data_type AS data_type, f.description AS description,
       f.recorded_at AS recorded_at
