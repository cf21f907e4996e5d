// ExperimentStore over real SQLite files: the project layout it writes,
// migrations from a version 1 file, files it must refuse, and a store rebuilt
// from the run folders of real finished jobs equal to the one the API built.
#include "moecut/experiment_store.h"
#include "moecut/error.h"
#include "moecut/job_runner.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <functional>

using namespace moecut;
using namespace std::chrono_literals;
using moecut::test::read_text;
using moecut::test::TempDir;
using moecut::test::write_text;

namespace {

// Runs SQL on file with the plain SQLite API, as another program would.
void sql(const std::filesystem::path& file, const std::string& text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
    const std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
}

Experiment experiment(const std::string& name) {
    Experiment e;
    e.name = name;
    e.model_dir = "/models/glm-tiny";
    e.calibration_files = {"/data/calib-a.jsonl", "/data/calib-b.jsonl"};
    e.plan = {{"keep_experts", 48}, {"method", "reap"}};
    e.evaluation = {{"probes", 48}, {"cap", 128}};
    return e;
}

// Everything the store holds of its projects, with ids replaced by names.
nlohmann::json snapshot(const ExperimentStore& s) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& p : s.projects()) {
        nlohmann::json pj = {{"name", p.name}, {"dir", p.dir.string()}, {"settings", p.settings},
                             {"created", p.created_unix_ms}, {"experiments", nlohmann::json::array()}};
        for (const auto& e : s.experiments(p.id)) {
            nlohmann::json ej = {{"name", e.name}, {"model", e.model_dir.string()}, {"calib", nullptr},
                                 {"plan", e.plan}, {"eval", e.evaluation}, {"created", e.created_unix_ms},
                                 {"jobs", nlohmann::json::array()}};
            for (const auto& f : e.calibration_files) ej["calib"].push_back(f.string());
            for (const auto& j : s.jobs(e.id)) {
                auto opt = [](const auto& o) { return o ? nlohmann::json(*o) : nlohmann::json(); };
                nlohmann::json jj = {{"step", j.step}, {"argv", j.argv}, {"env", j.env}, {"run", j.run_dir.string()},
                                     {"state", to_string(j.state)}, {"offset", j.event_offset}, {"pid", j.pid},
                                     {"created", j.created_unix_ms}, {"launched", opt(j.launched_unix_ms)},
                                     {"started", opt(j.started_unix_ms)}, {"ended", opt(j.ended_unix_ms)},
                                     {"exit", opt(j.exit_code)}, {"signal", opt(j.signal)}, {"message", j.message},
                                     {"progress", opt(j.progress)}, {"metrics", nlohmann::json::array()},
                                     {"artifacts", nlohmann::json::array()}};
                jj["depends_on"] = j.depends_on ? nlohmann::json(s.job(*j.depends_on).run_dir.string()) : nlohmann::json();
                for (const auto& m : s.metrics(j.id))
                    jj["metrics"].push_back({m.name, opt(m.step), m.value, opt(m.lo), opt(m.hi)});
                for (const auto& a : s.artifacts(j.id)) jj["artifacts"].push_back({a.kind, a.path});
                ej["jobs"].push_back(jj);
            }
            pj["experiments"].push_back(ej);
        }
        out.push_back(pj);
    }
    return out;
}

// What the app does for one job: launch, follow its events, record its end.
JobState drive(ExperimentStore& store, LocalJobRunner& runner, std::int64_t id,
               const std::function<void(const std::filesystem::path&)>& meanwhile = {}) {
    const auto j = store.job(id);
    store.set_launched(id, 1700000000000 + id);
    runner.launch(JobSpec{j.argv, j.env, j.run_dir});
    if (meanwhile) meanwhile(j.run_dir);
    auto follower = runner.follow(j.run_dir, 0);
    const auto status = runner.wait(j.run_dir, 10s);
    const auto batch = follower.read();
    store.record_events(id, batch.events, batch.offset);
    store.set_status(id, status);
    return status.state;
}

void remove_store(const std::filesystem::path& file) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file.string() + suffix);
}

} // namespace

