// Runs by uid, each with the uids of its inputs and outputs, in one query (see parents.cypher for why
// OPTIONAL MATCH): ingestion reads a run at every event, and three queries cost three times one.
// LadybugDB cannot match on from a node carried through WITH, so both sides are matched at once; the
// rows they multiply into are bounded by a run's fan-out limit (MAX_EDGES_PER_RUN).
UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
OPTIONAL MATCH (r)-[:USED]->(i:Node)
OPTIONAL MATCH (r)-[:PRODUCED]->(o:Node)
RETURN r.uid AS uid, r.name AS name, r.code_version AS code_version, r.code_dirty AS code_dirty,
       r.parameters AS parameters, r.environment AS environment, r.started_at AS started_at,
       r.ended_at AS ended_at, r.status AS status, r.user AS user, r.parent AS parent,
       r.recorded_at AS recorded_at, r.facet_times AS facet_times, collect(DISTINCT i.uid) AS inputs, collect(DISTINCT o.uid) AS outputs
