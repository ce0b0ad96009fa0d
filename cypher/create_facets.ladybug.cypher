// New facet records, each linked from its (stored) subject.
UNWIND $rows AS r
MATCH (s:Subject {key: r.subject})
CREATE (s)-[:HAS_FACET]->(:Facet {uid: r.uid, subject: r.subject, name: r.name, value: r.value,
                                  event_time: r.event_time, recorded_at: r.recorded_at})
