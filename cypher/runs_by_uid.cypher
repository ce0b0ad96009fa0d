UNWIND $uids AS u
MATCH (r:Run {uid: u})
RETURN r
