#include "experiment_store_schema.h"

namespace moecut::store_schema {

const std::vector<Migration>& migrations() {
    static const std::vector<Migration> steps = {
        {1, R"sql(
PRAGMA application_id = 1299137859;
CREATE TABLE projects(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, dir TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL DEFAULT '{}', created_unix_ms INTEGER NOT NULL);
CREATE TABLE experiments(
  id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL, model_dir TEXT NOT NULL, calibration_files TEXT NOT NULL DEFAULT '[]',
  plan TEXT NOT NULL DEFAULT '{}', evaluation TEXT NOT NULL DEFAULT '{}', created_unix_ms INTEGER NOT NULL,
  UNIQUE(project_id, name));
CREATE TABLE jobs(
  id INTEGER PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  step TEXT NOT NULL, argv TEXT NOT NULL, env TEXT NOT NULL DEFAULT '[]', run_dir TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK(state IN ('queued','running','succeeded','failed','cancelled','lost')),
  depends_on INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  event_offset INTEGER NOT NULL DEFAULT 0, pid INTEGER NOT NULL DEFAULT 0,
  created_unix_ms INTEGER NOT NULL, launched_unix_ms INTEGER, started_unix_ms INTEGER, ended_unix_ms INTEGER,
  exit_code INTEGER, signal INTEGER, message TEXT NOT NULL DEFAULT '');
CREATE INDEX jobs_experiment ON jobs(experiment_id);
CREATE TABLE metrics(
  id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  name TEXT NOT NULL, step INTEGER, value REAL NOT NULL);
)sql"},
        // 2: what the live monitor needs: metric intervals, job progress, artifacts.
        {2, R"sql(
ALTER TABLE metrics ADD COLUMN lo REAL;
ALTER TABLE metrics ADD COLUMN hi REAL;
CREATE INDEX metrics_job ON metrics(job_id, name);
ALTER TABLE jobs ADD COLUMN progress REAL;
CREATE TABLE artifacts(
  id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL, path TEXT NOT NULL);
CREATE INDEX artifacts_job ON artifacts(job_id);
)sql"},
    };
    return steps;
}

} // namespace moecut::store_schema
