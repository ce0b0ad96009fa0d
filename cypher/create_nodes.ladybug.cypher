// See create_nodes.cypher; each version is also linked from its Name node (see schema.ladybug.cypher).
UNWIND $rows AS r
CREATE (n:Node {
    uid: r.uid, kind: r.kind, name: r.name, version: r.version, checksum: r.checksum,
    created_at: r.created_at, recorded_at: r.recorded_at, owner: r.owner, source: r.source,
    description: r.description, metadata: r.metadata, input_digest: r.input_digest, output: r.output
})
MERGE (k:Name {key: r.kind + ':' + r.name})
CREATE (k)-[:VERSION]->(n)
