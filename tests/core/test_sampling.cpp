// Samplers: process_logits against transformers' logits processors and the
// numpy references of vLLM and llama.cpp (tests/data/samplers/goldens.json,
// made by scripts/make_sampler_goldens.py), incremental state against the pure
// form, windows, semantics differences, RowSampler draws, config checks, seeds.
#include "moecut/error.h"
#include "moecut/sampling.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <set>
#include <vector>

namespace moecut {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct Golden {
    std::string name;
    SamplerConfig config;
    std::vector<std::int64_t> prompt, output;
    std::vector<float> logits, expected;
};

const std::vector<Golden>& goldens() {
    static const std::vector<Golden> cases = [] {
        std::ifstream in(test::test_data_dir() / "samplers" / "goldens.json");
        const auto j = nlohmann::json::parse(in);
        std::vector<Golden> out;
        for (const auto& c : j.at("cases")) {
            Golden g;
            g.name = c.at("name");
            g.config = c.at("config").get<SamplerConfig>();
            g.prompt = c.at("prompt").get<std::vector<std::int64_t>>();
            g.output = c.at("output").get<std::vector<std::int64_t>>();
            g.logits = c.at("logits").get<std::vector<float>>();
            for (const auto& v : c.at("expected")) g.expected.push_back(v.is_null() ? kNegInf : v.get<float>());
            out.push_back(std::move(g));
        }
        return out;
    }();
    return cases;
}

// -inf pattern exact, finite values within 1e-5 relative.
void expect_matches(const std::vector<float>& got, const std::vector<float>& want, const std::string& name) {
    ASSERT_EQ(got.size(), want.size()) << name;
    for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(got[i] == kNegInf, want[i] == kNegInf) << name << " id " << i << ": " << got[i] << " vs " << want[i];
        if (want[i] != kNegInf) {
            EXPECT_NEAR(got[i], want[i], 1e-5 * std::abs(want[i]) + 1e-7) << name << " id " << i;
        }
    }
}

TEST(SamplingGolden, ProcessLogitsMatchesEveryEngine) {
    const auto& cases = goldens();
    std::set<std::string> engines;
    for (const auto& g : cases) {
        g.config.validate(g.name);
        auto x = g.logits;
        process_logits(x, g.prompt, g.output, g.config);
        expect_matches(x, g.expected, g.name);
        engines.insert(sampler_semantics_name(g.config.semantics));
    }
    EXPECT_EQ(engines.size(), 3u);
    EXPECT_GE(cases.size(), 60u);
}

// The state a RowSampler keeps, fed one token at a time, equals the pure form.
TEST(SamplingGolden, IncrementalStateEqualsTheWholeHistory) {
    for (const auto& g : goldens()) {
        PenaltyState state(g.config);
        for (auto t : g.prompt) state.add_prompt(t);
        for (auto t : g.output) state.add_output(t);
        auto x = g.logits;
        apply_processors(x, state, g.config);
        expect_matches(x, g.expected, g.name);
    }
}

TEST(Sampling, RawDefaultLeavesLogitsUnchanged) {
    const SamplerConfig raw;
    raw.validate("test");
    for (const auto& g : goldens()) {
        auto x = g.logits;
        process_logits(x, g.prompt, g.output, raw);
        EXPECT_EQ(x, g.logits) << g.name;
        for (auto s : {SamplerSemantics::hf, SamplerSemantics::llamacpp}) {
            auto c = raw;
            c.semantics = s;
            x = g.logits;
            process_logits(x, g.prompt, g.output, c);
            EXPECT_EQ(x, g.logits) << g.name;
        }
    }
}

