// The uids between $source and $target on the shortest DERIVED_FROM chain from one to the other
// (LineageStore.path reads the nodes). SHORTEST makes LadybugDB search breadth-first instead of
// enumerating walks. The target is looked up by its key first and picked by id from what the search
// reached: bound in the pattern instead, LadybugDB found it by scanning the node table (the same
// 11-node chain took 60 ms in a graph of 300k nodes and 1 ms in one of 3k; now 1.8 and 1.0 ms), and
// compared by uid it reads the uid of every node. Uids rather than nodes: a path's node values cost
// several times as much.
MATCH (t:Node {uid: $target})
MATCH (a:Node {uid: $source})-[e:DERIVED_FROM* SHORTEST 1..50]->(b:Node)
WHERE id(b) = id(t)
RETURN properties(nodes(e), 'uid') AS between
