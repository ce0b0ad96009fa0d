MATCH (:Node)-[e:DERIVED_FROM]->(:Node)
RETURN count(e) AS count
