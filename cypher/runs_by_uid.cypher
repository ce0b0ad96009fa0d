// Runs by uid, without their links: runs_links reads those of the runs found. A bulk write looks up
// runs it is about to create; reading their links in the same statement (an OPTIONAL MATCH) cost
// LadybugDB more as the graph grew, though no run was found and its profile showed no more rows than
// the answer: 0.7 s a chunk of 2,600 new runs late in a 1M-node ingest, against ~10 ms for this.
UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
RETURN r.uid AS uid, r.name AS name, r.code_version AS code_version, r.code_dirty AS code_dirty,
       r.parameters AS parameters, r.environment AS environment, r.started_at AS started_at,
       r.ended_at AS ended_at, r.status AS status, r.user AS user, r.parent AS parent,
       r.recorded_at AS recorded_at, r.facet_times AS facet_times
