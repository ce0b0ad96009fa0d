MATCH (m:Meta {key: 'schema'})
RETURN m.version AS version
