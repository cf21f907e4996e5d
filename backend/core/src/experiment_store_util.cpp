#include "experiment_store_util.h"

#include "experiment_store_sql.h"
#include "moecut/error.h"

#include <chrono>
#include <fstream>

namespace moecut::store_util {

using store_sql::Statement;

std::int64_t unix_ms_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

nlohmann::json parse_json_text(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw InputError("experiment store: a stored JSON cell does not parse: " + text.substr(0, 80));
    return j;
}

void check_name(const std::string& name, const char* what) {
    bool ok = !name.empty() && name.size() <= 100 && name.front() != '.';
    for (char c : name)
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-');
    if (!ok)
        throw InputError(std::string(what) + " '" + name +
                         "' is not a folder name (letters, digits, '.', '_', '-'; not starting with '.')");
}

nlohmann::json paths_json(const std::vector<std::filesystem::path>& paths) {
    auto j = nlohmann::json::array();
    for (const auto& p : paths) j.push_back(p.string());
    return j;
}

nlohmann::json strings_json(const std::vector<std::string>& v) {
    auto j = nlohmann::json::array();
    for (const auto& s : v) j.push_back(s);
    return j;
}

std::vector<std::string> json_strings(const nlohmann::json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& s : j)
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

nlohmann::json experiment_json(const Experiment& e) {
    return {{"version", 1},
            {"name", e.name},
            {"model_dir", e.model_dir.string()},
            {"calibration_files", paths_json(e.calibration_files)},
            {"plan", e.plan},
            {"evaluation", e.evaluation},
            {"created_unix_ms", e.created_unix_ms}};
}

Experiment experiment_from_json(const nlohmann::json& j, const std::string& file) {
    Experiment e;
    try {
        e.name = j.at("name").get<std::string>();
        e.model_dir = j.value("model_dir", std::string());
        for (const auto& f : json_strings(j.value("calibration_files", nlohmann::json::array())))
            e.calibration_files.emplace_back(f);
        e.plan = j.value("plan", nlohmann::json::object());
        e.evaluation = j.value("evaluation", nlohmann::json::object());
        e.created_unix_ms = j.value("created_unix_ms", std::int64_t{0});
    } catch (const nlohmann::json::exception& ex) {
        throw_input(file, std::string("not an experiment description: ") + ex.what());
    }
    return e;
}

std::int64_t insert_project(sqlite3* db, const std::string& file, const Project& p) {
    Statement st(db, "INSERT INTO projects(name, dir, settings, created_unix_ms) VALUES(?,?,?,?)", file);
    st.bind(1, p.name).bind(2, p.dir.string()).bind(3, p.settings.dump()).bind(4, p.created_unix_ms);
    st.run();
    return sqlite3_last_insert_rowid(db);
}

std::int64_t insert_experiment(sqlite3* db, const std::string& file, const Experiment& e) {
    Statement st(db,
                 "INSERT INTO experiments(project_id, name, model_dir, calibration_files, plan, evaluation, "
                 "created_unix_ms) VALUES(?,?,?,?,?,?,?)",
                 file);
    st.bind(1, e.project_id)
        .bind(2, e.name)
        .bind(3, e.model_dir.string())
        .bind(4, paths_json(e.calibration_files).dump())
        .bind(5, e.plan.dump())
        .bind(6, e.evaluation.dump())
        .bind(7, e.created_unix_ms);
    st.run();
    return sqlite3_last_insert_rowid(db);
}

std::int64_t insert_job(sqlite3* db, const std::string& file, const JobRecord& j) {
    Statement st(db,
                 "INSERT INTO jobs(experiment_id, step, argv, env, run_dir, state, depends_on, event_offset, pid, "
                 "created_unix_ms, launched_unix_ms, started_unix_ms, ended_unix_ms, exit_code, signal, message, "
                 "progress) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 file);
    st.bind(1, j.experiment_id)
        .bind(2, j.step)
        .bind(3, strings_json(j.argv).dump())
        .bind(4, strings_json(j.env).dump())
        .bind(5, j.run_dir.string())
        .bind(6, std::string(to_string(j.state)))
        .bind(7, j.depends_on)
        .bind(8, static_cast<std::int64_t>(j.event_offset))
        .bind(9, static_cast<std::int64_t>(j.pid))
        .bind(10, j.created_unix_ms)
        .bind(11, j.launched_unix_ms)
        .bind(12, j.started_unix_ms)
        .bind(13, j.ended_unix_ms)
        .bind(14, j.exit_code)
        .bind(15, j.signal)
        .bind(16, j.message)
        .bind(17, j.progress);
    st.run();
    return sqlite3_last_insert_rowid(db);
}

std::optional<nlohmann::json> read_json_file(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) return std::nullopt;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

} // namespace moecut::store_util
