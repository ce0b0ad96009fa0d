// LadybugDB types a column of nulls as STRING, so the boolean is cast explicitly.
UNWIND $rows AS r
MATCH (x:Run {uid: r.uid})
USING INDEX SEEK x:Run(uid)
SET x.name = r.name, x.code_version = r.code_version, x.code_dirty = CAST(r.code_dirty AS BOOLEAN),
    x.parameters = r.parameters, x.environment = r.environment, x.started_at = r.started_at,
    x.ended_at = r.ended_at, x.status = r.status, x.user = r.user, x.parent = r.parent,
    x.facet_times = r.facet_times
