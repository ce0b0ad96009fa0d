UNWIND $uids AS u
MATCH (r:Run {uid: u})
USING INDEX SEEK r:Run(uid)
RETURN r
