MERGE (m:Meta {key: 'schema'})
SET m.version = $version
