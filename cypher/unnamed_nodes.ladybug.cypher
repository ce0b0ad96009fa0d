// Every node no Name node links to, with its kind and name: read once when a store is opened at an
// earlier layout (see LadybugStore._upgrade). A store from before Name nodes existed has all of them.
MATCH (n:Node)
OPTIONAL MATCH (k:Name)-[:VERSION]->(n)
WITH n, k
WHERE k IS NULL
RETURN n.uid AS uid, n.kind AS kind, n.name AS name
