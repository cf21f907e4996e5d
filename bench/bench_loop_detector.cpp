// Loop detector cost per token: moecut::LoopDetector, default config, one
// detector per generation (construction included), single thread.
//
//   bench_loop_detector [--repeat N] [--length TOKENS]
//
// Streams: uniform random ids (150k vocabulary); natural-language-like ids
// (Zipf s = 1.1 over 32k, so common tokens and short n-grams recur); one
// long 1M-token generation of the latter; and looping generations (500
// natural tokens, then a period-37 cycle, a 700-token paragraph loop, or a
// near-duplicate loop with a counter) pushed until the detector fires, as an
// online caller would. Prints ns per token, the best of N passes, in wall
// time and in this thread's CPU time (the build machine is shared: CPU time
// leaves out the time the thread waited for a core).
#include "moecut/loop_detector.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Tokens = std::vector<std::int64_t>;

Tokens uniform(std::mt19937_64& rng, std::size_t n) {
    Tokens t(n);
    for (auto& x : t) x = static_cast<std::int64_t>(rng() % 150000);
    return t;
}

Tokens zipf(std::mt19937_64& rng, std::size_t n) {
    static const std::vector<double> cdf = [] {
        std::vector<double> c(32000);
        double s = 0;
        for (std::size_t i = 0; i < c.size(); ++i) c[i] = s += 1.0 / std::pow(static_cast<double>(i + 1), 1.1);
        for (auto& v : c) v /= s;
        return c;
    }();
    std::uniform_real_distribution<double> u(0, 1);
    Tokens t(n);
    for (auto& x : t) x = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    return t;
}

Tokens looping(std::mt19937_64& rng, int kind, std::size_t n) {
    Tokens t = zipf(rng, 500);
    const Tokens block = zipf(rng, kind == 0 ? 37 : kind == 1 ? 700 : 24);
    for (std::int64_t i = 0; t.size() < n; ++i) {
        if (kind == 2) t.push_back(40000 + i);  // the counter
        t.insert(t.end(), block.begin(), block.end());
    }
    return t;
}

double cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct Result {
    double ns_per_token;
    double cpu_ns_per_token;
    std::size_t tokens;
    std::size_t detections;
};

// Pushes every generation into a fresh detector until it fires.
Result measure(const std::vector<Tokens>& gens, int repeat) {
    double best = 1e300, best_cpu = 1e300;
    std::size_t pushed = 0, hits = 0;
    for (int r = 0; r < repeat; ++r) {
        pushed = hits = 0;
        const auto t0 = Clock::now();
        const double c0 = cpu_ns();
        for (const auto& g : gens) {
            moecut::LoopDetector d;
            for (const auto x : g) {
                ++pushed;
                if (d.push(x)) {
                    ++hits;
                    break;
                }
            }
        }
        best = std::min(best, std::chrono::duration<double, std::nano>(Clock::now() - t0).count());
        best_cpu = std::min(best_cpu, cpu_ns() - c0);
    }
    return {best / static_cast<double>(pushed), best_cpu / static_cast<double>(pushed), pushed, hits};
}

} // namespace

int main(int argc, char** argv) {
    int repeat = 5;
    std::size_t length = 8192;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--repeat") repeat = std::atoi(argv[i + 1]);
        else if (a == "--length") length = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    }
    std::mt19937_64 rng(42);
    const auto make = [&](std::size_t count, const std::function<Tokens()>& f) {
        std::vector<Tokens> g;
        for (std::size_t i = 0; i < count; ++i) g.push_back(f());
        return g;
    };
    const std::size_t count = (1u << 20) / length;
    struct Case {
        const char* name;
        std::vector<Tokens> gens;
    };
    const std::vector<Case> cases = {
        {"random (uniform 150k)", make(count, [&] { return uniform(rng, length); })},
        {"natural-like (Zipf 1.1, 32k)", make(count, [&] { return zipf(rng, length); })},
        {"natural-like, one 1M generation", make(1, [&] { return zipf(rng, 1u << 20); })},
        {"looping: period 37", make(256, [&] { return looping(rng, 0, 4096); })},
        {"looping: 700-token paragraph", make(64, [&] { return looping(rng, 1, 4096); })},
        {"looping: near-duplicate counter", make(64, [&] { return looping(rng, 2, 4096); })},
    };
    fmt::print("{:<34} {:>10} {:>11} {:>14} {:>13}\n", "stream", "tokens", "detections", "wall ns/token",
               "cpu ns/token");
    for (const auto& c : cases) {
        const Result r = measure(c.gens, repeat);
        fmt::print("{:<34} {:>10} {:>11} {:>14.1f} {:>13.1f}\n", c.name, r.tokens, r.detections, r.ns_per_token,
                   r.cpu_ns_per_token);
    }
    return 0;
}
