// ExperimentStore::rebuild_project: the rows of a project from its folders alone.
#include "moecut/experiment_store.h"

#include "experiment_store_sql.h"
#include "experiment_store_util.h"
#include "moecut/error.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace moecut {

using store_sql::Statement;
using store_sql::Transaction;
using namespace store_util;

namespace {

std::vector<std::filesystem::path> subfolders(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) out.push_back(it->path());
    return out;
}

// "NN-step" folders in the order they were made.
std::pair<long, std::string> run_key(const std::filesystem::path& p) {
    const auto name = p.filename().string();
    long n = 0;
    std::size_t i = 0;
    for (; i < name.size() && i < 9 && std::isdigit(static_cast<unsigned char>(name[i])); ++i) n = n * 10 + (name[i] - '0');
    return {i > 0 ? n : -1, name};
}

std::optional<std::int64_t> opt_int(const nlohmann::json& j, const char* key) {
    if (j.contains(key) && j[key].is_number_integer()) return j[key].get<std::int64_t>();
    return std::nullopt;
}

// The job of one run folder (without its id, depends_on and events).
std::optional<JobRecord> job_from_folder(const std::filesystem::path& run, std::int64_t experiment_id,
                                         JobRunner& runner) {
    const auto step = read_json_file(run / "step.json");
    if (!step) return std::nullopt; // not a step of the store's
    JobRecord j;
    j.experiment_id = experiment_id;
    j.step = step->value("step", run_key(run).second);
    j.argv = json_strings(step->value("argv", nlohmann::json::array()));
    j.env = json_strings(step->value("env", nlohmann::json::array()));
    j.run_dir = run;
    j.created_unix_ms = step->value("created_unix_ms", std::int64_t{0});
    if (const auto job = read_json_file(run / "job.json")) {
        // The store's launch time, else the runner's, else "some time".
        j.launched_unix_ms = opt_int(*step, "launched_unix_ms");
        if (!j.launched_unix_ms) j.launched_unix_ms = opt_int(*job, "launched_unix_ms");
        if (!j.launched_unix_ms) j.launched_unix_ms = j.created_unix_ms;
        JobStatus s;
        try {
            s = runner.poll(run);
        } catch (const std::exception& e) {
            s.state = JobState::Lost;
            s.message = e.what();
        }
        j.state = s.state;
        j.pid = s.pid;
        j.exit_code = s.exit_code;
        j.signal = s.signal;
        j.message = s.message;
        j.started_unix_ms = s.started_unix_ms;
        j.ended_unix_ms = s.ended_unix_ms;
    } else if (const auto skipped = read_json_file(run / "skipped.json")) {
        j.state = parse_job_state(skipped->value("state", std::string())).value_or(JobState::Cancelled);
        j.message = skipped->value("message", std::string());
        j.ended_unix_ms = opt_int(*skipped, "ended_unix_ms");
    }
    return j;
}

} // namespace

std::int64_t ExperimentStore::rebuild_project(const std::filesystem::path& project_dir) {
    LocalJobRunner runner;
    return rebuild_project(project_dir, runner);
}

std::int64_t ExperimentStore::rebuild_project(const std::filesystem::path& project_dir, JobRunner& runner) {
    const auto dir = std::filesystem::absolute(project_dir).lexically_normal();
    const auto pj = read_json_file(dir / "project.json");
    if (!pj) throw_input(dir.string(), "is not a moecut project folder (no readable project.json)");
    const std::string f = file_.string();
    Transaction tx(db_, f);
    {
        Statement del(db_, "DELETE FROM projects WHERE dir = ?", f);
        del.bind(1, dir.string());
        del.run();
    }
    Project p{0, pj->value("name", dir.filename().string()), dir, pj->value("settings", nlohmann::json::object()),
              pj->value("created_unix_ms", std::int64_t{0})};
    const std::int64_t project_id = insert_project(db_, f, p);

    std::vector<std::pair<Experiment, std::filesystem::path>> exps;
    for (const auto& edir : subfolders(dir / "experiments")) {
        const auto ej = read_json_file(edir / "experiment.json");
        if (!ej) continue;
        auto e = experiment_from_json(*ej, (edir / "experiment.json").string());
        e.name = edir.filename().string(); // the folder is the name
        e.project_id = project_id;
        exps.emplace_back(std::move(e), edir);
    }
    std::sort(exps.begin(), exps.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.created_unix_ms, a.first.name) < std::tie(b.first.created_unix_ms, b.first.name);
    });
    for (auto& [e, edir] : exps) {
        const std::int64_t experiment_id = insert_experiment(db_, f, e);
        auto runs = subfolders(edir / "runs");
        std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return run_key(a) < run_key(b); });
        std::map<std::string, std::int64_t> by_folder;
        for (const auto& run : runs) {
            auto j = job_from_folder(run, experiment_id, runner);
            if (!j) continue;
            const auto step = read_json_file(run / "step.json");
            const auto dep = step->value("depends_on", nlohmann::json());
            if (dep.is_string() && by_folder.count(dep.get<std::string>())) j->depends_on = by_folder[dep.get<std::string>()];
            const std::int64_t id = insert_job(db_, f, *j);
            by_folder[run.filename().string()] = id;
            if (j->launched_unix_ms) {
                auto follower = runner.follow(run, 0);
                const auto batch = follower.read();
                insert_events(db_, f, id, batch.events, batch.offset);
            }
        }
    }
    tx.commit();
    return project_id;
}

} // namespace moecut
