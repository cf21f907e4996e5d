// moecut stats: exact statistics for rare-event rates (loop rates, natural-EOS
// rates) from the command line.
//   moecut stats ci --successes K --n N [--method exact|wilson] [--json]
//   moecut stats compare --a K1/N1 --b K2/N2 [--test z|fisher] [--json]
//   moecut stats power --p1 P1 --p2 P2 [--power 0.8] [--alpha 0.05] [--n N] [--json]
// Numbers are parsed here rather than by CLI11 so that every bad value is one
// "FLAG: problem" line and exit code 2.
#include "commands.h"

#include "moecut/error.h"
#include "moecut/stats/interval.h"
#include "moecut/stats/power.h"
#include "moecut/stats/two_proportion.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

using nlohmann::ordered_json;
namespace st = moecut::stats;

std::uint64_t parse_count(std::string_view flag, std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw_input(flag, fmt::format("expected a whole number >= 0, got '{}'", text));
    return value;
}

double parse_real(std::string_view flag, const std::string& text) {
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value))
        throw_input(flag, fmt::format("expected a number, got '{}'", text));
    return value;
}

double parse_probability(std::string_view flag, const std::string& text, bool open) {
    const double p = parse_real(flag, text);
    const bool ok = open ? (p > 0 && p < 1) : (p >= 0 && p <= 1);
    if (!ok)
        throw_input(flag, fmt::format("must be {}, got {}", open ? "strictly between 0 and 1" : "in [0, 1]", text));
    return p;
}

void check_arm(std::string_view flag, std::uint64_t k, std::uint64_t n) {
    if (n == 0) throw_input(flag, "the number of trials must be at least 1");
    if (k > n) throw_input(flag, fmt::format("{} successes is more than {} trials", k, n));
}

struct Arm {
    std::uint64_t k = 0;
    std::uint64_t n = 0;
};

Arm parse_arm(std::string_view flag, const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
        throw_input(flag, fmt::format("expected K/N (successes/trials), got '{}'", text));
    Arm a;
    a.k = parse_count(flag, std::string_view(text).substr(0, slash));
    a.n = parse_count(flag, std::string_view(text).substr(slash + 1));
    check_arm(flag, a.k, a.n);
    return a;
}

std::string percent(double x) { return fmt::format("{:.3f}%", 100.0 * x); }

// ---- ci ------------------------------------------------------------------

struct CiArgs {
    std::string successes, n, method = "exact", confidence = "0.95";
    bool json = false;
};

void run_ci(const CiArgs& a) {
    const std::uint64_t k = parse_count("--successes", a.successes);
    const std::uint64_t n = parse_count("--n", a.n);
    if (n == 0) throw_input("--n", "the number of trials must be at least 1");
    if (k > n) throw_input("--successes", fmt::format("{} is more than --n {}", k, n));
    const auto method = st::parse_interval_method(a.method);
    if (!method) throw_input("--method", fmt::format("expected exact or wilson, got '{}'", a.method));
    const double confidence = parse_probability("--confidence", a.confidence, true);
    const st::ProportionInterval r = st::proportion_interval(k, n, *method, confidence);
    if (a.json) {
        ordered_json j{{"rate", r.rate},     {"lower", r.lower}, {"upper", r.upper},
                       {"method", st::interval_method_name(*method)}, {"confidence", confidence},
                       {"successes", k},     {"n", n}};
        fmt::print("{}\n", j.dump());
        return;
    }
    fmt::print("{}/{} = {} ({:g}% {} interval: {} to {})\n", k, n, percent(r.rate), 100.0 * confidence,
               st::interval_method_title(*method), percent(r.lower), percent(r.upper));
}

// ---- compare -------------------------------------------------------------

struct CompareArgs {
    std::string a, b, test = "z", confidence = "0.95";
    bool json = false;
};

void run_compare(const CompareArgs& args) {
    if (args.test != "z" && args.test != "fisher")
        throw_input("--test", fmt::format("expected z or fisher, got '{}'", args.test));
    const Arm a = parse_arm("--a", args.a);
    const Arm b = parse_arm("--b", args.b);
    const double confidence = parse_probability("--confidence", args.confidence, true);
    const st::ZTestResult z = st::two_proportion_z_test(a.k, a.n, b.k, b.n);
    const st::DifferenceInterval d = st::newcombe_difference(a.k, a.n, b.k, b.n, confidence);
    ordered_json j{{"rate_a", z.rate_a}, {"rate_b", z.rate_b}, {"diff", z.diff}};
    std::string test_line;
    if (args.test == "fisher") {
        const st::FisherResult f = st::fisher_exact_arms(a.k, a.n, b.k, b.n);
        j["p"] = f.p;
        j["test"] = "fisher";
        j["odds_ratio"] = f.odds_ratio;  // null when infinite or undefined
        test_line = fmt::format("Fisher's exact test (two-sided): p = {:.4g}", f.p);
    } else {
        j["z"] = z.z;
        j["p"] = z.p;
        j["test"] = "z";
        test_line = fmt::format("pooled two-proportion z-test (two-sided): z = {:.4f}, p = {:.4g}", z.z, z.p);
    }
    j["diff_lower"] = d.lower;
    j["diff_upper"] = d.upper;
    j["confidence"] = confidence;
    if (args.json) {
        fmt::print("{}\n", j.dump());
        return;
    }
    fmt::print("a: {}/{} = {}\n", a.k, a.n, percent(z.rate_a));
    fmt::print("b: {}/{} = {}\n", b.k, b.n, percent(z.rate_b));
    fmt::print("b - a: {:+.3f} points ({:g}% Newcombe interval: {:+.3f} to {:+.3f})\n", 100.0 * z.diff,
               100.0 * confidence, 100.0 * d.lower, 100.0 * d.upper);
    fmt::print("{}\n", test_line);
}

