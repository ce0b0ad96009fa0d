// The facet records among $uids that are stored.
UNWIND $uids AS u
MATCH (f:Facet {uid: u})
USING INDEX SEEK f:Facet(uid)
RETURN f.uid AS uid
