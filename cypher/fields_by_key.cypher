// Fields (columns of a node version) by their key, "<node uid>#<name>" (see lineage/columns.py).
UNWIND $keys AS k
MATCH (f:Field {key: k})
USING INDEX SEEK f:Field(key)
RETURN f.key AS key, f.node AS node, f.name AS name, f.data_type AS data_type, f.description AS description,
       f.recorded_at AS recorded_at
