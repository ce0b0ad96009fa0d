// Every node within {max_depth} hops upstream, each once, nearest first, at most $limit of them.
// SHORTEST makes LadybugDB search breadth first from the key; its default walk semantics would
// enumerate every walk through every diamond. The order (depth, then uid) makes a cut by $limit keep
// the nearest nodes, the same ones every time. {max_depth} is a validated integer: variable-length
// bounds cannot be parameters.
MATCH (r:Node {uid: $uid})-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]->(n:Node)
RETURN n, length(e) AS depth
ORDER BY depth, n.uid
LIMIT $limit
