// ExperimentStore: opening and migrating the file, projects and experiments.
#include "moecut/experiment_store.h"

#include "experiment_store_schema.h"
#include "experiment_store_sql.h"
#include "experiment_store_util.h"
#include "moecut/atomic_file.h"
#include "moecut/error.h"

#include <fmt/core.h>

namespace moecut {

using store_sql::Statement;
using store_sql::Transaction;
using namespace store_util;

namespace {

int pragma_int(sqlite3* db, const char* sql, const std::string& file) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
        const int code = sqlite3_errcode(db);
        const std::string msg = sqlite3_errmsg(db);
        sqlite3_finalize(st);
        if (code == SQLITE_NOTADB) throw_input(file, "is not an experiment store (not an SQLite database)");
        throw_input(file, "cannot read the experiment store: " + msg);
    }
    const int rc = sqlite3_step(st);
    const int value = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    const int code = sqlite3_errcode(db);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        if (code == SQLITE_NOTADB) throw_input(file, "is not an experiment store (not an SQLite database)");
        throw_input(file, std::string("cannot read the experiment store: ") + sqlite3_errstr(code));
    }
    return value;
}

nlohmann::json project_json(const Project& p) {
    return {{"version", 1}, {"name", p.name}, {"settings", p.settings}, {"created_unix_ms", p.created_unix_ms}};
}

Project read_project(Statement& st) {
    Project p;
    p.id = st.integer(0);
    p.name = st.text(1);
    p.dir = st.text(2);
    p.settings = parse_json_text(st.text(3));
    p.created_unix_ms = st.integer(4);
    return p;
}

constexpr const char* kExperimentColumns =
    "id, project_id, name, model_dir, calibration_files, plan, evaluation, created_unix_ms";

Experiment read_experiment(Statement& st) {
    Experiment e;
    e.id = st.integer(0);
    e.project_id = st.integer(1);
    e.name = st.text(2);
    e.model_dir = st.text(3);
    for (const auto& f : parse_json_text(st.text(4))) e.calibration_files.emplace_back(f.get<std::string>());
    e.plan = parse_json_text(st.text(5));
    e.evaluation = parse_json_text(st.text(6));
    e.created_unix_ms = st.integer(7);
    return e;
}

} // namespace

ExperimentStore::ExperimentStore(const std::filesystem::path& file) : file_(std::filesystem::absolute(file)) {
    if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        const std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
        sqlite3_close(db_);
        throw_input(file_.string(), "cannot open the experiment store: " + msg);
    }
    try {
        sqlite3_busy_timeout(db_, 5000);
        const std::string f = file_.string();
        const int app_id = pragma_int(db_, "PRAGMA application_id", f); // also detects a non-database file
        const int version = pragma_int(db_, "PRAGMA user_version", f);
        const int tables = pragma_int(db_, "SELECT count(*) FROM sqlite_schema", f);
        if (app_id != store_schema::kApplicationId && (version != 0 || tables != 0 || app_id != 0))
            throw_input(f, "is an SQLite database but not a moecut experiment store");
        if (version > kSchemaVersion)
            throw_input(f, fmt::format("was written by a newer moecut (store schema version {}; this build reads up "
                                       "to {}): open it with that version or rebuild the store from the project "
                                       "folder",
                                       version, kSchemaVersion));
        exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
        migrate();
    } catch (...) {
        sqlite3_close(db_);
        throw;
    }
}

ExperimentStore::~ExperimentStore() { sqlite3_close(db_); }

void ExperimentStore::exec(const char* sql) const { store_sql::exec(db_, sql, file_.string()); }

int ExperimentStore::schema_version() const { return pragma_int(db_, "PRAGMA user_version", file_.string()); }

void ExperimentStore::migrate() {
    for (const auto& m : store_schema::migrations()) {
        // Read inside the transaction: another process may have migrated meanwhile.
        Transaction tx(db_, file_.string());
        if (schema_version() >= m.to_version) continue;
        exec(m.sql);
        exec(fmt::format("PRAGMA user_version = {}", m.to_version).c_str());
        tx.commit();
    }
}

