// ExperimentStore: jobs, their metrics and artifacts.
#include "moecut/experiment_store.h"

#include "experiment_store_sql.h"
#include "experiment_store_util.h"
#include "moecut/atomic_file.h"
#include "moecut/error.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

namespace moecut {

using store_sql::Statement;
using store_sql::Transaction;
using namespace store_util;

namespace {

constexpr const char* kJobColumns =
    "id, experiment_id, step, argv, env, run_dir, state, depends_on, event_offset, pid, created_unix_ms, "
    "launched_unix_ms, started_unix_ms, ended_unix_ms, exit_code, signal, message, progress";

JobRecord read_job(Statement& st, const std::string& file) {
    JobRecord j;
    j.id = st.integer(0);
    j.experiment_id = st.integer(1);
    j.step = st.text(2);
    j.argv = json_strings(parse_json_text(st.text(3)));
    j.env = json_strings(parse_json_text(st.text(4)));
    j.run_dir = st.text(5);
    const auto state = parse_job_state(st.text(6));
    if (!state) throw_input(file, fmt::format("job {}: unknown state '{}'", j.id, st.text(6)));
    j.state = *state;
    j.depends_on = st.opt_integer(7);
    j.event_offset = static_cast<std::uint64_t>(st.integer(8));
    j.pid = static_cast<long>(st.integer(9));
    j.created_unix_ms = st.integer(10);
    j.launched_unix_ms = st.opt_integer(11);
    j.started_unix_ms = st.opt_integer(12);
    j.ended_unix_ms = st.opt_integer(13);
    if (auto c = st.opt_integer(14)) j.exit_code = static_cast<int>(*c);
    if (auto s = st.opt_integer(15)) j.signal = static_cast<int>(*s);
    j.message = st.text(16);
    j.progress = st.opt_real(17);
    return j;
}

std::vector<JobRecord> query_jobs(sqlite3* db, const std::string& file, const std::string& where,
                                  std::optional<std::int64_t> arg) {
    const std::string sql = fmt::format("SELECT {} FROM jobs {} ORDER BY id", kJobColumns, where);
    Statement st(db, sql.c_str(), file);
    if (arg) st.bind(1, *arg);
    std::vector<JobRecord> out;
    while (st.step()) out.push_back(read_job(st, file));
    return out;
}

// The number of a run folder "NN-step", or 0.
int run_number(const std::string& name) {
    int n = 0;
    std::size_t i = 0;
    for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) && i < 6; ++i) n = n * 10 + (name[i] - '0');
    return i > 0 && i < name.size() && name[i] == '-' ? n : 0;
}

} // namespace

std::int64_t ExperimentStore::add_job(std::int64_t experiment_id, const NewJob& nj) {
    check_name(nj.step, "step name");
    if (nj.argv.empty() || nj.argv[0].empty()) throw InputError("job " + nj.step + ": empty command");
    const auto exp = experiment(experiment_id);
    const auto runs = experiment_dir(experiment_id) / "runs";
    std::string depends_name;
    if (nj.depends_on) {
        const auto dep = job(*nj.depends_on);
        if (dep.experiment_id != experiment_id)
            throw InputError(fmt::format("job {}: depends on job {} of another experiment", nj.step, *nj.depends_on));
        depends_name = dep.run_dir.filename().string();
    }
    JobRecord j;
    j.experiment_id = experiment_id;
    j.step = nj.step;
    j.argv = nj.argv;
    j.env = nj.env;
    if (nj.run_folder.empty()) {
        j.run_dir = runs / fmt::format("{:02d}-{}", next_run_number(experiment_id), nj.step);
    } else {
        check_name(nj.run_folder, "run folder");
        j.run_dir = runs / nj.run_folder;
        if (std::filesystem::exists(j.run_dir / "step.json") || std::filesystem::exists(j.run_dir / "job.json"))
            throw_input(j.run_dir.string(), "holds a step already");
    }
    j.depends_on = nj.depends_on;
    j.created_unix_ms = unix_ms_now();
    std::filesystem::create_directories(j.run_dir);
    const nlohmann::json step = {{"version", 1},
                                 {"experiment", exp.name},
                                 {"step", j.step},
                                 {"argv", j.argv},
                                 {"env", j.env},
                                 {"depends_on", nj.depends_on ? nlohmann::json(depends_name) : nlohmann::json()},
                                 {"created_unix_ms", j.created_unix_ms}};
    write_file_atomic(j.run_dir / "step.json", step.dump(2) + "\n");
    return insert_job(db_, file_.string(), j);
}

int ExperimentStore::next_run_number(std::int64_t experiment_id) const {
    int highest = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(experiment_dir(experiment_id) / "runs", ec), end; !ec && it != end;
         it.increment(ec))
        highest = std::max(highest, run_number(it->path().filename().string()));
    for (const auto& j : jobs(experiment_id)) highest = std::max(highest, run_number(j.run_dir.filename().string()));
    return highest + 1;
}

JobRecord ExperimentStore::job(std::int64_t id) const {
    auto v = query_jobs(db_, file_.string(), "WHERE id = ?", id);
    if (v.empty()) throw_input(file_.string(), fmt::format("no job {}", id));
    return v.front();
}

std::vector<JobRecord> ExperimentStore::jobs(std::optional<std::int64_t> experiment_id) const {
    return experiment_id ? query_jobs(db_, file_.string(), "WHERE experiment_id = ?", experiment_id)
                         : query_jobs(db_, file_.string(), "", std::nullopt);
}

std::vector<JobRecord> ExperimentStore::unfinished_jobs() const {
    return query_jobs(db_, file_.string(), "WHERE state IN ('queued', 'running')", std::nullopt);
}

