// A store written before Name nodes existed gets them once, when it is opened (see LadybugStore).
MATCH (n:Node)
MERGE (k:Name {key: n.kind + ':' + n.name})
CREATE (k)-[:VERSION]->(n)
