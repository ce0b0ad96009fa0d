UNWIND $rows AS r
CREATE (:Run {
    uid: r.uid, name: r.name, code_version: r.code_version, code_dirty: r.code_dirty,
    parameters: r.parameters, environment: r.environment, started_at: r.started_at, ended_at: r.ended_at,
    status: r.status, user: r.user, parent: r.parent, recorded_at: r.recorded_at,
    facet_times: r.facet_times
})
