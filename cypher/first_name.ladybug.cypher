// Any one Name node: whether the store has them (see index_names.ladybug.cypher).
MATCH (k:Name)
RETURN k.key AS key
LIMIT 1
