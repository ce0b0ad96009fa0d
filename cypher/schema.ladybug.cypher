// Timestamps are fixed-width ISO 8601 UTC text (see lineage/model.py); JSON values are canonical text.
CREATE NODE TABLE IF NOT EXISTS Node(
    uid STRING PRIMARY KEY, kind STRING, name STRING, version STRING, checksum STRING,
    created_at STRING, recorded_at STRING, owner STRING, source STRING, description STRING,
    metadata STRING, input_digest STRING, output STRING);
CREATE NODE TABLE IF NOT EXISTS Run(
    uid STRING PRIMARY KEY, name STRING, code_version STRING, code_dirty BOOLEAN, parameters STRING,
    environment STRING, started_at STRING, ended_at STRING, status STRING, user STRING, parent STRING,
    recorded_at STRING, facet_times STRING);
// Added after the first release: a store created before has the table without it.
ALTER TABLE Run ADD IF NOT EXISTS facet_times STRING;
CREATE REL TABLE IF NOT EXISTS DERIVED_FROM(FROM Node TO Node, run STRING, recorded_at STRING);
CREATE REL TABLE IF NOT EXISTS USED(FROM Run TO Node, recorded_at STRING);
CREATE REL TABLE IF NOT EXISTS PRODUCED(FROM Run TO Node, recorded_at STRING);
// A node per name ("kind:name") with an edge to each of its versions: the only way to look a name's
// versions up by key, since LadybugDB indexes nothing but primary keys.
CREATE NODE TABLE IF NOT EXISTS Name(key STRING PRIMARY KEY);
CREATE REL TABLE IF NOT EXISTS VERSION(FROM Name TO Node);
// Which of these layouts a store has been brought to (see LadybugStore._upgrade).
CREATE NODE TABLE IF NOT EXISTS Meta(key STRING PRIMARY KEY, version INT64);
// Columns of node versions, keyed "<node uid>#<name>", and which column was derived from which
// (lineage/columns.py); other uids of a version (aliases); a run's link to its parent run.
CREATE NODE TABLE IF NOT EXISTS Field(
    key STRING PRIMARY KEY, node STRING, name STRING, data_type STRING, description STRING, recorded_at STRING);
CREATE REL TABLE IF NOT EXISTS HAS_FIELD(FROM Node TO Field);
CREATE REL TABLE IF NOT EXISTS COLUMN_FROM(FROM Field TO Field, run STRING, transformations STRING,
    recorded_at STRING);
CREATE NODE TABLE IF NOT EXISTS Alias(key STRING PRIMARY KEY, uid STRING, recorded_at STRING);
CREATE REL TABLE IF NOT EXISTS PARENT(FROM Run TO Run);
// OpenLineage names (jobs, datasets by namespace and name), runs and node names that facets are
// recorded of, keyed (lineage/facets.py); each facet record linked from its subject, and which names
// feed which (declared by a JobEvent or observed in a run's events).
CREATE NODE TABLE IF NOT EXISTS Subject(
    key STRING PRIMARY KEY, kind STRING, namespace STRING, name STRING, node STRING, recorded_at STRING);
CREATE NODE TABLE IF NOT EXISTS Facet(
    uid STRING PRIMARY KEY, subject STRING, name STRING, value STRING, event_time STRING,
    recorded_at STRING);
CREATE REL TABLE IF NOT EXISTS HAS_FACET(FROM Subject TO Facet);
CREATE REL TABLE IF NOT EXISTS FEEDS(FROM Subject TO Subject, how STRING, recorded_at STRING);
