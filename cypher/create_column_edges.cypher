// Two MATCH clauses, not one with a comma: LadybugDB plans the comma form as a cross product.
UNWIND $rows AS r
MATCH (a:Field {key: r.source})
USING INDEX SEEK a:Field(key)
MATCH (b:Field {key: r.target})
USING INDEX SEEK b:Field(key)
CREATE (a)-[:COLUMN_FROM {run: r.run, transformations: r.transformations, recorded_at: r.recorded_at}]->(b)
