// Which of these runs are stored: an edge's run and a run's parent must be.
UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
RETURN r.uid AS uid