TEST(Sampling, LlamaCppWindowIsTheLast64Tokens) {
    SamplerConfig c;
    c.semantics = SamplerSemantics::llamacpp;
    c.repetition_penalty = 2;
    std::vector<float> logits(16, 0.0F);
    logits[7] = 1;
    auto penalised = [&](std::size_t back, const SamplerConfig& cfg) {
        std::vector<std::int64_t> prompt = {7};
        prompt.insert(prompt.end(), back - 1, 3);  // token 7 is `back` positions from the end
        auto x = logits;
        process_logits(x, prompt, {}, cfg);
        return x[7] != 1.0F;
    };
    EXPECT_TRUE(penalised(64, c));
    EXPECT_FALSE(penalised(65, c));
    auto whole = c;
    whole.penalty_last_n = -1;
    EXPECT_TRUE(penalised(65, whole));
    auto off = c;
    off.penalty_last_n = 0;
    EXPECT_FALSE(penalised(1, off));
    auto vllm = c;
    vllm.semantics = SamplerSemantics::vllm;  // prompt ∪ output, no window
    EXPECT_TRUE(penalised(65, vllm));
    // The same through the output and a RowSampler's ring, step by step.
    auto greedy = c;
    greedy.temperature = 0;
    RowSampler row(greedy, 1);
    std::vector<std::int64_t> out = {7};
    for (int i = 0; i < 63; ++i) out.push_back(3);
    logits[7] = 1.5F;  // 1.5 / 2 < 1 (id 3, penalised to 0 × 2 = 0): 7 wins only when penalised
    logits[3] = 0.0F;
    logits[5] = 1.0F;
    EXPECT_EQ(row.next(logits, {}, out), 5);  // 7 is 64 back: penalised to 0.75
    out.push_back(3);
    EXPECT_EQ(row.next(logits, {}, out), 7);  // 65 back: out of the window
}

TEST(Sampling, MinPSeesTemperedLogitsInVllmButNotInLlamaCpp) {
    const std::vector<float> logits = {0.0F, -1.0F, -2.0F, -3.0F};
    auto finite = [](const std::vector<float>& x) {
        return std::count_if(x.begin(), x.end(), [](float v) { return v != kNegInf; });
    };
    SamplerConfig c;
    c.min_p = 0.2;
    c.temperature = 0.5;
    auto v = logits;
    process_logits(v, {}, {}, c);  // tempered: exp(-2) = 0.135 < 0.2: only id 0 left
    c.semantics = SamplerSemantics::llamacpp;
    auto l = logits;
    process_logits(l, {}, {}, c);  // untempered: exp(-1) = 0.37 >= 0.2: ids 0 and 1
    EXPECT_EQ(finite(v), 1);
    EXPECT_EQ(finite(l), 2);
    EXPECT_FLOAT_EQ(l[1], -2.0F);  // temperature applied last
}

TEST(Sampling, TopPBeforeOrAfterMinPDiffersBetweenHfAndVllm) {
    // probs ∝ 1, 0.6 and eight tokens of 0.05 (total 2.0). min-p 0.1 drops the
    // eight; top-p 0.6 keeps id 1 when its preceding mass is < 0.6: HF (top-p
    // first) 1/2.0 = 0.5, kept; vLLM (min-p first) 1/1.6 = 0.625, dropped.
    std::vector<float> logits = {0.0F, std::log(0.6F)};
    logits.insert(logits.end(), 8, std::log(0.05F));
    SamplerConfig c;
    c.min_p = 0.1;
    c.top_p = 0.6;
    auto v = logits, h = logits;
    process_logits(v, {}, {}, c);
    c.semantics = SamplerSemantics::hf;
    process_logits(h, {}, {}, c);
    EXPECT_EQ(v[1], kNegInf);
    EXPECT_NE(h[1], kNegInf);
    for (std::size_t i = 2; i < logits.size(); ++i) {
        EXPECT_EQ(v[i], kNegInf);
        EXPECT_EQ(h[i], kNegInf);
    }
}

