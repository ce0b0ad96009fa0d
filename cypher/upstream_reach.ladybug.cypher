// Every node within {max_depth} hops upstream, each once. SHORTEST makes LadybugDB search breadth
// first; its default walk semantics would enumerate every walk through every diamond.
// {max_depth} is a validated integer: variable-length bounds cannot be parameters.
MATCH (a:Node {uid: $uid})-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]->(b:Node)
RETURN b.uid AS uid
