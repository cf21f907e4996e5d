// moecut saliency as a user runs it: the file it writes, progress events,
// resuming after SIGKILL, two processes over Gloo, bad input, and the main
// job's pipeline (saliency -> plan -> prune -> verify) at a small scale.
#include "moecut/saliency_file.h"
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <thread>

namespace moecut {
namespace {

using test::run_moecut;
using test::run_program;
using test::TempDir;

void make_tiny(const std::filesystem::path& dir, const std::string& family = "glm_moe_dsa") {
    const auto r = run_moecut({"make-tiny", "--family", family, "--out", dir.string(), "--seed", "4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

// n documents of `len` random token ids in a JSONL file.
void token_file(const std::filesystem::path& path, int n, unsigned seed, int len = 20, const std::string& domain = {}) {
    std::mt19937 rng(seed);
    std::string s;
    for (int i = 0; i < n; ++i) {
        nlohmann::json j;
        std::vector<int> ids;
        for (int t = 0; t < len; ++t) ids.push_back(4 + static_cast<int>(rng() % 500));
        j["tokens"] = ids;
        if (!domain.empty()) j["domain"] = domain;
        s += j.dump() + "\n";
    }
    test::write_text(path, s);
}

struct Fixture {
    TempDir tmp;
    std::filesystem::path model = tmp / "model";
    std::filesystem::path code = tmp / "calib_code.jsonl";
    std::filesystem::path know = tmp / "calib_knowledge.jsonl";
    Fixture() {
        make_tiny(model);
        token_file(code, 12, 1);
        token_file(know, 9, 2);
    }
    std::vector<std::string> args(const std::filesystem::path& out) const {
        return {"saliency", "--model", model.string(), "--data", "code=" + code.string(), "--data",
                "knowledge=" + know.string(), "--out", out.string(), "--seq-len", "24", "--batch", "2"};
    }
};

std::string bytes(const std::filesystem::path& p) { return test::read_text(p); }

TEST(SaliencyCli, WritesAFileThePlannerReads) {
    Fixture f;
    const auto out = f.tmp / "sal.safetensors";
    const auto r = run_moecut(f.args(out));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote"), std::string::npos);
    EXPECT_NE(r.err.find("{\"event\":\"progress\",\"step\":\"saliency\""), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out.string() + ".state"));
    const SaliencyTable t = read_saliency_file(out);
    EXPECT_EQ(t.domains, (std::vector<std::string>{"all", "code", "knowledge"}));
    EXPECT_EQ(t.layers, (std::vector<int>{1, 2, 3, 4, 5}));  // four MoE layers, then the MTP layer
    EXPECT_EQ(t.mtp_layers, (std::vector<int>{5}));
    EXPECT_EQ(t.tokens.at("all"), t.tokens.at("code") + t.tokens.at("knowledge"));
    EXPECT_EQ(t.model_hash.rfind("sha256:", 0), 0u);
    EXPECT_EQ(t.data_hash.rfind("sha256:", 0), 0u);
    EXPECT_EQ(t.extra.at("gate"), "applied");
    // The budget: 100 tokens shared by two domains.
    auto a = f.args(f.tmp / "budget.safetensors");
    a.insert(a.end(), {"--max-tokens", "100"});
    ASSERT_EQ(run_moecut(a).exit_code, 0);
    const auto b = read_saliency_file(f.tmp / "budget.safetensors");
    EXPECT_EQ(b.tokens.at("code"), 50u);
    EXPECT_EQ(b.tokens.at("knowledge"), 50u);
}

// Kill points: one after each batch's output and one after each layer's
// commit. 240 + 180 tokens pack into 10 + 8 sequences of 24 (the last one
// padded), 9 batches of 2: 10 points per layer.
void kill_and_resume(const std::vector<int>& kills) {
    Fixture f;
    const auto ref = f.tmp / "ref.safetensors";
    ASSERT_EQ(run_moecut(f.args(ref)).exit_code, 0);
    for (int kill : kills) {
        const auto out = f.tmp / fmt::format("k{}.safetensors", kill);
        std::vector<std::string> env = {"MOECUT_TEST_KILL_AT=" + std::to_string(kill), MOECUT_BIN};
        auto a = f.args(out);
        env.insert(env.end(), a.begin(), a.end());
        const auto killed = run_program("/usr/bin/env", env);
        ASSERT_EQ(killed.exit_code, 128 + 9) << "kill point " << kill << ": " << killed.err;
        EXPECT_FALSE(std::filesystem::exists(out));
        const auto resumed = run_moecut(a);
        ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
        EXPECT_EQ(bytes(out), bytes(ref)) << "kill point " << kill;
        if (kill >= 10) {
            EXPECT_NE(resumed.out.find("resumed after layer"), std::string::npos) << resumed.out;
        }
    }
}

// The middle of layer 0 (nothing committed yet), just after its commit.
TEST(SaliencyCli, KilledEarlyResumesToTheSameBytes) { kill_and_resume({2, 10}); }
// The middle of layer 3: the hidden states and the DSA selection of layer 1 come from disk.
TEST(SaliencyCli, KilledLateResumesToTheSameBytes) { kill_and_resume({33}); }

int free_port() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    close(s);
    return ntohs(a.sin_port);
}

TEST(SaliencyCli, TwoProcessesOverGlooMatchOneProcess) {
    Fixture f;
    const auto one = f.tmp / "one.safetensors", two = f.tmp / "two.safetensors";
    ASSERT_EQ(run_moecut(f.args(one)).exit_code, 0);
    const std::string port = std::to_string(free_port());
    test::CliResult res[2];
    std::thread ranks[2];
    for (int r = 0; r < 2; ++r)
        ranks[r] = std::thread([&, r] {
            std::vector<std::string> env = {"RANK=" + std::to_string(r), "WORLD_SIZE=2", "LOCAL_RANK=" + std::to_string(r),
                                            "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port, MOECUT_BIN};
            auto a = f.args(two);
            env.insert(env.end(), a.begin(), a.end());
            res[r] = run_program("/usr/bin/env", env);
        });
    for (auto& t : ranks) t.join();
    ASSERT_EQ(res[0].exit_code, 0) << res[0].err;
    ASSERT_EQ(res[1].exit_code, 0) << res[1].err;
    EXPECT_NE(res[0].out.find("2 processes"), std::string::npos) << res[0].out;
    const auto a = read_saliency_file(one), b = read_saliency_file(two);
    EXPECT_EQ(b.extra.at("world_size"), "2");
    EXPECT_EQ(a.layers, b.layers);
    EXPECT_EQ(a.tokens, b.tokens);
    EXPECT_EQ(a.data_hash, b.data_hash);
    // Each batch runs on one rank exactly as in the one-process run, so counts
    // and maxima are equal; sums differ at most by the order of the final
    // double additions (then rounded to float).
    for (const auto& d : a.domains)
        for (const auto& s : saliency_statistics()) {
            const auto& x = a.matrix(s, d);
            const auto& y = b.matrix(s, d);
            for (std::size_t i = 0; i < x.size(); ++i) {
                if (s == "count" || s == "norm_max") {
                    EXPECT_EQ(x[i], y[i]) << s << "." << d;
                } else {
                    EXPECT_NEAR(x[i], y[i], 1e-6 * std::max(1.0f, std::abs(x[i]))) << s << "." << d;
                }
            }
        }
}

TEST(SaliencyCli, BadInputIsOneLineAndExitTwo) {
    Fixture f;
    test::write_text(f.tmp / "bad.jsonl", "{\"tokens\": [1, 2]}\n{\"tokens\": [1, 99999]}\n");
    auto r = run_moecut({"saliency", "--model", f.model.string(), "--data", (f.tmp / "bad.jsonl").string(), "--out",
                         (f.tmp / "x.safetensors").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find((f.tmp / "bad.jsonl").string() + ":2: token id 99999 outside the vocabulary [0, 512)"),
              std::string::npos)
        << r.err;
    test::write_text(f.tmp / "text.jsonl", "{\"text\": \"hello\"}\n");
    r = run_moecut({"saliency", "--model", f.model.string(), "--data", (f.tmp / "text.jsonl").string(), "--out",
                    (f.tmp / "x.safetensors").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(":1: \"text\" needs a tokenizer"), std::string::npos) << r.err;
    // No such device, here (no CUDA) or on a GPU machine.
    r = run_moecut({"saliency", "--model", f.model.string(), "--data", f.code.string(), "--out",
                    (f.tmp / "x.safetensors").string(), "--device", "cuda:99"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--device cuda:99"), std::string::npos) << r.err;
    r = run_moecut({"saliency", "--model", f.model.string(), "--data", f.code.string(), "--out",
                    (f.tmp / "x.safetensors").string(), "--device", "gpu"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(f.tmp / "x.safetensors"));
}

TEST(SaliencyCli, TextCalibrationWithATokenizer) {
    // The corpus files with a byte-level tokenizer whose 501 ids fit the tiny model's 512.
    TempDir tmp;
    make_tiny(tmp / "m");
    const auto corpus = test::source_dir() / "resources" / "corpus";
    const auto out = tmp / "s.safetensors";
    const auto r = run_moecut({"saliency", "--model", (tmp / "m").string(), "--data", (corpus / "calib_code.jsonl").string(),
                               "--data", (corpus / "calib_knowledge.jsonl").string(), "--tokenizer",
                               (test::test_data_dir() / "tokenizers" / "whitespace_bytelevel").string(), "--max-tokens",
                               "600", "--seq-len", "64", "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = read_saliency_file(out);
    EXPECT_EQ(t.domains, (std::vector<std::string>{"all", "code", "knowledge"}));  // from the lines' "domain"
    EXPECT_EQ(t.tokens.at("all"), 600u);
}

TEST(SaliencyCli, ShippedDemoModelWithTextAndMessages) {
    // The demo model's own tokenizer and chat template: corpus text lines and
    // a messages file (domain "chat" from its stem).
    const auto model = test::source_dir() / "resources" / "models" / "tiny-glm5-moe";
    if (!std::filesystem::exists(model / "config.json")) GTEST_SKIP() << "no demo model";
    TempDir tmp;
    const auto corpus = test::source_dir() / "resources" / "corpus";
    test::write_text(tmp / "chat.jsonl",
                     R"({"messages": [{"role": "user", "content": "What does len() return?"}, )"
                     R"({"role": "assistant", "content": "The number of items."}]})"
                     "\n"
                     R"({"messages": [{"role": "user", "content": "Sort a list."}, )"
                     R"({"role": "assistant", "content": "Use sorted(xs)."}]})"
                     "\n");
    const auto out = tmp / "s.safetensors";
    const auto r = run_moecut({"saliency", "--model", model.string(), "--data", (corpus / "calib_code.jsonl").string(),
                               "--data", (corpus / "calib_knowledge.jsonl").string(), "--data",
                               (tmp / "chat.jsonl").string(), "--max-tokens", "1500", "--seq-len", "128", "--out",
                               out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto t = read_saliency_file(out);
    EXPECT_EQ(t.domains, (std::vector<std::string>{"all", "code", "knowledge", "chat"}));
    EXPECT_EQ(t.mtp_layers.size(), 1u);
    EXPECT_GT(t.tokens.at("chat"), 10u);
    EXPECT_LT(t.tokens.at("chat"), 100u);  // two short conversations: the rest of the budget goes elsewhere
    EXPECT_EQ(t.tokens.at("all"), 1500u);
}

TEST(SaliencyCli, MainJobPipelineSmall) {
    Fixture f;
    const auto sal = f.tmp / "sal.safetensors", plan = f.tmp / "plan.json", pruned = f.tmp / "pruned";
    ASSERT_EQ(run_moecut(f.args(sal)).exit_code, 0);
    auto r = run_moecut({"plan", "--saliency", sal.string(), "--keep", "11", "--domain", "code", "--swap-domain",
                         "knowledge", "--swaps", "2", "--out", plan.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto p = nlohmann::json::parse(test::read_text(plan));
    EXPECT_EQ(p["keep"].size(), 5u);  // four MoE layers and the MTP layer
    for (const auto& [layer, ids] : p["keep"].items()) EXPECT_EQ(ids.size(), 11u) << layer;
    r = run_moecut({"prune", "--model", f.model.string(), "--plan", plan.string(), "--out", pruned.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_moecut({"verify", pruned.string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    // The pruned model scores again (11 experts per layer).
    r = run_moecut({"saliency", "--model", pruned.string(), "--data", f.code.string(), "--out",
                    (f.tmp / "again.safetensors").string(), "--seq-len", "24"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_saliency_file(f.tmp / "again.safetensors").experts, 11);
}

} // namespace
} // namespace moecut
