// The fields a merge changed (Writer._merged_runs). LadybugDB rewrites every property a SET names and
// has no SET x += map, so the store fills in {assignments} with the fields the rows change, one
// statement for each set of them (LadybugStore._create).
UNWIND $rows AS r
MATCH (x:Run {uid: r.uid})
SET {assignments}