TEST(RowSampler, SameSeedSameTokensDifferentSeedDifferent) {
    std::vector<float> logits(50);
    for (std::size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(std::sin(0.7 * i));
    SamplerConfig c;
    c.repetition_penalty = 1.3;
    c.frequency_penalty = 0.2;
    auto run = [&](std::uint64_t seed) {
        RowSampler row(c, seed);
        std::vector<std::int64_t> prompt = {1, 2, 3}, out;
        for (int i = 0; i < 200; ++i) out.push_back(row.next(logits, prompt, out));
        return out;
    };
    EXPECT_EQ(run(7), run(7));
    EXPECT_NE(run(7), run(8));
}

TEST(RowSampler, EmpiricalFrequenciesFollowTheSoftmax) {
    const std::array<double, 4> p = {0.1, 0.2, 0.3, 0.4};
    std::vector<float> logits;
    for (double q : p) logits.push_back(static_cast<float>(std::log(q) + 3.0));
    for (auto s : {SamplerSemantics::vllm, SamplerSemantics::hf, SamplerSemantics::llamacpp}) {
        SamplerConfig c;
        c.semantics = s;
        RowSampler row(c, 12345);
        constexpr int kN = 20000;
        std::array<int, 4> n{};
        for (int i = 0; i < kN; ++i) ++n[static_cast<std::size_t>(row.next(logits, {}, {}))];
        double chi2 = 0;
        for (std::size_t i = 0; i < 4; ++i) chi2 += std::pow(n[i] - kN * p[i], 2) / (kN * p[i]);
        // 3 degrees of freedom: P(chi2 > 16.27) = 0.001. Uniform draws would give ~2000.
        EXPECT_LT(chi2, 16.27) << sampler_semantics_name(s) << " counts " << n[0] << " " << n[1] << " " << n[2]
                               << " " << n[3];
    }
}

TEST(RowSampler, GreedyTakesTheLowestIdAmongEqualMaxima) {
    SamplerConfig c;
    c.temperature = 0;
    RowSampler row(c, 0);
    EXPECT_EQ(row.next(std::vector<float>{0.5F, 2.0F, 2.0F, 1.0F}, {}, {}), 1);
    c.semantics = SamplerSemantics::llamacpp;
    c.temperature = 1e-6;  // > 0: llama.cpp samples
    EXPECT_FALSE(c.greedy());
}

TEST(RowSampler, RejectsHistoriesThatAreNotExtended) {
    RowSampler row(SamplerConfig{}, 0);
    const std::vector<float> logits = {0.0F, 1.0F};
    const std::vector<std::int64_t> prompt = {1, 0}, out = {1, 1};
    row.next(logits, prompt, out);
    EXPECT_THROW(row.next(logits, std::span(prompt).first(1), out), InputError);
    EXPECT_THROW(row.next(logits, prompt, std::span(out).first(1)), InputError);
}

TEST(SamplerConfig, ValidateNamesTheFlag) {
    SamplerConfig c;
    c.top_p = 1.5;
    try {
        c.validate("generate");
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("--top-p"), std::string::npos) << m;
        EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
    auto bad = [](auto edit) {
        SamplerConfig x;
        edit(x);
        EXPECT_THROW(x.validate("t"), InputError);
    };
    bad([](SamplerConfig& x) { x.temperature = -1; });
    bad([](SamplerConfig& x) { x.temperature = NAN; });
    bad([](SamplerConfig& x) { x.top_k = -1; });
    bad([](SamplerConfig& x) { x.top_p = 0; });
    bad([](SamplerConfig& x) { x.min_p = 1.1; });
    bad([](SamplerConfig& x) { x.repetition_penalty = 0; });
    bad([](SamplerConfig& x) { x.presence_penalty = 2.5; });
    bad([](SamplerConfig& x) { x.frequency_penalty = -3; });
    bad([](SamplerConfig& x) { x.penalty_last_n = -2; });
    bad([](SamplerConfig& x) { x.semantics = SamplerSemantics::hf, x.presence_penalty = 0.5; });
    EXPECT_THROW(parse_sampler_semantics("sglang", "--sampler-semantics"), InputError);
    EXPECT_EQ(parse_sampler_semantics("llamacpp", "x"), SamplerSemantics::llamacpp);
}

TEST(SamplerConfig, JsonRoundTripAndStrictKeys) {
    SamplerConfig c;
    c.temperature = 0.7;
    c.top_k = 20;
    c.min_p = 0.05;
    c.penalty_last_n = -1;
    c.semantics = SamplerSemantics::hf;
    const nlohmann::json j = c;
    EXPECT_EQ(j.at("semantics"), "hf");
    EXPECT_EQ(j.get<SamplerConfig>(), c);
    EXPECT_EQ(nlohmann::json::parse(R"({"min_p": 0.1})").get<SamplerConfig>().min_p, 0.1);
    EXPECT_THROW(nlohmann::json::parse(R"({"minp": 0.1})").get<SamplerConfig>(), InputError);
    EXPECT_THROW(nlohmann::json::parse(R"({"top_k": 1.5})").get<SamplerConfig>(), InputError);
    EXPECT_THROW(nlohmann::json::parse(R"({"semantics": "tgi"})").get<SamplerConfig>(), InputError);
}

TEST(SampleSeed, StableAndDistinct) {
    // Values from an independent Python transcription of the recipe.
    EXPECT_EQ(sample_seed(0, "", 0), 12014417281350144652ULL);
    EXPECT_EQ(sample_seed(42, "gsm8k/17", 3), 17179393981670999037ULL);
    std::set<std::uint64_t> seen;
    for (std::uint64_t run : {0, 1})
        for (const char* probe : {"a", "b", "ab"})
            for (std::uint32_t i = 0; i < 4; ++i) seen.insert(sample_seed(run, probe, i));
    EXPECT_EQ(seen.size(), 24u);
}

} // namespace
} // namespace moecut
