// Aliases (another uid of a recorded version, from OpenLineage's symlinks) by the alias uid.
UNWIND $keys AS k
MATCH (a:Alias {key: k})
USING INDEX SEEK a:Alias(key)
RETURN a.key AS key, a.uid AS uid, a.recorded_at AS recorded_at
