// MERGE, not CREATE: two transactions creating one uid at once meet at the uniqueness constraint, and a
// CREATE that loses fails at the server in a way the driver cannot roll back cleanly (ResultFailedError,
// and the connection left unusable). A MERGE that loses waits for the winner, then matches its node;
// ON MATCH marks it, the writer sees it returned here, and runs its transaction again, rolling the mark
// back (Neo4jStore._create).
UNWIND $rows AS r
MERGE (n:Node {uid: r.uid})
ON CREATE SET n.kind = r.kind, n.name = r.name, n.version = r.version, n.checksum = r.checksum,
    n.created_at = r.created_at, n.recorded_at = r.recorded_at, n.owner = r.owner, n.source = r.source,
    n.description = r.description, n.metadata = r.metadata, n.input_digest = r.input_digest,
    n.output = r.output
ON MATCH SET n.created_meanwhile = true
WITH n WHERE n.created_meanwhile
RETURN n.uid AS uid
