// The saliency pass against an independent computation: Model::forward over
// the same batches with stored routing taps (trunk and MTP), accumulated here
// with plain loops. Also: domains add up to "all", REAP's softmax-all gate,
// the all-experts observer, and resuming an interrupted run bit for bit.
#include "moecut/calibration.h"
#include "moecut/engine/model.h"
#include "moecut/engine/saliency.h"
#include "moecut/saliency_file.h"
#include "moecut/tiny_checkpoint.h"
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <random>

using namespace moecut;
using namespace moecut::engine;

namespace {

std::filesystem::path tiny(const test::TempDir& tmp, Family f) {
    TinyOptions o;
    o.family = f;
    o.seed = 11;
    auto dir = tmp / family_model_type(f);
    make_tiny_checkpoint(o, dir);
    return dir;
}

// Two domains, lengths that force padding and (for DSA, index_topk 8) the sparse indexer path.
CalibrationSet calibration(std::int64_t vocab) {
    CalibrationSet s;
    s.domains = {"code", "prose"};
    std::mt19937 rng(5);
    const std::vector<std::pair<int, int>> seqs = {{0, 12}, {0, 7}, {1, 12}, {1, 3}, {0, 10}};
    for (auto [d, len] : seqs) {
        CalibrationSequence q;
        q.domain = d;
        for (int t = 0; t < len; ++t) q.tokens.push_back(static_cast<std::int32_t>(4 + rng() % (vocab - 4)));
        s.tokens[s.domains[static_cast<std::size_t>(d)]] += static_cast<std::uint64_t>(len);
        s.total_tokens += static_cast<std::uint64_t>(len);
        s.sequences.push_back(q);
    }
    s.hash = "sha256:test";
    return s;
}

struct Ref {
    // [domain][row][expert]
    std::map<int, std::vector<double>> count, gate, reap, norm, max;
};

// Batches of `batch` sequences, right-padded, through Model::forward with taps.
Ref reference(Model& m, const CalibrationSet& data, int batch, bool softmax_all, std::vector<int>& rows_out) {
    const auto& arch = m.arch();
    const std::int64_t E = arch.router.n_experts;
    std::vector<int> rows = arch.moe_layers();
    for (int l : arch.mtp_layers()) rows.push_back(l);
    rows_out = rows;
    Ref r;
    for (int d = 0; d < 2; ++d)
        for (auto* v : {&r.count, &r.gate, &r.reap, &r.norm, &r.max}) (*v)[d].assign(rows.size() * E, 0.0);
    for (std::size_t s = 0; s < data.sequences.size(); s += static_cast<std::size_t>(batch)) {
        const std::size_t n = std::min<std::size_t>(batch, data.sequences.size() - s);
        std::int64_t T = 0;
        for (std::size_t i = 0; i < n; ++i) T = std::max<std::int64_t>(T, data.sequences[s + i].tokens.size());
        auto ids = torch::zeros({static_cast<std::int64_t>(n), T}, torch::kLong);
        auto mask = torch::zeros_like(ids);
        std::vector<int> dom(n * T, -1);
        for (std::size_t i = 0; i < n; ++i) {
            const auto& q = data.sequences[s + i];
            for (std::size_t t = 0; t < q.tokens.size(); ++t) {
                ids[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(t)] = q.tokens[t];
                mask[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(t)] = 1;
                dom[i * T + t] = q.domain;
            }
        }
        // MTP's token after each position: the next input, the greedy guess at a sequence's last token.
        auto trunk = m.forward(ids, {.attention_mask = mask});
        auto next = torch::zeros_like(ids);
        next.narrow(1, 0, T - 1).copy_(ids.narrow(1, 1, T - 1));
        for (std::size_t i = 0; i < n; ++i) {
            const auto last = static_cast<std::int64_t>(data.sequences[s + i].tokens.size()) - 1;
            next[static_cast<std::int64_t>(i)][last] = trunk.logits[static_cast<std::int64_t>(i)][last].argmax();
        }
        RoutingTaps taps;
        ForwardOptions fo;
        fo.attention_mask = mask;
        fo.taps = &taps;
        fo.run_mtp = !arch.mtp_layers().empty();
        fo.mtp_next_ids = next;
        m.forward(ids, fo);
        for (std::size_t row = 0; row < rows.size(); ++row) {
            const MoeLayerTaps* lt = taps.find(rows[row]);
            EXPECT_NE(lt, nullptr);
            auto idx = lt->topk_idx.contiguous();
            auto w = lt->topk_weight.contiguous();
            if (softmax_all) {
                // By hand: softmax over all logits, renormalised over the chosen experts.
                auto p = torch::softmax(lt->router_logits.to(torch::kDouble), -1).gather(1, idx);
                if (arch.router.norm_topk_prob) p = p / p.sum(-1, true);
                w = p.to(torch::kFloat32).contiguous();
            }
            auto f = lt->expert_out_norm.contiguous();
            const std::int64_t K = idx.size(1);
            for (std::int64_t tok = 0; tok < idx.size(0); ++tok) {
                const int d = dom[static_cast<std::size_t>(tok)];
                if (d < 0) continue;
                for (std::int64_t k = 0; k < K; ++k) {
                    const auto e = idx[tok][k].item<std::int64_t>();
                    const double g = w[tok][k].item<float>(), nf = f[tok][k].item<float>();
                    const std::size_t at = row * E + e;
                    r.count[d][at] += 1;
                    r.gate[d][at] += g;
                    r.reap[d][at] += g * nf;
                    r.norm[d][at] += nf;
                    r.max[d][at] = std::max(r.max[d][at], nf);
                }
            }
        }
    }
    return r;
}

void expect_close(double got, double want, double tol, const std::string& what) {
    EXPECT_NEAR(got, want, tol * std::max(1.0, std::abs(want))) << what;
}

void check_against_reference(Family f, GateMode gate) {
    test::TempDir tmp;
    auto dir = tiny(tmp, f);
    Model m = Model::open(dir, {.streaming = true});
    const auto data = calibration(m.arch().vocab_size);
    SaliencyRunOptions o;
    o.batch = 2;
    o.gate = gate;
    o.state_dir = tmp / "state";
    o.progress = ProgressReporter::Mode::Silent;
    const SaliencyTable t = compute_saliency(m, data, o);
    std::vector<int> rows;
    Ref r = reference(m, data, 2, gate == GateMode::SoftmaxAll, rows);
    ASSERT_EQ(t.layers, rows);
    EXPECT_EQ(t.mtp_layers, m.arch().mtp_layers());
    const std::size_t E = static_cast<std::size_t>(t.experts);
    for (int d = 0; d < 2; ++d) {
        const std::string dn = data.domains[static_cast<std::size_t>(d)];
        const double tokens = static_cast<double>(data.tokens.at(dn));
        for (std::size_t i = 0; i < rows.size() * E; ++i) {
            const std::string what = fmt::format("{} row {} expert {}", dn, i / E, i % E);
            EXPECT_EQ(t.at("count", dn, i / E, i % E), r.count[d][i]) << what;
            expect_close(t.at("gate_sum", dn, i / E, i % E), r.gate[d][i], 1e-6, "gate " + what);
            expect_close(t.at("reap", dn, i / E, i % E), r.count[d][i] ? r.reap[d][i] / r.count[d][i] : 0, 1e-6, "reap " + what);
            expect_close(t.at("ean", dn, i / E, i % E), r.norm[d][i] / tokens, 1e-6, "ean " + what);
            expect_close(t.at("frequency", dn, i / E, i % E), r.count[d][i] / tokens, 1e-6, "freq " + what);
            expect_close(t.at("norm_max", dn, i / E, i % E), r.max[d][i], 1e-6, "max " + what);
        }
    }
    // Domains add up to "all"; every row's frequencies sum to top_k.
    for (std::size_t i = 0; i < rows.size() * E; ++i) {
        const auto row = i / E, e = i % E;
        EXPECT_EQ(t.at("count", "all", row, e), t.at("count", "code", row, e) + t.at("count", "prose", row, e));
        const double reap_sum = t.at("reap", "code", row, e) * t.at("count", "code", row, e) +
                                t.at("reap", "prose", row, e) * t.at("count", "prose", row, e);
        expect_close(t.at("reap", "all", row, e) * t.at("count", "all", row, e), reap_sum, 1e-6, "reap all");
        EXPECT_EQ(t.at("norm_max", "all", row, e), std::max(t.at("norm_max", "code", row, e), t.at("norm_max", "prose", row, e)));
    }
    for (std::size_t row = 0; row < rows.size(); ++row) {
        double freq = 0;
        for (std::size_t e = 0; e < E; ++e) freq += t.at("frequency", "all", row, e);
        EXPECT_NEAR(freq, static_cast<double>(t.top_k), 1e-5);
    }
    EXPECT_EQ(t.tokens.at("all"), data.total_tokens);
}

bool identical(const SaliencyTable& a, const SaliencyTable& b) {
    return a.layers == b.layers && a.values == b.values && a.tokens == b.tokens;
}

} // namespace

