// New runs, naming only the fields the rows give, as create_nodes.ladybug.cypher does.
UNWIND $rows AS r
CREATE (:Run {properties})
