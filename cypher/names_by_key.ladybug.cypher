// The Name nodes among $keys that exist (see schema.ladybug.cypher).
UNWIND $keys AS k
MATCH (x:Name {key: k})
RETURN x.key AS key