TEST(Saliency, GlmDsaWithMtpMatchesForwardTaps) { check_against_reference(Family::GlmMoeDsa, GateMode::Applied); }
TEST(Saliency, DeepseekGroupedRouterMatchesForwardTaps) {
    check_against_reference(Family::DeepseekV3, GateMode::Applied);
}
TEST(Saliency, SoftmaxAllGateOnSoftmaxRouter) { check_against_reference(Family::Qwen3Moe, GateMode::SoftmaxAll); }
TEST(Saliency, SoftmaxAllGateOnSigmoidRouter) { check_against_reference(Family::GlmMoeDsa, GateMode::SoftmaxAll); }

TEST(Saliency, SoftmaxAllByHandOnOneToken) {
    // One token through a Mixtral tiny model: the gate of the first chosen
    // expert, computed here from the router logits alone.
    test::TempDir tmp;
    auto dir = tiny(tmp, Family::Mixtral);
    Model m = Model::open(dir, {.streaming = true});
    CalibrationSet data;
    data.domains = {"d"};
    data.sequences.push_back({0, {7}});
    data.tokens["d"] = 1;
    data.total_tokens = 1;
    data.hash = "sha256:one";
    SaliencyRunOptions o;
    o.gate = GateMode::SoftmaxAll;
    o.progress = ProgressReporter::Mode::Silent;
    const auto t = compute_saliency(m, data, o);
    RoutingTaps taps;
    m.forward(torch::tensor({{7L}}), {.taps = &taps});
    const auto& lt = taps.layers.at(0);
    const auto logits = lt.router_logits[0];
    double z = 0;
    for (std::int64_t e = 0; e < logits.size(0); ++e) z += std::exp(logits[e].item<double>());
    double sel = 0;
    for (std::int64_t k = 0; k < lt.topk_idx.size(1); ++k) sel += std::exp(logits[lt.topk_idx[0][k].item<std::int64_t>()].item<double>()) / z;
    const auto e0 = lt.topk_idx[0][0].item<std::int64_t>();
    const double p0 = std::exp(logits[e0].item<double>()) / z;
    const double want = m.arch().router.norm_topk_prob ? p0 / sel : p0;
    EXPECT_NEAR(t.at("gate_sum", "d", 0, static_cast<std::size_t>(e0)), want, 1e-6);
    EXPECT_NEAR(t.at("reap", "d", 0, static_cast<std::size_t>(e0)), want * lt.expert_out_norm[0][0].item<double>(), 1e-5);
}

