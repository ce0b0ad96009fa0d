// The uids between $source and $target on the shortest DERIVED_FROM chain (LineageStore.path reads the
// nodes). Both ends pinned to the uid index: a plan cached while the graph was small could otherwise
// scan the label for one of them (see cypher.py on Neo4j's plan cache).
MATCH p = shortestPath((a:Node {uid: $source})-[:DERIVED_FROM*1..50]->(b:Node {uid: $target}))
USING INDEX SEEK a:Node(uid)
USING INDEX SEEK b:Node(uid)
RETURN [n IN nodes(p)[1..-1] | n.uid] AS between
