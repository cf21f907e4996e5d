// Built-in evaluation backend throughput on the shipped demo model
// (resources/models/tiny-glm5-moe): what `moecut eval --model` spends per
// sample. Not a test: run by hand, figures in bench/README.md.
//
//   bench_eval [--n 48] [--cap 128] [--batches 1,8,16] [--repeats 3] [--threads 1]
//              [--model DIR] [--probes FILE]
//
// The first N probes of the probe file (file order; the file is held out from
// training) go through BuiltinBackend::generate in chunks of the batch size,
// exactly as run_evaluation hands them over: raw sampling (T 1, no
// truncation, no penalty, vllm semantics), the default loop detector with the
// tokenizer's <think> ids, stop_at_loop on, cap 128. No SQLite, no reports:
// generation only. Wall time, best of --repeats (every repeat draws the same
// tokens: seeds depend only on (run seed, probe id, sample index)).
//
// The share of sampling + detection is measured by replaying, after the timed
// runs, exactly the per-token CPU work outside the forward pass:
//   detection  a fresh LoopDetector fed the generated ids (the same work as
//              online, token for token);
//   sampling   a RowSampler with the same config and seed, called with the
//              sample's prompt and output so far on a row of logits of the
//              model's vocabulary (N(0, 4) values instead of the model's:
//              raw sampling's cost does not depend on them);
// both summed over all samples and divided by the wall time of the run. The
// [B, V] logits copy to the CPU and the decode of records are not included.
// row-steps = sum over batches of (rows x the longest sample's tokens): the
// sequence slots the forward passes computed, finished rows included.
#include "moecut/engine/builtin_backend.h"
#include "moecut/eval_probes.h"
#include "moecut/eval_runner.h"
#include "moecut/loop_detector.h"
#include "moecut/sampling.h"

#include <ATen/Parallel.h>
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace moecut;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Args {
    std::size_t n = 48;
    std::int64_t cap = 128;
    std::vector<std::size_t> batches{1, 8, 16};
    int repeats = 3;
    int threads = 1;
    fs::path model = "resources/models/tiny-glm5-moe";
    fs::path probes = "resources/corpus/probes.jsonl";
};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: bench_eval [--n N] [--cap C] [--batches 1,8,16] [--repeats R] [--threads T] "
                         "[--model DIR] [--probes FILE]\n");
    std::exit(2);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) usage();
        const std::string v = argv[++i];
        if (k == "--n") a.n = std::stoul(v);
        else if (k == "--cap") a.cap = std::stoll(v);
        else if (k == "--repeats") a.repeats = std::stoi(v);
        else if (k == "--threads") a.threads = std::stoi(v);
        else if (k == "--model") a.model = v;
        else if (k == "--probes") a.probes = v;
        else if (k == "--batches") {
            a.batches.clear();
            std::stringstream ss(v);
            for (std::string item; std::getline(ss, item, ',');) a.batches.push_back(std::stoul(item));
        } else usage();
    }
    if (a.n == 0 || a.cap < 1 || a.repeats < 1 || a.batches.empty()) usage();
    return a;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

struct Run {
    double wall_s = 0;
    std::vector<SampleRecord> records;
};

Run run_once(engine::BuiltinBackend& backend, const std::vector<SampleRequest>& requests, const EvalSettings& s) {
    Run r;
    const std::size_t chunk = backend.chunk_size();
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < requests.size(); i += chunk) {
        const std::size_t m = std::min(chunk, requests.size() - i);
        backend.generate(std::span(requests).subspan(i, m), s,
                         [&](std::vector<SampleRecord>&& done) {
                             for (auto& rec : done) r.records.push_back(std::move(rec));
                         });
    }
    r.wall_s = seconds_since(t0);
    return r;
}

