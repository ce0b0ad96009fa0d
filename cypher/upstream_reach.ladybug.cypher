// Every node within {max_depth} hops upstream, each once, nearest first, at most $limit of them.
// SHORTEST makes LadybugDB search breadth first from the key; its default walk semantics would
// enumerate every walk through every diamond. With a limit, {nearest_limit} orders by depth, then uid,
// and cuts at $limit, so the cut keeps the nearest nodes, the same ones every time; without one it is
// left out, as sorting and even a LIMIT cost more than the search. Properties come as columns: a whole node value costs twice as much to
// return. {max_depth} is a validated integer: variable-length bounds cannot be parameters.
MATCH (r:Node {uid: $uid})-[e:DERIVED_FROM* SHORTEST 1..{max_depth}]->(n:Node)
RETURN n.uid AS uid, n.kind AS kind, n.name AS name, n.version AS version, n.checksum AS checksum,
       n.created_at AS created_at, n.recorded_at AS recorded_at, n.owner AS owner, n.source AS source,
       n.description AS description, n.metadata AS metadata, n.input_digest AS input_digest,
       n.output AS output, length(e) AS depth
{nearest_limit}
