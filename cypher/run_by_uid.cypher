// One run by its key (runs_by_uid reads many; for one, this and run_links are several times cheaper,
// and ingestion reads one run at every event).
MATCH (r:Run {uid: $uid})
USING INDEX SEEK r:Run(uid)
RETURN r.uid AS uid, r.name AS name, r.code_version AS code_version, r.code_dirty AS code_dirty,
       r.parameters AS parameters, r.environment AS environment, r.started_at AS started_at,
       r.ended_at AS ended_at, r.status AS status, r.user AS user, r.parent AS parent,
       r.recorded_at AS recorded_at, r.facet_times AS facet_times
