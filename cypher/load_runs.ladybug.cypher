// The bulk form of create_runs: the rows as an Arrow table, created by LOAD FROM (~10x faster than the
// UNWIND form for the bench graph's runs, 3,400 a statement). Not COPY, for the reason
// load_nodes.ladybug.cypher gives.
LOAD FROM $rows
CREATE (:Run {
    uid: uid, name: name, code_version: code_version, code_dirty: code_dirty, parameters: parameters,
    environment: environment, started_at: started_at, ended_at: ended_at, status: status, user: user,
    parent: parent, recorded_at: recorded_at, facet_times: facet_times
})
