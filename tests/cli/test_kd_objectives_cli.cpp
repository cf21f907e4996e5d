// moecut kd beyond the default run: two processes over Gloo give the
// one-process gates byte for byte, and --objective layer (each MoE layer's
// output against the teacher's) lowers its layer losses and the held-out KL
// while every other tensor stays bit-identical.
#include "moecut/safetensors.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <thread>

namespace moecut {
namespace {

using test::run_moecut;
using test::run_program;
using test::TempDir;

std::filesystem::path demo_model() { return test::source_dir() / "resources/models/tiny-glm5-moe"; }

bool have_kd() { return run_moecut({"kd", "--help"}).exit_code == 0; }

#define KD_REQUIRE()                                                          \
    do {                                                                      \
        if (!have_kd()) {                                                     \
            GTEST_SKIP() << "built without the LibTorch engine";              \
        }                                                                     \
        if (!std::filesystem::exists(demo_model() / "model.safetensors")) {   \
            GTEST_SKIP() << "no demo model";                                  \
        }                                                                     \
    } while (false)

// A teacher cache of the demo model over its calibration text (code and
// knowledge, 64 sequences of 64 tokens) and the demo plan's pruned student.
struct KdSetup {
    TempDir tmp;
    std::filesystem::path cache = tmp / "cache", student = tmp / "pruned";
    void make() {
        const auto corpus = test::source_dir() / "resources/corpus";
        const auto c = run_moecut({"teacher-cache", "--model", demo_model().string(), "--data",
                                   (corpus / "calib_code.jsonl").string(), "--data",
                                   (corpus / "calib_knowledge.jsonl").string(), "--out", cache.string(), "--seq-len",
                                   "64", "--max-tokens", "4096", "--topk", "20"});
        ASSERT_EQ(c.exit_code, 0) << c.err;
        const auto p = run_moecut({"prune", "--model", demo_model().string(), "--plan",
                                   (test::test_data_dir() / "saliency_gui/demo_plan.json").string(), "--out",
                                   student.string()});
        ASSERT_EQ(p.exit_code, 0) << p.err;
    }
    std::vector<std::string> kd(const std::filesystem::path& out, std::vector<std::string> extra) const {
        std::vector<std::string> a{"kd", "--student", student.string(), "--cache", cache.string(), "--out", out.string()};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

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

// Runs `args` as two ranks over Gloo on 127.0.0.1.
void run_two(const std::vector<std::string>& args, test::CliResult res[2]) {
    const std::string port = std::to_string(free_port());
    std::thread ranks[2];
    for (int r = 0; r < 2; ++r)
        ranks[r] = std::thread([&, r] {
            std::vector<std::string> env = {"RANK=" + std::to_string(r), "WORLD_SIZE=2",
                                            "LOCAL_RANK=" + std::to_string(r), "MASTER_ADDR=127.0.0.1",
                                            "MASTER_PORT=" + port, MOECUT_BIN};
            env.insert(env.end(), args.begin(), args.end());
            res[r] = run_program("/usr/bin/env", env);
        });
    for (auto& t : ranks) t.join();
}

// Every tensor but the named gates is bit-identical between the two files; the gates changed.
void expect_only_gates_changed(const std::filesystem::path& a_dir, const std::filesystem::path& b_dir,
                               const std::string& listing, int want_gates) {
    const auto a = SafetensorsFile::open(a_dir / "model.safetensors");
    const auto b = SafetensorsFile::open(b_dir / "model.safetensors");
    ASSERT_EQ(a.tensors().size(), b.tensors().size());
    const std::regex gate(R"(model\.layers\.\d+\.mlp\.gate\.weight)");
    int gates = 0, same = 0;
    for (const auto& t : a.tensors()) {
        const auto* u = b.find(t.name);
        ASSERT_NE(u, nullptr) << t.name;
        const auto x = a.bytes(t), y = b.bytes(*u);
        ASSERT_EQ(x.size(), y.size()) << t.name;
        const bool equal = std::equal(x.begin(), x.end(), y.begin());
        if (std::regex_match(t.name, gate) && listing.find(t.name) != std::string::npos) {
            ++gates;
            EXPECT_FALSE(equal) << t.name << " did not change";
        } else {
            ++same;
            EXPECT_TRUE(equal) << t.name << " changed";
        }
    }
    EXPECT_EQ(gates, want_gates);
    EXPECT_GT(same, 100);
}

std::pair<double, double> heldout_kl(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(held-out KL ([0-9.]+) -> ([0-9.]+))"))) return {-1, -1};
    return {std::stod(m[1]), std::stod(m[2])};
}

TEST(KdParallel, TwoProcessesOverGlooWriteTheOneProcessGates) {
    KD_REQUIRE();
    KdSetup f;
    f.make();
    // 5 sequences per step: rank 0 takes 3, rank 1 takes 2.
    const std::vector<std::string> opts{"--steps", "4", "--batch", "5", "--lr", "1e-3", "--seed", "3"};
    const auto one = f.tmp / "one", two = f.tmp / "two";
    const auto r1 = run_moecut(f.kd(one, opts));
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    test::CliResult res[2];
    run_two(f.kd(two, opts), res);
    if (res[0].err.find("need Gloo") != std::string::npos) GTEST_SKIP() << "built without Gloo";
    ASSERT_EQ(res[0].exit_code, 0) << res[0].err;
    ASSERT_EQ(res[1].exit_code, 0) << res[1].err;
    EXPECT_NE(res[0].out.find("2 processes"), std::string::npos) << res[0].out;
    EXPECT_EQ(res[1].out.find("wrote"), std::string::npos) << "only rank 0 writes: " << res[1].out;
    EXPECT_EQ(test::read_text(one / "model.safetensors"), test::read_text(two / "model.safetensors"));
    // The held-out numbers are the same sums split differently.
    const auto [b1, a1] = heldout_kl(r1.out);
    const auto [b2, a2] = heldout_kl(res[0].out);
    EXPECT_NEAR(b1, b2, 1e-5);
    EXPECT_NEAR(a1, a2, 1e-5);
}

TEST(KdLayerObjective, LowersEveryLayerLossAndTheHeldOutKlTouchingOnlyTheGates) {
    KD_REQUIRE();
    KdSetup f;
    f.make();
    const auto out = f.tmp / "layer";
    const auto r = run_moecut(f.kd(out, {"--objective", "layer", "--teacher", demo_model().string(), "--steps", "40",
                                         "--batch", "4", "--lr", "1e-4", "--holdout", "0.2"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::regex line(R"(layer (\d+): held-out normalised MSE ([0-9.]+) -> ([0-9.]+))");
    int layers = 0;
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), line), end; it != end; ++it) {
        ++layers;
        EXPECT_LT(std::stod((*it)[3]), std::stod((*it)[2])) << (*it)[0];
        EXPECT_GT(std::stod((*it)[2]), 0.0) << (*it)[0];
    }
    EXPECT_EQ(layers, 4) << r.out;
    const auto [before, after] = heldout_kl(r.out);
    EXPECT_GT(before, 0.0) << r.out;
    EXPECT_LT(after, before) << r.out;
    expect_only_gates_changed(f.student, out, r.out, 4);
    EXPECT_EQ(test::read_text(f.student / "config.json"), test::read_text(out / "config.json"));

    // Without a teacher: bad input.
    const auto bad = run_moecut(f.kd(f.tmp / "x", {"--objective", "layer"}));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--teacher"), std::string::npos) << bad.err;
}

TEST(KdLayerObjective, TwoProcessesOverGlooWriteTheOneProcessGates) {
    KD_REQUIRE();
    KdSetup f;
    f.make();
    const std::vector<std::string> opts{"--objective", "layer", "--teacher", demo_model().string(), "--steps", "3",
                                        "--batch", "3", "--lr", "1e-4"};
    const auto one = f.tmp / "one", two = f.tmp / "two";
    const auto r1 = run_moecut(f.kd(one, opts));
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    test::CliResult res[2];
    run_two(f.kd(two, opts), res);
    if (res[0].err.find("need Gloo") != std::string::npos) GTEST_SKIP() << "built without Gloo";
    ASSERT_EQ(res[0].exit_code, 0) << res[0].err;
    ASSERT_EQ(res[1].exit_code, 0) << res[1].err;
    EXPECT_EQ(test::read_text(one / "model.safetensors"), test::read_text(two / "model.safetensors"));
}

} // namespace
} // namespace moecut
