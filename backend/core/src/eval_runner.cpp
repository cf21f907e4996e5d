#include "moecut/eval_runner.h"

#include "moecut/atomic_file.h"
#include "moecut/error.h"
#include "moecut/eval_report.h"
#include "moecut/eval_store.h"
#include "moecut/job_events.h"
#include "moecut/sha256.h"

#include <fmt/core.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace moecut {
namespace {

using nlohmann::ordered_json;

std::string file_sha256(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw_input(file.string(), "cannot open the probe file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return sha256_hex(ss.str());
}

std::vector<SampleRequest> all_requests(const EvalSettings& s) {
    if (s.samples_per_probe == 0) throw InputError("--samples-per-probe: must be at least 1");
    const auto probes = select_probes(load_probes(s.probes_file), s.n, s.seed);
    std::vector<SampleRequest> out;
    out.reserve(probes.size() * s.samples_per_probe);
    for (const auto& p : probes)
        for (std::uint32_t k = 0; k < s.samples_per_probe; ++k) out.push_back({p, k, sample_seed(s.seed, p.id, k)});
    return out;
}

ordered_json settings_json(const EvalSettings& s) {
    ordered_json j;
    j["probes"] = s.probes_file.string();
    j["n"] = s.n;
    j["samples_per_probe"] = s.samples_per_probe;
    j["seed"] = s.seed;
    nlohmann::json sampler = s.sampler, detector = s.detector;
    j["sampler"] = ordered_json::parse(sampler.dump());
    j["cap"] = s.cap;
    j["detector"] = ordered_json::parse(detector.dump());
    j["stop_at_loop"] = s.stop_at_loop;
    if (!s.baseline.empty()) j["baseline"] = s.baseline.string();
    return j;
}

void write_outputs(const std::filesystem::path& rundir, const EvalSettings& s, const EvalRun& run) {
    const std::string name = s.name.empty() ? rundir.filename().string() : s.name;
    ordered_json results;
    results["name"] = name;
    results["settings"] = settings_json(s);
    results["identity"] = run.identity;
    results["metrics"] = metrics_to_json(run.metrics);
    if (run.vs_baseline) results["vs_baseline"] = comparison_to_json(*run.vs_baseline);
    write_file_atomic(rundir / "results.json", results.dump(2) + "\n");

    std::string lines;
    for (const auto& r : run.records) lines += record_to_json(r).dump() + "\n";
    write_file_atomic(rundir / "samples.jsonl", lines);

    std::vector<ReportRow> rows;
    if (run.vs_baseline) rows.push_back({s.baseline.filename().string(), compute_metrics(load_run_records(s.baseline), s.interval), {}, {}});
    rows.push_back({name, run.metrics, run.vs_baseline, {}});
    std::string md = fmt::format("# {}\n\n{}\n## Per source\n\n{}", name, markdown_summary(rows), markdown_sources(run.metrics));
    write_file_atomic(rundir / "report.md", md);
}

// Outcome counts of the samples landed so far, for the live metric events
// (job_events.h): loop, EOS and runaway rate with their intervals, mean length.
class LiveTally {
public:
    LiveTally(const EvalSettings& s, std::string run) : method_(s.interval), run_(std::move(run)) {}

    void add(const SampleRecord& r) {
        ++samples_;
        if (r.outcome == Outcome::error || r.outcome == Outcome::timeout) return;
        ++valid_;
        tokens_ += static_cast<double>(r.n_tokens);
        if (r.outcome == Outcome::loop) ++loops_;
        else if (r.outcome == Outcome::eos) ++eos_;
        else if (r.outcome == Outcome::runaway) ++runaways_;
    }

    void emit() const {
        if (valid_ == 0 || process_event_writer() == nullptr) return;
        const auto step = static_cast<std::uint64_t>(samples_);
        for (const auto& [name, k] : {std::pair<const char*, std::uint64_t>{"loop_rate", loops_},
                                      {"eos_rate", eos_},
                                      {"runaway_rate", runaways_}}) {
            const auto i = stats::proportion_interval(k, valid_, method_);
            emit_metric(name, i.rate, {{"lo", i.lower}, {"hi", i.upper}, {"n", valid_}, {"step", step}, {"run", run_}});
        }
        emit_metric("mean_tokens", tokens_ / static_cast<double>(valid_), {{"n", valid_}, {"step", step}, {"run", run_}});
    }

private:
    stats::IntervalMethod method_;
    std::string run_;
    std::size_t samples_ = 0;
    std::uint64_t valid_ = 0, loops_ = 0, eos_ = 0, runaways_ = 0;
    double tokens_ = 0;
};

} // namespace

ordered_json run_identity(const EvalSettings& s, const SampleBackend& backend) {
    ordered_json id;
    id["backend"] = backend.identity();
    const auto settings = settings_json(s);
    id["sampler"] = settings["sampler"];
    id["cap"] = s.cap;
    id["detector"] = settings["detector"];
    id["stop_at_loop"] = s.stop_at_loop;
    id["seed"] = s.seed;
    id["probes_sha256"] = file_sha256(s.probes_file);
    return id;
}

EvalRun run_evaluation(const EvalSettings& s, SampleBackend& backend, const std::filesystem::path& rundir) {
    s.sampler.validate("--sampler");
    s.detector.validate();
    if (s.cap < 1) throw InputError(fmt::format("--cap: must be at least 1, got {}", s.cap));
    const auto requests = all_requests(s);
    std::filesystem::create_directories(rundir);
    EvalRun run;
    run.identity = run_identity(s, backend);
    EvalStore store(rundir / "samples.sqlite", run.identity);

    const std::size_t chunk = std::max<std::size_t>(1, backend.chunk_size());
    std::size_t stored = 0;
    std::vector<SampleRequest> pending;
    std::vector<std::vector<SampleRequest>> chunks;
    for (std::size_t i = 0; i < requests.size(); i += chunk) {
        std::vector<SampleRequest> part;
        for (std::size_t j = i; j < std::min(requests.size(), i + chunk); ++j) {
            if (store.has(requests[j].probe.id, requests[j].sample_index)) ++stored;
            else part.push_back(requests[j]);
        }
        if (!part.empty()) chunks.push_back(std::move(part));
    }
    // Test hook for the resume tests: MOECUT_TEST_KILL_AFTER_CHUNKS=n SIGKILLs
    // the process once n chunks are stored (a real kill, no cleanup).
    const char* kill_env = std::getenv("MOECUT_TEST_KILL_AFTER_CHUNKS");
    const long kill_after = kill_env ? std::atol(kill_env) : -1;
    long chunks_done = 0;
    const std::string name = s.name.empty() ? rundir.filename().string() : s.name;
    LiveTally live(s, name);
    if (process_event_writer() != nullptr) {
        emit_log("info", fmt::format("eval {}: {} samples, {} stored, {} to generate", name, requests.size(), stored,
                                     requests.size() - stored));
        if (stored > 0) {
            std::set<std::pair<std::string, std::uint32_t>> keys;
            for (const auto& r : requests) keys.insert({r.probe.id, r.sample_index});
            for (const auto& r : store.all())
                if (keys.count({r.probe_id, r.sample_index})) live.add(r);
            live.emit();
        }
    }
    ProgressReporter progress("eval", requests.size(), s.progress);
    progress.set_unit("samples");
    progress.update(stored);
    for (const auto& part : chunks) {
        backend.generate(part, s, [&](std::vector<SampleRecord>&& done) {
            store.put(done);
            run.generated += done.size();
            for (const auto& r : done) live.add(r);
            if (!done.empty()) progress.set_current(done.back().source + "/" + done.back().probe_id);
            live.emit();
            progress.advance(done.size());
        });
        if (++chunks_done == kill_after) std::raise(SIGKILL);
    }
    progress.finish();

    // Only this run's selection: a store grown by an earlier, larger n keeps its extra samples.
    std::set<std::pair<std::string, std::uint32_t>> wanted;
    for (const auto& r : requests) wanted.insert({r.probe.id, r.sample_index});
    for (auto& r : store.all())
        if (wanted.count({r.probe_id, r.sample_index})) run.records.push_back(std::move(r));
    if (run.records.size() != requests.size())
        throw std::runtime_error(fmt::format("eval: {} of {} samples stored; the backend skipped some",
                                             run.records.size(), requests.size()));
    run.metrics = compute_metrics(run.records, s.interval);
    if (!s.baseline.empty()) run.vs_baseline = compare_runs(load_run_records(s.baseline), run.records);
    write_outputs(rundir, s, run);
    emit_artifact("results", rundir / "results.json");
    emit_artifact("samples", rundir / "samples.jsonl");
    emit_artifact("report", rundir / "report.md");
    if (const auto& lr = run.metrics.overall.loop_rate)
        emit_log("info", fmt::format("eval {}: loop rate {:.4f} [{:.4f}, {:.4f}] over {} valid samples", name, lr->rate,
                                     lr->lower, lr->upper, run.metrics.overall.valid));
    return run;
}

std::vector<SampleRecord> load_run_records(const std::filesystem::path& rundir) {
    const auto file = rundir / "samples.sqlite";
    if (!std::filesystem::exists(file)) throw_input(rundir.string(), "not an evaluation run folder (no samples.sqlite)");
    return EvalStore::read(file).second;
}

} // namespace moecut
