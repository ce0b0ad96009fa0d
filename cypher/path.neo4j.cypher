MATCH p = shortestPath((a:Node {uid: $source})-[:DERIVED_FROM*1..50]->(b:Node {uid: $target}))
RETURN nodes(p) AS nodes
