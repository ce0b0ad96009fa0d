// The runs that ran inside run $uid: a seek on the run_parent index.
MATCH (c:Run {parent: $uid})
USING INDEX SEEK c:Run(parent)
RETURN c.uid AS uid
