// Takes the write lock of each subject (see lock_runs) before the writer reads what is stored of it:
// the unique-index seek locks a key even while it is absent, so two transactions writing the same
// names, facets or feeds take turns, and the second finds the first's.
UNWIND $keys AS k
MATCH (s:Subject {key: k})
USING INDEX SEEK s:Subject(key)
SET s.key = s.key
