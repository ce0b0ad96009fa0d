// New predictions of one name, each linked from the name's Name node, from an Arrow table of their
// columns (LineageStore._create_predictions); their edges follow by COPY. LOAD FROM, not COPY: see
// load_nodes.ladybug.cypher.
MATCH (k:Name {key: $key})
LOAD FROM $rows
CREATE (k)-[:VERSION]->(:Node {
    uid: uid, kind: 'prediction', name: $name, version: version, checksum: NULL,
    created_at: created_at, recorded_at: $recorded_at, owner: NULL, source: NULL, description: NULL,
    metadata: metadata, input_digest: input_digest, output: output
})
