// Every node's uid, kind and name: read once, to give a store written before Name nodes existed its
// Name nodes (see LadybugStore).
MATCH (n:Node)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name
