// Both ends pinned to the uid index: a plan cached while the graph was small could otherwise scan the
// label for one of them (see cypher.py on Neo4j's plan cache).
MATCH p = shortestPath((a:Node {uid: $source})-[:DERIVED_FROM*1..50]->(b:Node {uid: $target}))
USING INDEX SEEK a:Node(uid)
USING INDEX SEEK b:Node(uid)
RETURN nodes(p) AS nodes