std::int64_t ExperimentStore::add_project(const std::filesystem::path& dir_in, const std::string& name,
                                          const nlohmann::json& settings) {
    const auto dir = std::filesystem::absolute(dir_in).lexically_normal();
    {
        Statement st(db_, "SELECT id FROM projects WHERE dir = ?", file_.string());
        st.bind(1, dir.string());
        if (st.step()) throw_input(dir.string(), "the store holds this project already");
    }
    Project p{0, name, dir, settings.is_null() ? nlohmann::json::object() : settings, unix_ms_now()};
    std::filesystem::create_directories(dir);
    write_file_atomic(dir / "project.json", project_json(p).dump(2) + "\n");
    return insert_project(db_, file_.string(), p);
}

std::vector<Project> ExperimentStore::projects() const {
    Statement st(db_, "SELECT id, name, dir, settings, created_unix_ms FROM projects ORDER BY id", file_.string());
    std::vector<Project> out;
    while (st.step()) out.push_back(read_project(st));
    return out;
}

Project ExperimentStore::project(std::int64_t id) const {
    Statement st(db_, "SELECT id, name, dir, settings, created_unix_ms FROM projects WHERE id = ?", file_.string());
    st.bind(1, id);
    if (!st.step()) throw_input(file_.string(), fmt::format("no project {}", id));
    return read_project(st);
}

std::int64_t ExperimentStore::add_experiment(std::int64_t project_id, const Experiment& e_in) {
    check_name(e_in.name, "experiment name");
    Experiment e = e_in;
    e.project_id = project_id;
    e.created_unix_ms = e.created_unix_ms ? e.created_unix_ms : unix_ms_now();
    const auto dir = project(project_id).dir / "experiments" / e.name;
    {
        Statement st(db_, "SELECT id FROM experiments WHERE project_id = ? AND name = ?", file_.string());
        st.bind(1, project_id).bind(2, e.name);
        if (st.step() || std::filesystem::exists(dir / "experiment.json"))
            throw_input(dir.string(), "an experiment of this name exists already");
    }
    std::filesystem::create_directories(dir);
    write_file_atomic(dir / "experiment.json", experiment_json(e).dump(2) + "\n");
    return insert_experiment(db_, file_.string(), e);
}

void ExperimentStore::update_experiment(const Experiment& e_in) {
    const Experiment old = experiment(e_in.id);
    Experiment e = e_in;
    e.project_id = old.project_id;
    e.name = old.name;
    e.created_unix_ms = old.created_unix_ms;
    write_file_atomic(experiment_dir(e.id) / "experiment.json", experiment_json(e).dump(2) + "\n");
    Statement st(db_, "UPDATE experiments SET model_dir = ?, calibration_files = ?, plan = ?, evaluation = ? WHERE id = ?",
                 file_.string());
    st.bind(1, e.model_dir.string())
        .bind(2, paths_json(e.calibration_files).dump())
        .bind(3, e.plan.dump())
        .bind(4, e.evaluation.dump())
        .bind(5, e.id);
    st.run();
}

std::vector<Experiment> ExperimentStore::experiments(std::int64_t project_id) const {
    const std::string sql = fmt::format("SELECT {} FROM experiments WHERE project_id = ? ORDER BY id", kExperimentColumns);
    Statement st(db_, sql.c_str(), file_.string());
    st.bind(1, project_id);
    std::vector<Experiment> out;
    while (st.step()) out.push_back(read_experiment(st));
    return out;
}

Experiment ExperimentStore::experiment(std::int64_t id) const {
    const std::string sql = fmt::format("SELECT {} FROM experiments WHERE id = ?", kExperimentColumns);
    Statement st(db_, sql.c_str(), file_.string());
    st.bind(1, id);
    if (!st.step()) throw_input(file_.string(), fmt::format("no experiment {}", id));
    return read_experiment(st);
}

std::filesystem::path ExperimentStore::experiment_dir(std::int64_t experiment_id) const {
    const auto e = experiment(experiment_id);
    return project(e.project_id).dir / "experiments" / e.name;
}

} // namespace moecut
