// New nodes. LadybugDB writes every property a CREATE names, a null as dearly as a value (all 13 of a
// node's: 1.1 ms; the 7 an OpenLineage dataset has: 0.4 ms), so the store fills in {properties} with
// the fields the rows give, one statement for each set of them (LadybugStore._create).
UNWIND $rows AS r
CREATE (:Node {properties})
