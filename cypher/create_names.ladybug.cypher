// New Name nodes. Not MERGE: LadybugDB plans an UNWIND ... MERGE as a scan of the whole table, so the
// writer looks the keys up first (names_by_key) and creates the missing ones, inside one transaction.
UNWIND $keys AS k
CREATE (:Name {key: k})
