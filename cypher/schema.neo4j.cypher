// Idempotent: run at every start-up.
CREATE CONSTRAINT node_uid IF NOT EXISTS FOR (n:Node) REQUIRE n.uid IS UNIQUE;
CREATE CONSTRAINT run_uid IF NOT EXISTS FOR (r:Run) REQUIRE r.uid IS UNIQUE;
CREATE INDEX node_kind_name IF NOT EXISTS FOR (n:Node) ON (n.kind, n.name);
CREATE INDEX node_name IF NOT EXISTS FOR (n:Node) ON (n.name);
CREATE INDEX run_recorded_at IF NOT EXISTS FOR (r:Run) ON (r.recorded_at);
CREATE CONSTRAINT field_key IF NOT EXISTS FOR (f:Field) REQUIRE f.key IS UNIQUE;
CREATE CONSTRAINT alias_key IF NOT EXISTS FOR (a:Alias) REQUIRE a.key IS UNIQUE;
CREATE INDEX run_parent IF NOT EXISTS FOR (r:Run) ON (r.parent);
CREATE CONSTRAINT subject_key IF NOT EXISTS FOR (s:Subject) REQUIRE s.key IS UNIQUE;
CREATE CONSTRAINT facet_uid IF NOT EXISTS FOR (f:Facet) REQUIRE f.uid IS UNIQUE;