TEST(Saliency, AllExpertsObserverGivesTheSameStatistics) {
    test::TempDir tmp;
    auto dir = tiny(tmp, Family::Glm4Moe);
    Model m = Model::open(dir, {.streaming = true});
    const auto data = calibration(m.arch().vocab_size);
    SaliencyRunOptions o;
    o.batch = 3;
    o.progress = ProgressReporter::Mode::Silent;
    const auto routed = compute_saliency(m, data, o);
    o.all_experts_observer = true;
    const auto observer = compute_saliency(m, data, o);
    for (const auto& stat : saliency_statistics()) {
        const auto& a = routed.matrix(stat, "all");
        const auto& b = observer.matrix(stat, "all");
        for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5 * std::max(1.0f, std::abs(a[i]))) << stat;
    }
}

TEST(Saliency, InterruptedRunResumesBitIdentical) {
    test::TempDir tmp;
    auto dir = tiny(tmp, Family::GlmMoeDsa);
    Model m = Model::open(dir, {.streaming = true});
    const auto data = calibration(m.arch().vocab_size);
    SaliencyRunOptions o;
    o.batch = 2;
    o.progress = ProgressReporter::Mode::Silent;
    o.state_dir = tmp / "full";
    const auto full = compute_saliency(m, data, o);
    // Layer 1 is a full DSA indexer layer and layer 2 a shared one: resuming
    // there needs the saved selection. Layer 4 is the last trunk layer.
    for (int stop : {1, 4}) {
        o.state_dir = tmp / fmt::format("cut{}", stop);
        o.after_commit = [stop](int layer) {
            if (layer == stop) throw std::runtime_error("interrupted");
        };
        EXPECT_THROW(compute_saliency(m, data, o), std::runtime_error);
        o.after_commit = nullptr;
        SaliencyRunInfo info;
        const auto resumed = compute_saliency(m, data, o, &info);
        EXPECT_EQ(info.resumed_from_layer, stop);
        EXPECT_TRUE(identical(resumed, full)) << "stopped after layer " << stop;
    }
    // A state from other options is not resumed.
    o.state_dir = tmp / "cut4";
    o.batch = 3;
    SaliencyRunInfo info;
    compute_saliency(m, data, o, &info);
    EXPECT_EQ(info.resumed_from_layer, -1);
}