// ---- power ---------------------------------------------------------------

struct PowerArgs {
    std::string p1, p2, power = "0.8", alpha = "0.05", n;
    bool json = false;
};

void run_power(const PowerArgs& a) {
    const double p1 = parse_probability("--p1", a.p1, false);
    const double p2 = parse_probability("--p2", a.p2, false);
    if (p1 == p2) throw_input("--p2", "equals --p1; there is no difference to detect");
    st::PowerOptions o;
    o.alpha = parse_probability("--alpha", a.alpha, true);
    const std::string method = "pooled two-proportion z-test, two-sided, normal approximation";
    if (!a.n.empty()) {
        const std::uint64_t n = parse_count("--n", a.n);
        if (n == 0) throw_input("--n", "must be at least 1");
        const double power = st::power_two_proportions(p1, p2, static_cast<double>(n), o);
        if (a.json) {
            ordered_json j{{"power", power}, {"n_per_arm", n}, {"p1", p1}, {"p2", p2}, {"alpha", o.alpha}};
            fmt::print("{}\n", j.dump());
        } else {
            fmt::print("power: {:.4f} with {} per arm (p1 = {:g}, p2 = {:g}, alpha = {:g}; {})\n", power, n, p1, p2,
                       o.alpha, method);
        }
        return;
    }
    const double power = parse_probability("--power", a.power, true);
    const double raw = st::sample_size_two_proportions_raw(p1, p2, power, o);
    const std::uint64_t n = st::sample_size_two_proportions(p1, p2, power, o);
    if (a.json) {
        ordered_json j{{"n_per_arm", n}, {"n_unrounded", raw}, {"p1", p1},
                       {"p2", p2},        {"power", power},      {"alpha", o.alpha}};
        fmt::print("{}\n", j.dump());
        return;
    }
    fmt::print("n per arm: {} (p1 = {:g}, p2 = {:g}, power = {:g}, alpha = {:g}; {})\n", n, p1, p2, power, o.alpha,
               method);
}


void register_stats(CLI::App& root) {
    CLI::App* stats = root.add_subcommand("stats", "Intervals, tests and sample sizes for loop rates");
    stats->require_subcommand(1);

    auto ci = std::make_shared<CiArgs>();
    CLI::App* c = stats->add_subcommand("ci", "Confidence interval for a rate K/N");
    c->add_option("--successes", ci->successes, "Events counted (K)")->required();
    c->add_option("--n", ci->n, "Trials (N)")->required();
    c->add_option("--method", ci->method, "exact (Clopper-Pearson) or wilson")->capture_default_str();
    c->add_option("--confidence", ci->confidence, "Confidence level")->capture_default_str();
    c->add_flag("--json", ci->json, "Print {\"rate\",\"lower\",\"upper\",\"method\",...} as JSON");
    c->callback([ci] { run_ci(*ci); });

    auto cmp = std::make_shared<CompareArgs>();
    CLI::App* m = stats->add_subcommand("compare", "Compare two independent rates (diff = b - a)");
    m->add_option("--a", cmp->a, "Arm a as K/N, e.g. 72/2000")->required();
    m->add_option("--b", cmp->b, "Arm b as K/N, e.g. 144/2000")->required();
    m->add_option("--test", cmp->test, "z (pooled two-proportion z-test) or fisher (Fisher's exact)")
        ->capture_default_str();
    m->add_option("--confidence", cmp->confidence, "Confidence level of the difference's interval")
        ->capture_default_str();
    m->add_flag("--json", cmp->json, "Print {\"rate_a\",\"rate_b\",\"diff\",\"z\",\"p\",...} as JSON");
    m->callback([cmp] { run_compare(*cmp); });

    auto pw = std::make_shared<PowerArgs>();
    CLI::App* p = stats->add_subcommand("power", "Prompts per arm needed to tell rate p1 from p2");
    p->add_option("--p1", pw->p1, "Rate of arm 1, e.g. 0.036")->required();
    p->add_option("--p2", pw->p2, "Rate of arm 2, e.g. 0.072")->required();
    p->add_option("--power", pw->power, "Wanted power")->capture_default_str();
    p->add_option("--alpha", pw->alpha, "Two-sided significance level")->capture_default_str();
    p->add_option("--n", pw->n, "Instead: the power reached with this many prompts per arm");
    p->add_flag("--json", pw->json, "Print {\"n_per_arm\",...} (or {\"power\",...} with --n) as JSON");
    p->callback([pw] { run_power(*pw); });
}

} // namespace

const CommandRegistrar kRegisterStats{90, register_stats};

} // namespace moecut::cli
