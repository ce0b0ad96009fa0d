// The fields a merge changed (Writer._merged_runs), each row's "changes"; uid and recorded_at never
// change, and a merge never sets a field back to null.
UNWIND $rows AS r
MATCH (x:Run {uid: r.uid})
USING INDEX SEEK x:Run(uid)
SET x += r.changes
