// SHORTEST makes LadybugDB search breadth-first instead of enumerating walks.
MATCH p = (a:Node {uid: $source})-[:DERIVED_FROM* SHORTEST 1..50]->(b:Node {uid: $target})
RETURN nodes(p) AS nodes