std::vector<std::int64_t> ExperimentStore::dependents(std::int64_t job_id) const {
    Statement st(db_, "SELECT id FROM jobs WHERE depends_on = ? ORDER BY id", file_.string());
    st.bind(1, job_id);
    std::vector<std::int64_t> out;
    while (st.step()) out.push_back(st.integer(0));
    return out;
}

void ExperimentStore::set_launched(std::int64_t job_id, std::int64_t unix_ms) {
    const auto run = job(job_id).run_dir;
    if (auto step = read_json_file(run / "step.json")) {
        (*step)["launched_unix_ms"] = unix_ms;
        write_file_atomic(run / "step.json", step->dump(2) + "\n");
    }
    Statement st(db_, "UPDATE jobs SET launched_unix_ms = ? WHERE id = ?", file_.string());
    st.bind(1, unix_ms).bind(2, job_id);
    st.run();
}

void ExperimentStore::set_status(std::int64_t job_id, const JobStatus& s) {
    Statement st(db_,
                 "UPDATE jobs SET state = ?, pid = CASE WHEN ? != 0 THEN ? ELSE pid END, exit_code = ?, signal = ?, "
                 "message = ?, started_unix_ms = coalesce(?, started_unix_ms), "
                 "ended_unix_ms = coalesce(?, ended_unix_ms) WHERE id = ?",
                 file_.string());
    st.bind(1, std::string(to_string(s.state)))
        .bind(2, static_cast<std::int64_t>(s.pid))
        .bind(3, static_cast<std::int64_t>(s.pid))
        .bind(4, s.exit_code)
        .bind(5, s.signal)
        .bind(6, s.message)
        .bind(7, s.started_unix_ms)
        .bind(8, s.ended_unix_ms)
        .bind(9, job_id);
    st.run();
}

void ExperimentStore::skip(std::int64_t job_id, JobState state, const std::string& message) {
    const auto j = job(job_id);
    const auto now = unix_ms_now();
    const nlohmann::json skipped = {
        {"version", 1}, {"state", to_string(state)}, {"message", message}, {"ended_unix_ms", now}};
    write_file_atomic(j.run_dir / "skipped.json", skipped.dump(2) + "\n");
    Statement st(db_, "UPDATE jobs SET state = ?, message = ?, ended_unix_ms = ? WHERE id = ?", file_.string());
    st.bind(1, std::string(to_string(state))).bind(2, message).bind(3, now).bind(4, job_id);
    st.run();
}

void store_util::insert_events(sqlite3* db_, const std::string& f, std::int64_t job_id,
                               const std::vector<nlohmann::json>& events, std::uint64_t offset) {
    Statement metric(db_, "INSERT INTO metrics(job_id, name, step, value, lo, hi) VALUES(?,?,?,?,?,?)", f);
    Statement artifact(db_, "INSERT INTO artifacts(job_id, kind, path) VALUES(?,?,?)", f);
    std::optional<double> progress;
    auto number = [](const nlohmann::json& e, const char* key) -> std::optional<double> {
        if (e.contains(key) && e[key].is_number()) return e[key].get<double>();
        return std::nullopt;
    };
    for (const auto& e : events) {
        const std::string kind = e.value("event", std::string());
        if (kind == "metric" && e.contains("name") && e["name"].is_string() && number(e, "value")) {
            std::optional<std::int64_t> step;
            if (e.contains("step") && e["step"].is_number_integer()) step = e["step"].get<std::int64_t>();
            metric.reset();
            metric.bind(1, job_id)
                .bind(2, e["name"].get<std::string>())
                .bind(3, step)
                .bind(4, *number(e, "value"))
                .bind(5, number(e, "lo"))
                .bind(6, number(e, "hi"));
            metric.run();
        } else if (kind == "artifact" && e.contains("path") && e["path"].is_string()) {
            artifact.reset();
            artifact.bind(1, job_id).bind(2, e.value("kind", std::string())).bind(3, e["path"].get<std::string>());
            artifact.run();
        } else if (kind == "progress") {
            const auto done = number(e, "done"), total = number(e, "total");
            if (done && total && *total > 0) progress = std::clamp(*done / *total, 0.0, 1.0);
        }
    }
    Statement st(db_, "UPDATE jobs SET event_offset = ?, progress = coalesce(?, progress) WHERE id = ?", f);
    st.bind(1, static_cast<std::int64_t>(offset)).bind(2, progress).bind(3, job_id);
    st.run();
}

void ExperimentStore::record_events(std::int64_t job_id, const std::vector<nlohmann::json>& events,
                                    std::uint64_t offset) {
    Transaction tx(db_, file_.string());
    insert_events(db_, file_.string(), job_id, events, offset);
    tx.commit();
}

std::vector<MetricRecord> ExperimentStore::metrics(std::int64_t job_id) const {
    Statement st(db_, "SELECT job_id, name, step, value, lo, hi FROM metrics WHERE job_id = ? ORDER BY id",
                 file_.string());
    st.bind(1, job_id);
    std::vector<MetricRecord> out;
    while (st.step()) out.push_back({st.integer(0), st.text(1), st.opt_integer(2), st.real(3), st.opt_real(4), st.opt_real(5)});
    return out;
}

std::vector<ArtifactRecord> ExperimentStore::artifacts(std::int64_t job_id) const {
    Statement st(db_, "SELECT job_id, kind, path FROM artifacts WHERE job_id = ? ORDER BY id", file_.string());
    st.bind(1, job_id);
    std::vector<ArtifactRecord> out;
    while (st.step()) out.push_back({st.integer(0), st.text(1), st.text(2)});
    return out;
}

} // namespace moecut
