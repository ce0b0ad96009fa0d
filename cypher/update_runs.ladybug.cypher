// The fields a merge changed (Writer._merged_runs). LadybugDB has no SET x += map, so the store fills
// in {assignments} with `x.<field> = r.<field>` for the fields the rows change (LadybugStore._create),
// and each row carries those fields. It types a column of nulls as STRING, so the boolean is cast.
UNWIND $rows AS r
MATCH (x:Run {uid: r.uid})
SET {assignments}
