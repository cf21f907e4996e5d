// moecut export nvfp4, end to end with the real binary: the demo model (and
// a pruned one) exported and read back (shapes, dtypes, config fields, kept
// tensors bit-identical), --dry-run plans without writing, bad input exits 2
// with one line and leaves nothing behind.
#include "moecut/checkpoint.h"
#include "moecut/nvfp4.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <string>
#include <vector>

namespace moecut {
namespace {

using test::run_moecut;
using test::TempDir;
namespace fs = std::filesystem;

fs::path tiny_model() { return test::source_dir() / "resources/models/tiny-glm5-moe"; }

// Checks an export of src against it: every source tensor is either kept
// bit for bit or a quantised expert with ModelOpt's four tensors.
void check_export(const fs::path& src_dir, const fs::path& out_dir) {
    const Checkpoint src = Checkpoint::open(src_dir), out = Checkpoint::open(out_dir);
    const std::regex expert(R"(^(.*\.experts\.\d+\.(gate_proj|up_proj|down_proj))\.weight$)");
    std::size_t quantised = 0, kept = 0;
    for (const auto& e : src.entries()) {
        const std::string& n = e.info->name;
        std::smatch m;
        const auto* o = out.find(n);
        ASSERT_NE(o, nullptr) << n;
        if (std::regex_match(n, m, expert)) {
            ++quantised;
            const std::string x = m[1].str();
            EXPECT_EQ(o->info->dtype, DType::U8) << n;
            EXPECT_EQ(o->info->shape, (std::vector<std::int64_t>{e.info->shape[0], e.info->shape[1] / 2})) << n;
            const auto* s = out.find(x + ".weight_scale");
            ASSERT_NE(s, nullptr) << x;
            EXPECT_EQ(s->info->dtype, DType::F8_E4M3);
            EXPECT_EQ(s->info->shape, (std::vector<std::int64_t>{e.info->shape[0], e.info->shape[1] / 16})) << x;
            for (const char* sc : {".weight_scale_2", ".input_scale"}) {
                const auto* g = out.find(x + sc);
                ASSERT_NE(g, nullptr) << x << sc;
                EXPECT_EQ(g->info->dtype, DType::F32);
                EXPECT_TRUE(g->info->shape.empty());
            }
            continue;
        }
        ++kept;
        EXPECT_EQ(o->info->dtype, e.info->dtype) << n;
        EXPECT_EQ(o->info->shape, e.info->shape) << n;
        const auto a = src.bytes(e), b = out.bytes(*o);
        EXPECT_TRUE(a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0) << n;
    }
    EXPECT_GT(quantised, 0u);
    EXPECT_GT(kept, 0u);
    EXPECT_EQ(out.entries().size(), kept + quantised * 4);
    const auto qc = out.config()["quantization_config"];
    EXPECT_EQ(qc["quant_method"], "modelopt");
    EXPECT_EQ(qc["quant_algo"], "NVFP4");
    EXPECT_EQ(qc["group_size"], 16);
    const auto hq = read_json_file(out_dir / "hf_quant_config.json");
    EXPECT_EQ(hq["quantization"]["exclude_modules"], qc["ignore"]);
    EXPECT_EQ(hq["quantization"]["group_size"], 16);
    for (const char* f : {"tokenizer.json", "tokenizer_config.json", "generation_config.json"})
        EXPECT_EQ(test::read_text(src_dir / f), test::read_text(out_dir / f)) << f;
}

TEST(ExportNvfp4Cli, DemoModel) {
    TempDir dir;
    const auto r = run_moecut({"export", "nvfp4", "--model", tiny_model().string(), "--out", (dir / "nv").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("\"step\":\"export-nvfp4\""), std::string::npos) << r.err;  // progress
    check_export(tiny_model(), dir / "nv");
    for (const auto& e : fs::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(ExportNvfp4Cli, PrunedDemoModel) {
    TempDir dir;
    // Keep the even experts of every MoE layer (MTP included).
    nlohmann::json keep = nlohmann::json::object();
    const Checkpoint src = Checkpoint::open(tiny_model());
    const std::regex first(R"(^model\.layers\.(\d+)\.mlp\.experts\.0\.gate_proj\.weight$)");
    for (const auto& e : src.entries()) {
        std::smatch m;
        if (!std::regex_match(e.info->name, m, first)) continue;
        std::vector<int> ids;
        for (int i = 0; i < 32; i += 2) ids.push_back(i);
        keep[m[1].str()] = ids;
    }
    ASSERT_FALSE(keep.empty());
    test::write_text(dir / "plan.json", nlohmann::json{{"keep", keep}}.dump());
    auto r = run_moecut({"prune", "--model", tiny_model().string(), "--plan", (dir / "plan.json").string(), "--out",
                         (dir / "pruned").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = run_moecut({"export", "nvfp4", "--model", (dir / "pruned").string(), "--out", (dir / "nv").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    check_export(dir / "pruned", dir / "nv");
    EXPECT_EQ(Checkpoint::open(dir / "nv").config()["n_routed_experts"], 16);
}

TEST(ExportNvfp4Cli, DryRunWritesNothing) {
    TempDir dir;
    auto r = run_moecut({"export", "nvfp4", "--model", tiny_model().string(), "--out", (dir / "nv").string(), "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("model.layers.1.mlp.experts.0.gate_proj.weight U8 [64, 64]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("lm_head.weight F32 [2048, 128]"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(dir / "nv"));
    r = run_moecut({"export", "nvfp4", "--model", tiny_model().string(), "--dry-run", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["hf_quant_config"]["quantization"]["quant_algo"], "NVFP4");
    EXPECT_GT(j["quantized_modules"].get<int>(), 0);
}

TEST(ExportNvfp4Cli, BadInputExitsTwoAndWritesNothing) {
    TempDir dir;
    const std::vector<std::vector<std::string>> cases = {
        {"--model", (dir / "missing").string(), "--out", (dir / "nv").string()},
        {"--model", tiny_model().string(), "--out", (dir / "nv").string(), "--keep", "("},
        {"--model", tiny_model().string(), "--out", (dir / "nv").string(), "--keep", "experts\\.5\\."},
        {"--model", tiny_model().string(), "--out", (dir / "nv").string(), "--input-scale", "0"},
        {"--model", tiny_model().string()},  // no --out
    };
    for (const auto& c : cases) {
        std::vector<std::string> args = {"export", "nvfp4"};
        args.insert(args.end(), c.begin(), c.end());
        const auto r = run_moecut(args);
        EXPECT_EQ(r.exit_code, 2) << c[1] << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_FALSE(fs::exists(dir / "nv")) << c.back();
    }
    fs::create_directories(dir / "taken");
    const auto r = run_moecut({"export", "nvfp4", "--model", tiny_model().string(), "--out", (dir / "taken").string()});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(fs::is_empty(dir / "taken"));
}

// An independent reader: PyTorch and safetensors (scripts/check_nvfp4_export.py)
// read the export, dequantise it with torch's float8_e4m3fn and check dtypes,
// shapes, shared scales, config fields and the error bound against the source.
// MOECUT_REF_PYTHON names the Python (default /opt/refvenv/bin/python).
TEST(ExportNvfp4Cli, PyTorchReadsAndDequantisesTheExport) {
    const char* env = std::getenv("MOECUT_REF_PYTHON");
    const std::string py = env && *env ? env : "/opt/refvenv/bin/python";
    if (!fs::exists(py) || test::run_program(py, {"-c", "import torch, safetensors"}).exit_code != 0)
        GTEST_SKIP() << "no Python with torch and safetensors at " << py;
    TempDir dir;
    auto r = run_moecut({"export", "nvfp4", "--model", tiny_model().string(), "--out", (dir / "nv").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = test::run_program(py, {(test::source_dir() / "scripts/check_nvfp4_export.py").string(), tiny_model().string(),
                               (dir / "nv").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("480 quantised modules"), std::string::npos) << r.out;
}

} // namespace
} // namespace moecut
