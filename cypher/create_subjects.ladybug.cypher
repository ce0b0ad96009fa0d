// New subjects; the writer looked the keys up first (an UNWIND ... MERGE scans on LadybugDB).
UNWIND $rows AS r
CREATE (:Subject {key: r.key, kind: r.kind, namespace: r.namespace, name: r.name, node: r.node,
                  recorded_at: r.recorded_at})