// CPU seconds of the per-token work outside the forward pass (see the header).
std::pair<double, double> replay_cost(const engine::BuiltinBackend& backend, const std::vector<SampleRequest>& requests,
                                      const std::vector<SampleRecord>& records, const EvalSettings& s,
                                      std::int64_t vocab) {
    std::mt19937 rng(11);
    std::normal_distribution<float> nd(0.0f, 2.0f);
    std::vector<float> logits(static_cast<std::size_t>(vocab));
    for (auto& x : logits) x = nd(rng);
    double detect_s = 0, sample_s = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const auto& rec = records[i];
        auto t0 = Clock::now();
        LoopDetector det(s.detector);
        for (auto t : rec.tokens)
            if (det.push(t) && s.stop_at_loop) break;
        detect_s += seconds_since(t0);

        // The prompt as the backend encoded it: plain-text probes only here.
        const auto& probe = requests[i].probe;
        std::vector<std::int64_t> prompt;
        if (probe.prompt) {
            const auto ids = backend.tokenizer().encode(*probe.prompt, /*add_special_tokens=*/true);
            prompt.assign(ids.begin(), ids.end());
        }
        t0 = Clock::now();
        RowSampler row(s.sampler, rec.seed);
        std::int64_t sink = 0;
        for (std::size_t k = 0; k < rec.tokens.size(); ++k)
            sink += row.next(logits, prompt, std::span(rec.tokens).first(k));
        sample_s += seconds_since(t0);
        if (sink == -1) std::puts("");  // keep the draws
    }
    return {detect_s, sample_s};
}

} // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    at::set_num_threads(a.threads);
    if (!fs::exists(a.model / "config.json")) {
        std::fprintf(stderr, "bench_eval: %s not found (run from the repository root)\n", a.model.c_str());
        return 2;
    }
    auto probes = load_probes(a.probes);
    if (probes.size() > a.n) probes.resize(a.n);

    EvalSettings s;  // raw sampling, default detector, stop_at_loop
    s.cap = a.cap;
    s.stop_at_loop = true;
    std::vector<SampleRequest> requests;
    for (const auto& p : probes) requests.push_back({p, 0, sample_seed(s.seed, p.id, 0)});

    std::int64_t vocab = 0;
    {
        std::ifstream in(a.model / "config.json");
        const auto cfg = nlohmann::json::parse(in);
        vocab = cfg.at("vocab_size").get<std::int64_t>();
    }

    fmt::print("bench_eval: {} probes of {}, model {}, cap {}, raw sampling (vllm), stop_at_loop, "
               "{} torch thread(s), best of {}\n",
               requests.size(), a.probes.string(), a.model.filename().string(), a.cap, at::get_num_threads(), a.repeats);
    fmt::print("load average at start: {}\n\n", load_average());
    fmt::print("| batch | samples/s | gen tokens/s | tokens | row-steps | eos | loop | runaway | sampling % | detection % |\n");
    fmt::print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (const std::size_t batch : a.batches) {
        engine::BuiltinBackend backend(a.model, {}, batch);
        EvalSettings sb = s;
        engine::fill_think_ids(sb.detector, backend.tokenizer());
        run_once(backend, std::vector<SampleRequest>(requests.begin(), requests.begin() + std::min<std::size_t>(batch, requests.size())),
                 sb);  // warm-up
        Run best;
        best.wall_s = 1e300;
        for (int r = 0; r < a.repeats; ++r) {
            Run run = run_once(backend, requests, sb);
            if (run.wall_s < best.wall_s) best = std::move(run);
        }
        std::int64_t tokens = 0, eos = 0, loop = 0, runaway = 0, slots = 0;
        // Row-steps the batches computed: a finished row stays in its batch
        // (fed padding) until the batch's longest sample ends.
        for (std::size_t i = 0; i < best.records.size(); i += batch) {
            const std::size_t m = std::min(batch, best.records.size() - i);
            std::int64_t longest = 0;
            for (std::size_t j = i; j < i + m; ++j) longest = std::max(longest, best.records[j].n_tokens);
            slots += static_cast<std::int64_t>(m) * longest;
        }
        for (const auto& rec : best.records) {
            tokens += rec.n_tokens;
            eos += rec.outcome == Outcome::eos;
            loop += rec.outcome == Outcome::loop;
            runaway += rec.outcome == Outcome::runaway;
        }
        const auto [detect_s, sample_s] = replay_cost(backend, requests, best.records, sb, vocab);
        fmt::print("| {} | {:.2f} | {:.0f} | {} | {} | {} | {} | {} | {:.2f} | {:.3f} |\n", batch,
                   static_cast<double>(best.records.size()) / best.wall_s, static_cast<double>(tokens) / best.wall_s,
                   tokens, slots, eos, loop, runaway, 100 * sample_s / best.wall_s, 100 * detect_s / best.wall_s);
        std::fflush(stdout);
    }
    fmt::print("\nload average at end: {}\n", load_average());
    return 0;
}
