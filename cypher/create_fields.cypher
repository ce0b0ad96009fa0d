// New fields, each linked from its node (the writer looked their keys up first, in this transaction).
UNWIND $rows AS r
MATCH (n:Node {uid: r.node})
USING INDEX SEEK n:Node(uid)
CREATE (n)-[:HAS_FIELD]->(:Field {key: r.key, node: r.node, name: r.name, data_type: r.data_type,
                                  description: r.description, recorded_at: r.recorded_at})
