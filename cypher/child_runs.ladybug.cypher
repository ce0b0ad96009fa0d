// The runs that ran inside run $uid, through the PARENT links from their key (LadybugDB indexes no
// property but the primary key; see LadybugStore._on_parents).
MATCH (p:Run {uid: $uid})
OPTIONAL MATCH (c:Run)-[:PARENT]->(p)
WITH c WHERE c IS NOT NULL
RETURN c.uid AS uid