TEST(ExperimentStore, WritesTheProjectLayout) {
    TempDir dir;
    ExperimentStore store(dir / "project.sqlite");
    EXPECT_EQ(store.schema_version(), ExperimentStore::kSchemaVersion);
    const auto p = store.add_project(dir / "proj", "GLM pruning", {{"owner", "me"}});
    EXPECT_TRUE(std::filesystem::exists(dir / "proj" / "project.json"));
    EXPECT_THROW(store.add_project(dir / "proj", "again"), InputError);
    const auto e = store.add_experiment(p, experiment("keep-48"));
    EXPECT_EQ(store.experiment(e).plan["keep_experts"], 48);
    EXPECT_EQ(store.experiment(e).calibration_files.size(), 2u);
    EXPECT_TRUE(std::filesystem::exists(dir / "proj/experiments/keep-48/experiment.json"));
    EXPECT_THROW(store.add_experiment(p, experiment("keep-48")), InputError);
    EXPECT_THROW(store.add_experiment(p, experiment("../escape")), InputError);
    EXPECT_THROW(store.add_experiment(p, experiment(".hidden")), InputError);

    const auto a = store.add_job(e, {"saliency", {"moecut", "saliency"}, {}, {}});
    const auto b = store.add_job(e, {"prune", {"moecut", "prune"}, {"X=1"}, a});
    EXPECT_EQ(store.job(a).run_dir, dir / "proj/experiments/keep-48/runs/01-saliency");
    EXPECT_EQ(store.job(b).run_dir, dir / "proj/experiments/keep-48/runs/02-prune");
    EXPECT_EQ(store.job(b).depends_on, a);
    EXPECT_EQ(store.job(b).state, JobState::Queued);
    EXPECT_FALSE(store.job(b).launched_unix_ms.has_value());
    EXPECT_EQ(store.dependents(a), std::vector<std::int64_t>{b});
    EXPECT_TRUE(store.dependents(b).empty());
    const auto step = nlohmann::json::parse(read_text(store.job(b).run_dir / "step.json"));
    EXPECT_EQ(step["depends_on"], "01-saliency");
    EXPECT_EQ(step["experiment"], "keep-48");
    EXPECT_THROW(store.add_job(e, {"bad step", {"x"}, {}, {}}), InputError);
    EXPECT_THROW(store.add_job(e, {"plan", {}, {}, {}}), InputError);
    EXPECT_EQ(store.unfinished_jobs().size(), 2u);
    EXPECT_EQ(store.next_run_number(e), 3);
    NewJob planned{"eval", {"moecut", "eval"}, {}, b, "07-eval"}; // a folder recipe_steps() chose
    const auto c = store.add_job(e, planned);
    EXPECT_EQ(store.job(c).run_dir, dir / "proj/experiments/keep-48/runs/07-eval");
    EXPECT_EQ(store.next_run_number(e), 8);
    EXPECT_THROW(store.add_job(e, planned), InputError); // holds a step already
    planned.run_folder = "../07-eval";
    EXPECT_THROW(store.add_job(e, planned), InputError);
    EXPECT_EQ(store.jobs(e).size(), 3u);

    auto changed = store.experiment(e);
    changed.plan["keep_experts"] = 32;
    store.update_experiment(changed);
    EXPECT_EQ(store.experiment(e).plan["keep_experts"], 32);
    EXPECT_EQ(nlohmann::json::parse(read_text(store.experiment_dir(e) / "experiment.json"))["plan"]["keep_experts"], 32);

    store.record_events(a,
                        {{{"event", "progress"}, {"done", 3}, {"total", 4}},
                         {{"event", "metric"}, {"name", "loop_rate"}, {"value", 0.25}, {"step", 8}, {"lo", 0.1}, {"hi", 0.5}},
                         {{"event", "metric"}, {"name", "no_value"}},
                         {{"event", "artifact"}, {"kind", "saliency"}, {"path", "/x/saliency.safetensors"}},
                         {{"event", "log"}, {"message", "ignored"}}},
                        321);
    EXPECT_EQ(store.job(a).event_offset, 321u);
    EXPECT_EQ(store.job(a).progress, 0.75);
    ASSERT_EQ(store.metrics(a).size(), 1u);
    EXPECT_EQ(store.metrics(a)[0], (MetricRecord{a, "loop_rate", 8, 0.25, 0.1, 0.5}));
    EXPECT_EQ(store.artifacts(a), (std::vector<ArtifactRecord>{{a, "saliency", "/x/saliency.safetensors"}}));

    store.skip(b, JobState::Cancelled, "not run: 01-saliency failed");
    store.skip(c, JobState::Cancelled, "not run: 01-saliency failed");
    EXPECT_EQ(store.job(b).state, JobState::Cancelled);
    EXPECT_TRUE(std::filesystem::exists(store.job(b).run_dir / "skipped.json"));
}

