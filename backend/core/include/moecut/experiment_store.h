// The app's record of projects, experiments and the jobs that ran their
// steps, in one SQLite file; every row can be rebuilt from the project's
// folders (docs/jobs.md, "Projects on disk").
//
//   <project>/project.json                           name, settings
//   <project>/experiments/<name>/experiment.json     model, calibration, plan, evaluation
//   <project>/experiments/<name>/runs/<NN-step>/     one job: step.json (store),
//       job.json, pid, events.jsonl, exit_status.json, ... (the job runner),
//       skipped.json (a step that ended without running, e.g. its chain failed)
//
//   ExperimentStore store(project_dir / "project.sqlite");
//   auto p = store.add_project(project_dir, "glm pruning");
//   auto e = store.add_experiment(p, experiment);
//   auto j = store.add_job(e, {"prune", argv, {}, previous_job});   // queued, run folder made
//
// The file is opened in WAL mode with a busy timeout and foreign keys on. One
// process writes (the app); others may read. The schema is versioned by
// PRAGMA user_version and migrated forward on open, each step in a
// transaction; a file from a newer moecut, or one that is not a store, is an
// InputError naming the file. Torch-free and Qt-free.
#pragma once

#include "moecut/job_runner.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace moecut {

struct Project {
    std::int64_t id = 0;
    std::string name;
    std::filesystem::path dir; // absolute
    nlohmann::json settings = nlohmann::json::object();
    std::int64_t created_unix_ms = 0;
    bool operator==(const Project&) const = default;
};

struct Experiment {
    std::int64_t id = 0;
    std::int64_t project_id = 0;
    std::string name; // a folder name: letters, digits, '.', '_', '-'
    std::filesystem::path model_dir;
    std::vector<std::filesystem::path> calibration_files;
    nlohmann::json plan = nlohmann::json::object();       // plan settings
    nlohmann::json evaluation = nlohmann::json::object(); // evaluation settings
    std::int64_t created_unix_ms = 0;
    bool operator==(const Experiment&) const = default;
};

// A step to queue: its run folder is made by the store.
struct NewJob {
    std::string step; // saliency, plan, prune, eval, sweep, report, ... (letters, digits, '_', '-')
    std::vector<std::string> argv;
    std::vector<std::string> env;       // "KEY=VALUE" additions
    std::optional<std::int64_t> depends_on; // a job of the same experiment that must succeed first
    std::string run_folder = {};            // "NN-step" under runs/; empty: next_run_number() and step
};

struct JobRecord {
    std::int64_t id = 0;
    std::int64_t experiment_id = 0;
    std::string step;
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::filesystem::path run_dir;
    JobState state = JobState::Queued;
    std::optional<std::int64_t> depends_on;
    std::uint64_t event_offset = 0; // events.jsonl read up to here
    long pid = 0;
    std::int64_t created_unix_ms = 0;
    std::optional<std::int64_t> launched_unix_ms; // handed to the runner (unset: waits in its chain)
    std::optional<std::int64_t> started_unix_ms;
    std::optional<std::int64_t> ended_unix_ms;
    std::optional<int> exit_code;
    std::optional<int> signal;
    std::string message;
    std::optional<double> progress; // done/total of the last progress event
    bool operator==(const JobRecord&) const = default;
};

struct MetricRecord {
    std::int64_t job_id = 0;
    std::string name;
    std::optional<std::int64_t> step;
    double value = 0;
    std::optional<double> lo, hi; // an interval, when the event has one
    bool operator==(const MetricRecord&) const = default;
};

struct ArtifactRecord {
    std::int64_t job_id = 0;
    std::string kind;
    std::string path;
    bool operator==(const ArtifactRecord&) const = default;
};

class ExperimentStore {
public:
    // The schema version this build writes (and the newest it reads).
    static constexpr int kSchemaVersion = 2;

    // Opens file, creating it when missing, and migrates it to kSchemaVersion.
    explicit ExperimentStore(const std::filesystem::path& file);
    ~ExperimentStore();
    ExperimentStore(const ExperimentStore&) = delete;
    ExperimentStore& operator=(const ExperimentStore&) = delete;

    const std::filesystem::path& file() const { return file_; }
    // The file's PRAGMA user_version (kSchemaVersion once opened).
    int schema_version() const;

    // Creates dir (when missing) and writes dir/project.json. InputError when
    // the store holds a project of that folder already.
    std::int64_t add_project(const std::filesystem::path& dir, const std::string& name,
                             const nlohmann::json& settings = nlohmann::json::object());
    std::vector<Project> projects() const;
    Project project(std::int64_t id) const;

    // Writes <project>/experiments/<name>/experiment.json. InputError for a
    // bad or taken name.
    std::int64_t add_experiment(std::int64_t project_id, const Experiment& e);
    // Rewrites the experiment's settings (not its name or project).
    void update_experiment(const Experiment& e);
    std::vector<Experiment> experiments(std::int64_t project_id) const;
    Experiment experiment(std::int64_t id) const;
    std::filesystem::path experiment_dir(std::int64_t experiment_id) const;

    // Queues a step: makes <experiment>/runs/<NN-step>/ (NN one above the
    // highest there) and its step.json. The job is queued and not launched.
    // With job.run_folder set, that folder is used (InputError when it holds
    // a step already), e.g. the folders recipe_steps() planned.
    std::int64_t add_job(std::int64_t experiment_id, const NewJob& job);
    // One above the highest NN of the experiment's run folders (1 when none).
    int next_run_number(std::int64_t experiment_id) const;
    JobRecord job(std::int64_t id) const;
    // All jobs (or those of one experiment), by id.
    std::vector<JobRecord> jobs(std::optional<std::int64_t> experiment_id = std::nullopt) const;
    // Jobs that are not final, by id.
    std::vector<JobRecord> unfinished_jobs() const;
    // The jobs that depend on job_id.
    std::vector<std::int64_t> dependents(std::int64_t job_id) const;

    // The job was handed to the runner at unix_ms.
    void set_launched(std::int64_t job_id, std::int64_t unix_ms);
    // The state and details the runner reported.
    void set_status(std::int64_t job_id, const JobStatus& status);
    // Ends a job that never ran (state final, e.g. cancelled because its chain
    // failed): records it and writes <run>/skipped.json.
    void skip(std::int64_t job_id, JobState state, const std::string& message);
    // Stores what a batch of events says (metric, artifact and progress
    // events; others are ignored) and the offset after it, in one transaction.
    void record_events(std::int64_t job_id, const std::vector<nlohmann::json>& events, std::uint64_t offset);

    std::vector<MetricRecord> metrics(std::int64_t job_id) const;
    std::vector<ArtifactRecord> artifacts(std::int64_t job_id) const;

    // Recreates the project of project_dir from its folders alone (replacing
    // what the store holds of it): the project, its experiments, their jobs
    // with the state the runner reports from each run folder (a folder with
    // only step.json is queued, one with skipped.json ends as it says), and
    // metrics, artifacts, progress and offsets replayed from events.jsonl.
    // Returns the project's id. InputError for a folder without project.json.
    std::int64_t rebuild_project(const std::filesystem::path& project_dir, JobRunner& runner);
    std::int64_t rebuild_project(const std::filesystem::path& project_dir); // with a LocalJobRunner

private:
    void exec(const char* sql) const;
    void migrate();

    std::filesystem::path file_;
    sqlite3* db_ = nullptr;
};

} // namespace moecut
