// Two MATCH clauses, not one with a comma: LadybugDB plans the comma form as a cross product.
UNWIND $rows AS r
MATCH (a:Node {uid: r.source})
USING INDEX SEEK a:Node(uid)
MATCH (b:Node {uid: r.target})
USING INDEX SEEK b:Node(uid)
CREATE (a)-[:DERIVED_FROM {run: r.run, recorded_at: r.recorded_at}]->(b)