TEST(ExperimentStore, MigratesAVersion1File) {
    TempDir dir;
    const auto file = dir / "old.sqlite";
    // A store as a version 1 build wrote it.
    sql(file, R"sql(
PRAGMA application_id = 1299137859;
CREATE TABLE projects(id INTEGER PRIMARY KEY, name TEXT NOT NULL, dir TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL DEFAULT '{}', created_unix_ms INTEGER NOT NULL);
CREATE TABLE experiments(id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name TEXT NOT NULL, model_dir TEXT NOT NULL, calibration_files TEXT NOT NULL DEFAULT '[]',
  plan TEXT NOT NULL DEFAULT '{}', evaluation TEXT NOT NULL DEFAULT '{}', created_unix_ms INTEGER NOT NULL,
  UNIQUE(project_id, name));
CREATE TABLE jobs(id INTEGER PRIMARY KEY, experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  step TEXT NOT NULL, argv TEXT NOT NULL, env TEXT NOT NULL DEFAULT '[]', run_dir TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK(state IN ('queued','running','succeeded','failed','cancelled','lost')),
  depends_on INTEGER REFERENCES jobs(id) ON DELETE SET NULL, event_offset INTEGER NOT NULL DEFAULT 0,
  pid INTEGER NOT NULL DEFAULT 0, created_unix_ms INTEGER NOT NULL, launched_unix_ms INTEGER,
  started_unix_ms INTEGER, ended_unix_ms INTEGER, exit_code INTEGER, signal INTEGER, message TEXT NOT NULL DEFAULT '');
CREATE INDEX jobs_experiment ON jobs(experiment_id);
CREATE TABLE metrics(id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  name TEXT NOT NULL, step INTEGER, value REAL NOT NULL);
INSERT INTO projects VALUES(1, 'old', '/p', '{}', 5);
INSERT INTO experiments VALUES(1, 1, 'e1', '/m', '["/c.jsonl"]', '{"k":1}', '{}', 6);
INSERT INTO jobs(id, experiment_id, step, argv, run_dir, state, event_offset, created_unix_ms, exit_code)
  VALUES(1, 1, 'plan', '["moecut","plan"]', '/p/experiments/e1/runs/01-plan', 'succeeded', 77, 7, 0);
INSERT INTO metrics(job_id, name, step, value) VALUES(1, 'kept', NULL, 0.5);
PRAGMA user_version = 1;
)sql");
    {
        ExperimentStore store(file);
        EXPECT_EQ(store.schema_version(), 2);
        const auto j = store.job(1);
        EXPECT_EQ(j.state, JobState::Succeeded);
        EXPECT_EQ(j.event_offset, 77u);
        EXPECT_EQ(j.argv, (std::vector<std::string>{"moecut", "plan"}));
        EXPECT_FALSE(j.progress.has_value());
        EXPECT_EQ(store.metrics(1), (std::vector<MetricRecord>{{1, "kept", std::nullopt, 0.5, std::nullopt, std::nullopt}}));
        EXPECT_EQ(store.experiment(1).calibration_files, std::vector<std::filesystem::path>{"/c.jsonl"});
        store.record_events(1, {{{"event", "artifact"}, {"kind", "plan"}, {"path", "/p/plan.json"}},
                                {{"event", "metric"}, {"name", "r"}, {"value", 1.0}, {"lo", 0.5}, {"hi", 2.0}}}, 90);
        EXPECT_EQ(store.artifacts(1).size(), 1u);
        EXPECT_EQ(store.metrics(1).back().hi, 2.0);
    }
    ExperimentStore again(file); // opening a current file changes nothing
    EXPECT_EQ(again.schema_version(), 2);
    EXPECT_EQ(again.metrics(1).size(), 2u);
}

