// New predictions and their DERIVED_FROM edges in one statement (LineageStore._create_predictions):
// the batch's distinct inputs are found once by key, and each row names its own by index into them, so
// an edge costs no look-up. MERGE, as in create_nodes: a prediction stored already, or created by
// another transaction meanwhile, is returned, and the writer rolls back and takes the general path.
UNWIND $targets AS t
MATCH (b:Node {uid: t})
USING INDEX SEEK b:Node(uid)
WITH collect(b) AS targets
UNWIND $rows AS r
MERGE (n:Node {uid: r.uid})
ON CREATE SET n.kind = 'prediction', n.name = r.name, n.version = r.version, n.created_at = r.created_at,
    n.recorded_at = $recorded_at, n.metadata = r.metadata, n.input_digest = r.input_digest,
    n.output = r.output
ON MATCH SET n.created_meanwhile = true
WITH n, r, targets
UNWIND r.derives_from AS i
WITH n, targets[i] AS b
CREATE (n)-[:DERIVED_FROM {run: null, recorded_at: $recorded_at}]->(b)
WITH DISTINCT n WHERE n.created_meanwhile
RETURN n.uid AS uid
