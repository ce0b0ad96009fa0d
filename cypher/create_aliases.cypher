UNWIND $rows AS r
CREATE (:Alias {key: r.key, uid: r.uid, recorded_at: r.recorded_at})
