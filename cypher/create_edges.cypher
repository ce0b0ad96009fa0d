// Two MATCH clauses, not one with a comma: LadybugDB plans the comma form as a cross product.
UNWIND $rows AS r
MATCH (a:Node {uid: r.source})
MATCH (b:Node {uid: r.target})
CREATE (a)-[:DERIVED_FROM {run: r.run, recorded_at: r.recorded_at}]->(b)