TEST(ExperimentStore, RefusesFilesItCannotRead) {
    TempDir dir;
    write_text(dir / "notes.txt", "these are not the tables you are looking for\n");
    try {
        ExperimentStore store(dir / "notes.txt");
        FAIL() << "opened a text file";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not an experiment store"), std::string::npos) << e.what();
    }
    sql(dir / "other.sqlite", "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
    try {
        ExperimentStore store(dir / "other.sqlite");
        FAIL() << "opened another application's database";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("not a moecut experiment store"), std::string::npos) << e.what();
    }
    { ExperimentStore fresh(dir / "new.sqlite"); }
    sql(dir / "new.sqlite", "PRAGMA user_version = 99;");
    try {
        ExperimentStore store(dir / "new.sqlite");
        FAIL() << "opened a newer store";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("newer moecut"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("99"), std::string::npos) << e.what();
    }
}

TEST(ExperimentStore, RebuiltFromRunFoldersEqualsTheOriginal) {
    TempDir dir;
    const auto file = dir / "project.sqlite";
    const auto proj = dir / "proj";
    LocalJobRunner runner(300ms, MOECUT_BIN);
    nlohmann::json before;
    {
        ExperimentStore store(file);
        const auto p = store.add_project(proj, "rebuild me", {{"k", "v"}});
        const auto e1 = store.add_experiment(p, experiment("first"));
        const auto e2 = store.add_experiment(p, experiment("second"));
        const auto ok = store.add_job(e1, {"saliency", {"/bin/sh", "-c", R"(
            printf '{"event":"progress","step":"saliency","done":1,"total":2}\n' >> "$MOECUT_EVENTS"
            printf '{"event":"metric","name":"loss","value":1.5,"step":1,"lo":1.0,"hi":2.0}\n' >> "$MOECUT_EVENTS"
            printf '{"event":"metric","name":"loss","value":1.25,"step":2}\n' >> "$MOECUT_EVENTS"
            printf '{"event":"artifact","kind":"saliency","path":"/abs/saliency.safetensors"}\n' >> "$MOECUT_EVENTS"
            printf '{"event":"progress","step":"saliency","done":2,"total":2}\n' >> "$MOECUT_EVENTS")"}, {"A=1"}, {}});
        ASSERT_EQ(drive(store, runner, ok), JobState::Succeeded);
        const auto bad = store.add_job(e1, {"prune", {"/bin/sh", "-c", "echo broken >&2; exit 3"}, {}, ok});
        ASSERT_EQ(drive(store, runner, bad), JobState::Failed);
        const auto skipped = store.add_job(e1, {"eval", {"moecut", "eval"}, {}, bad});
        store.skip(skipped, JobState::Cancelled, "not run: step 02-prune failed");
        const auto cancelled = store.add_job(e2, {"sweep", {"/bin/sh", "-c", "echo ready; sleep 5"}, {}, {}});
        ASSERT_EQ(drive(store, runner, cancelled, [&](const auto& run) { runner.cancel(run); }), JobState::Cancelled);
        store.add_job(e2, {"report", {"moecut", "eval-report"}, {}, cancelled}); // still queued
        before = snapshot(store);
    }
    ASSERT_EQ(before[0]["experiments"][0]["jobs"].size(), 3u);
    EXPECT_EQ(before[0]["experiments"][0]["jobs"][0]["metrics"].size(), 2u);
    EXPECT_EQ(before[0]["experiments"][0]["jobs"][0]["progress"], 1.0);
    EXPECT_EQ(before[0]["experiments"][0]["jobs"][1]["exit"], 3);

    remove_store(file);
    {
        ExperimentStore rebuilt(file);
        rebuilt.rebuild_project(proj);
        EXPECT_EQ(snapshot(rebuilt), before) << snapshot(rebuilt).dump(1) << "\n---\n" << before.dump(1);
        rebuilt.rebuild_project(proj); // again over itself: replaces, no duplicates
        EXPECT_EQ(snapshot(rebuilt), before);
    }
    EXPECT_THROW(ExperimentStore(dir / "other.sqlite").rebuild_project(dir / "nothing"), InputError);
}
