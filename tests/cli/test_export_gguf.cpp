// moecut export gguf and moecut gguf-check, end to end: the exported demo
// model matches what llama.cpp's own converter makes of it
// (tests/data/gguf_ref/tiny_glm5_convert.json), per-tensor types and rules
// apply, --dry-run plans GLM-5.2 at full size without reading tensor data,
// and real llama.cpp (llama-cpp-python's, when its venv is installed) loads
// the file and decodes the same greedy tokens as moecut's runtime.
#include "moecut/checkpoint.h"
#include "moecut/gguf_quants.h"
#include "moecut/gguf_reader.h"
#include "test_support.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace moecut {
namespace {

using nlohmann::json;
using test::run_moecut;
using test::TempDir;
namespace fs = std::filesystem;

fs::path tiny_model() { return test::source_dir() / "resources/models/tiny-glm5-moe"; }

std::string fnv1a64(std::span<const std::byte> b) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::byte c : b) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001b3ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

fs::path export_tiny(const TempDir& dir, const std::string& file, std::vector<std::string> extra) {
    std::vector<std::string> args = {"export", "gguf", "--model", tiny_model().string(), "--out", (dir / file).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_moecut(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("wrote"), std::string::npos) << r.out;
    return dir / file;
}

TEST(GgufCheckCli, ValidAndMalformedFiles) {
    const fs::path good = test::test_data_dir() / "gguf_ref/all_types.gguf";
    auto r = run_moecut({"gguf-check", good.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("valid GGUF v3"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("conv_q8_0 q8_0 [128, 4]"), std::string::npos) << r.out;
    r = run_moecut({"gguf-check", "--json", good.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["metadata"]["t.u64"]["value"], 9223372036854775813ull);
    EXPECT_EQ(j["tensors"].size(), 10u);

    TempDir dir;
    const std::string bytes = test::read_text(good);
    test::write_text(dir / "cut.gguf", bytes.substr(0, bytes.size() - 100));
    r = run_moecut({"gguf-check", (dir / "cut.gguf").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("moecut: " + (dir / "cut.gguf").string() + ": ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("truncated"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    test::write_text(dir / "magic.gguf", "GGML" + bytes.substr(4));
    r = run_moecut({"gguf-check", (dir / "magic.gguf").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("bad magic"), std::string::npos) << r.err;
    r = run_moecut({"gguf-check", (dir / "missing.gguf").string()});
    EXPECT_EQ(r.exit_code, 2);
}

// Our F32 export against llama.cpp's convert_hf_to_gguf.py output for the same
// checkpoint: same tensors, same bytes, same metadata. The known differences:
// the indexer head dim is padded 32 -> 64 (llama.cpp's Hadamard rotation needs
// a multiple of 64) and general.name / size_label.
TEST(ExportGgufCli, F32MatchesLlamaCppsConverter) {
    const json ref = json::parse(test::read_text(test::test_data_dir() / "gguf_ref/tiny_glm5_convert.json"));
    TempDir dir;
    const fs::path p = export_tiny(dir, "f32.gguf", {"--type", "f32", "--mtp", "keep"});
    const auto check = run_moecut({"gguf-check", "--strict", p.string()});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    const GgufFile g = GgufFile::open(p);
    ASSERT_EQ(g.tensors().size(), ref["tensors"].size());
    for (const json& rt : ref["tensors"]) {
        const std::string name = rt["name"];
        const GgufTensorInfo* t = g.find_tensor(name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(t->type, rt["type"].get<std::uint32_t>()) << name;
        std::vector<std::int64_t> ne = rt["ne"];
        if (name.find(".indexer.") != std::string::npos && name.find("indexer.proj") == std::string::npos) {
            // k_norm [32] -> [64]; attn_k [128, 32] -> [128, 64]; attn_q_b [64, 4*32] -> [64, 4*64]
            ne.back() *= 2;
            EXPECT_EQ(t->ne, ne) << name;
            continue;
        }
        EXPECT_EQ(t->ne, ne) << name;
        EXPECT_EQ(fnv1a64(g.bytes(*t)), rt["fnv1a64"]) << name;
    }
    for (const json& f : ref["fields"]) {
        const std::string key = f["key"];
        if (key == "general.name" || key == "general.size_label" || key == "glm-dsa.attention.indexer.key_length") continue;
        const GgufValue* v = g.find(key);
        ASSERT_NE(v, nullptr) << key;
        json ours = v->to_json();
        EXPECT_EQ(ours["type"], f["type"]) << key;
        if (f.contains("count")) EXPECT_EQ(ours["count"], f["count"]) << key;
        else EXPECT_EQ(ours["value"], f["value"]) << key;
    }
    EXPECT_EQ(g.find("glm-dsa.attention.indexer.key_length")->as_u64(), 64u);
    EXPECT_EQ(g.find("tokenizer.ggml.tokens")->string_items().at(7), "<|user|>");
}

TEST(ExportGgufCli, TypesRulesAndQuantizedBytes) {
    TempDir dir;
    const fs::path f32 = export_tiny(dir, "f32.gguf", {"--type", "f32"});
    const fs::path q8 = export_tiny(dir, "q8.gguf", {"--type", "q8_0", "--tensor-type", "ffn_down_exps=bf16",
                                                     "--tensor-type", "_exps=f16", "--tensor-type", "ffn_down=q4_0"});
    const GgufFile a = GgufFile::open(f32), b = GgufFile::open(q8);
    ASSERT_EQ(a.tensors().size(), 103u);  // MTP dropped by default
    ASSERT_EQ(b.tensors().size(), 103u);
    EXPECT_EQ(a.find("glm-dsa.block_count")->as_u64(), 5u);
    EXPECT_EQ(a.find("glm-dsa.nextn_predict_layers"), nullptr);
    EXPECT_EQ(b.find("general.file_type")->as_u64(), 7u);
    EXPECT_EQ(b.find_tensor("blk.1.ffn_down_exps.weight")->ggml_type(), GgmlType::BF16);  // first match wins
    EXPECT_EQ(b.find_tensor("blk.1.ffn_up_exps.weight")->ggml_type(), GgmlType::F16);
    EXPECT_EQ(b.find_tensor("blk.0.ffn_down.weight")->ggml_type(), GgmlType::Q4_0);
    EXPECT_EQ(b.find_tensor("blk.1.ffn_down_shexp.weight")->ggml_type(), GgmlType::Q4_0);
    EXPECT_EQ(b.find_tensor("blk.1.ffn_gate_inp.weight")->ggml_type(), GgmlType::F32);  // routers stay F32
    EXPECT_EQ(b.find_tensor("blk.1.attn_norm.weight")->ggml_type(), GgmlType::F32);
    EXPECT_EQ(b.find_tensor("blk.0.indexer.proj.weight")->ggml_type(), GgmlType::F32);
    // Every quantized tensor is ggml's quantization of the F32 export, row by row.
    int checked = 0;
    for (const GgufTensorInfo& t : b.tensors()) {
        const GgufTensorInfo* src = a.find_tensor(t.name);
        ASSERT_NE(src, nullptr) << t.name;
        ASSERT_EQ(src->ne, t.ne) << t.name;
        auto in = a.bytes(*src);
        std::vector<float> x(in.size() / 4);
        std::memcpy(x.data(), in.data(), in.size());
        std::vector<std::byte> want(t.nbytes);
        const std::int64_t ne0 = t.ne[0], rows = static_cast<std::int64_t>(x.size()) / ne0;
        const std::size_t row_bytes = t.nbytes / static_cast<std::size_t>(rows);
        for (std::int64_t r = 0; r < rows; ++r)
            quantize_row(t.ggml_type(), x.data() + r * ne0, ne0, want.data() + static_cast<std::size_t>(r) * row_bytes);
        auto got = b.bytes(t);
        EXPECT_TRUE(std::equal(got.begin(), got.end(), want.begin(), want.end())) << t.name;
        ++checked;
    }
    EXPECT_EQ(checked, 103);

    auto r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--dry-run", "--tensor-type", "ffn_down_exps=bf16",
                         "--tensor-type", "_exps=f16", "--tensor-type", "attn_q_b=q8_0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("note: --tensor-type '_exps' also matches tensors that the earlier 'ffn_down_exps' decides"),
              std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("'attn_q_b' also matches"), std::string::npos) << r.out;
    r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--out", (dir / "x.gguf").string(),
                    "--tensor-type", "exps=q9_9"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown ggml type 'q9_9'"), std::string::npos) << r.err;
    // q5_0 (block 32) fits every matrix here but has no quantizer yet. (q4_k would
    // fall back to q8_0 everywhere: no ne[0] of the tiny model is a multiple of 256.)
    r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--out", (dir / "x.gguf").string(), "--type", "q5_0"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("not implemented yet"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.gguf"));
}

// transformers-v5 fused experts (gate_up_proj [E, 2I, H], down_proj [E, H, I])
// become the same stacked tensors: gate = each expert's first I rows, up = the next I.
TEST(ExportGgufCli, FusedExpertLayout) {
    TempDir dir;
    ASSERT_EQ(run_moecut({"make-tiny", "--family", "glm4_moe", "--layout", "fused", "--out", (dir / "m").string()}).exit_code, 0);
    const auto r = run_moecut({"export", "gguf", "--model", (dir / "m").string(), "--out", (dir / "m.gguf").string(), "--type", "f32"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Checkpoint ckpt = Checkpoint::open(dir / "m");
    const GgufFile g = GgufFile::open(dir / "m.gguf");
    int layers = 0;
    for (int L = 1; L < 4; ++L) {
        const auto* gu = ckpt.find(fmt::format("model.layers.{}.mlp.experts.gate_up_proj", L));
        const auto* dn = ckpt.find(fmt::format("model.layers.{}.mlp.experts.down_proj", L));
        ASSERT_TRUE(gu && dn);
        ASSERT_EQ(gu->info->dtype, DType::F32);
        const auto& shape = gu->info->shape;  // [E, 2I, H]
        const std::size_t E = static_cast<std::size_t>(shape[0]), I = static_cast<std::size_t>(shape[1] / 2),
                          H = static_cast<std::size_t>(shape[2]);
        auto src = ckpt.bytes(*gu);
        auto gate = g.bytes(*g.find_tensor(fmt::format("blk.{}.ffn_gate_exps.weight", L)));
        auto up = g.bytes(*g.find_tensor(fmt::format("blk.{}.ffn_up_exps.weight", L)));
        ASSERT_EQ(gate.size(), E * I * H * 4);
        for (std::size_t e = 0; e < E; ++e) {
            const std::size_t slab = I * H * 4;
            EXPECT_EQ(std::memcmp(gate.data() + e * slab, src.data() + 2 * e * slab, slab), 0) << L << " " << e;
            EXPECT_EQ(std::memcmp(up.data() + e * slab, src.data() + (2 * e + 1) * slab, slab), 0) << L << " " << e;
        }
        auto down = g.bytes(*g.find_tensor(fmt::format("blk.{}.ffn_down_exps.weight", L)));
        auto dsrc = ckpt.bytes(*dn);
        ASSERT_EQ(down.size(), dsrc.size());
        EXPECT_EQ(std::memcmp(down.data(), dsrc.data(), down.size()), 0) << L;
        ++layers;
    }
    EXPECT_EQ(layers, 3);
}

TEST(ExportGgufCli, DryRunPlansFullSizeGlm52WithoutReadingData) {
    TempDir dir;
    // 1.5 TB of sparse safetensors: reading them would not finish.
    ASSERT_EQ(run_moecut({"make-sparse", "--out", (dir / "glm52").string()}).exit_code, 0);
    auto r = run_moecut({"export", "gguf", "--model", (dir / "glm52").string(), "--dry-run", "--json", "--type", "q8_0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json plan = json::parse(r.out);
    EXPECT_EQ(plan["architecture"], "glm-dsa");
    EXPECT_EQ(plan["metadata"]["glm-dsa.block_count"]["value"], 78);
    EXPECT_EQ(plan["metadata"]["glm-dsa.expert_count"]["value"], 256);
    EXPECT_EQ(plan["metadata"]["glm-dsa.attention.indexer.types"]["count"], 78);
    int indexers = 0;
    for (const json& t : plan["tensors"]) indexers += t["name"].get<std::string>().find("indexer.attn_k.") != std::string::npos;
    EXPECT_GT(indexers, 0);
    EXPECT_LT(indexers, 78);  // shared layers carry none
    const json* k_b = nullptr;
    for (const json& t : plan["tensors"])
        if (t["name"] == "blk.5.attn_k_b.weight") k_b = &t;
    ASSERT_NE(k_b, nullptr);
    EXPECT_EQ((*k_b)["type"], "q8_0");
    EXPECT_EQ((*k_b)["ne"], json({192, 512, 64}));
    EXPECT_GT(plan["file_size"].get<std::uint64_t>(), 700'000'000'000ull);

    r = run_moecut({"export", "gguf", "--model", (dir / "glm52").string(), "--dry-run", "--json", "--fill-shared-indexer",
                    "--mtp", "keep"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    plan = json::parse(r.out);
    EXPECT_FALSE(plan["metadata"].contains("glm-dsa.attention.indexer.types"));
    EXPECT_EQ(plan["metadata"]["glm-dsa.block_count"]["value"], 79);
    EXPECT_EQ(plan["metadata"]["glm-dsa.nextn_predict_layers"]["value"], 1);
    indexers = 0;
    for (const json& t : plan["tensors"]) indexers += t["name"].get<std::string>().find("indexer.attn_k.") != std::string::npos;
    EXPECT_EQ(indexers, 79);
    r = run_moecut({"export", "gguf", "--model", (dir / "glm52").string(), "--dry-run"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("architecture: glm-dsa"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir / "out.gguf"));
}

// Real llama.cpp (llama-cpp-python 0.3.36, scripts/install-test-server.sh)
// loads the export and decodes greedily; the tokens must be moecut's own.
fs::path venv_python() {
    const char* v = std::getenv("MOECUT_TEST_VENV");
    const char* home = std::getenv("HOME");
    fs::path venv = v && *v ? fs::path(v) : fs::path(home ? home : "/root") / ".cache/moecut/test-venv";
    return venv / "bin/python";
}

std::vector<int> llama_cpp_greedy(const fs::path& gguf, const std::vector<int>& prompt, int n) {
    const std::string code = R"(
import sys, json
from llama_cpp import Llama
llm = Llama(model_path=sys.argv[1], n_ctx=128, n_threads=1, n_batch=32, verbose=False, seed=0)
llm.eval(json.loads(sys.argv[2]))
out = []
for _ in range(int(sys.argv[3])):
    tok = llm.sample(temp=0.0, top_k=1)
    out.append(int(tok))
    llm.eval([tok])
print(json.dumps(out))
)";
    const auto r = test::run_program(venv_python().string(), {"-c", code, gguf.string(), json(prompt).dump(), std::to_string(n)});
    EXPECT_EQ(r.exit_code, 0) << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0);
    if (r.exit_code != 0) return {};
    return json::parse(r.out.substr(r.out.rfind('[')));
}

bool have_llama_cpp() {
    return fs::exists(venv_python()) && test::run_program(venv_python().string(), {"-c", "import llama_cpp"}).exit_code == 0;
}

// Every family the exporter maps, with and without the MTP block, plain and
// quantized, is accepted by llama.cpp's loader (every tensor consumed, key
// types exact) and decodes. (Greedy tokens are not compared here: the random
// tiny models have near-tied logits, 0.0002 apart, that differ across CPUs.)
TEST(ExportGgufCli, LlamaCppLoadsEveryMappedFamily) {
    if (!have_llama_cpp()) GTEST_SKIP() << "no llama-cpp-python venv at " << venv_python().parent_path().parent_path();
    TempDir dir;
    std::vector<std::string> files;
    for (const char* family : {"glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32", "qwen3_moe", "qwen2_moe",
                               "mixtral"}) {
        const fs::path model = dir / family;
        ASSERT_EQ(run_moecut({"make-tiny", "--family", family, "--out", model.string()}).exit_code, 0);
        const bool has_mtp = std::string(family).rfind("qwen", 0) != 0 && std::string(family) != "mixtral";
        for (const auto& [mtp, type] : {std::pair{"drop", "f32"}, std::pair{has_mtp ? "keep" : "drop", "q8_0"}}) {
            const fs::path out = dir / (std::string(family) + "-" + mtp + ".gguf");
            const auto r = run_moecut({"export", "gguf", "--model", model.string(), "--out", out.string(), "--mtp", mtp, "--type", type});
            ASSERT_EQ(r.exit_code, 0) << r.err;
            files.push_back(out.string());
        }
    }
    const std::string code = R"(
import sys, json
from llama_cpp import Llama
for path in sys.argv[1:]:
    llm = Llama(model_path=path, n_ctx=64, n_threads=1, verbose=False)
    llm.eval([1, 2, 3, 4])
    out = []
    for _ in range(4):
        tok = llm.sample(temp=0.0, top_k=1)
        out.append(int(tok))
        llm.eval([tok])
    print(json.dumps({"file": path, "tokens": out, "n_vocab": llm.n_vocab()}))
)";
    std::vector<std::string> args = {"-c", code};
    args.insert(args.end(), files.begin(), files.end());
    const auto r = test::run_program(venv_python().string(), args);
    ASSERT_EQ(r.exit_code, 0) << r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0);
    std::istringstream lines(r.out);
    std::string line;
    std::size_t n = 0;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] != '{') continue;
        const json j = json::parse(line);
        ASSERT_EQ(j["tokens"].size(), 4u) << line;
        for (const json& t : j["tokens"]) EXPECT_LT(t.get<int>(), j["n_vocab"].get<int>()) << line;
        ++n;
    }
    EXPECT_EQ(n, files.size()) << r.out;
}

TEST(ExportGgufCli, LlamaCppDecodesTheSameGreedyTokensAsMoecut) {
    if (!have_llama_cpp())
        GTEST_SKIP() << "no llama-cpp-python venv at " << venv_python().parent_path().parent_path()
                     << " (scripts/install-test-server.sh)";
    // moecut generate --model resources/models/tiny-glm5-moe --prompt "The quick brown fox"
    // --max-new-tokens 24 (greedy, F32 weights), recorded from an engine build; rechecked
    // live below when this moecut has the engine.
    const std::vector<int> prompt = {1236, 1319, 1492, 312, 891, 122, 295, 123, 132};
    std::vector<int> expected = {308, 298, 22, 268, 363, 283, 120, 329, 128, 1720, 299, 587,
                                 58,  44,  765, 298, 22, 268, 363, 283, 120, 329, 128, 1720};
    std::string ids;
    for (int t : prompt) ids += (ids.empty() ? "" : ",") + std::to_string(t);
    const auto live = run_moecut({"generate", "--model", tiny_model().string(), "--prompt-tokens", ids,
                                  "--max-new-tokens", "24", "--json"});
    if (live.exit_code == 0) {
        const json j = json::parse(live.out.substr(live.out.find('{')));
        EXPECT_EQ(j["generated_ids"].get<std::vector<int>>(), expected) << "moecut's runtime changed; re-record";
    }
    TempDir dir;
    for (const char* type : {"f32", "bf16"}) {
        const fs::path p = export_tiny(dir, std::string(type) + ".gguf", {"--type", type});
        EXPECT_EQ(llama_cpp_greedy(p, prompt, 24), expected) << type;
    }
}

// The issue's "done when": a pruned demo model (REAP plan keeping 21 of 32
// experts, 2 knowledge swaps, as scripts/demo.sh) exported at F32 decodes in
// llama.cpp exactly the greedy tokens moecut's runtime decodes; Q8_0 stays
// close (the same first tokens); Q4_0 and Q8_0 files load and generate.
TEST(ExportGgufCli, LlamaCppRunsAPrunedModelLikeMoecut) {
    if (!have_llama_cpp())
        GTEST_SKIP() << "no llama-cpp-python venv at " << venv_python().parent_path().parent_path();
    TempDir dir;
    const fs::path res = test::source_dir() / "resources/corpus";
    auto step = [](const std::vector<std::string>& args) {
        const auto r = run_moecut(args);
        EXPECT_EQ(r.exit_code, 0) << args[0] << ": " << r.err;
        return r;
    };
    step({"saliency", "--model", tiny_model().string(), "--data", "code=" + (res / "calib_code.jsonl").string(),
          "--data", "knowledge=" + (res / "calib_knowledge.jsonl").string(), "--seq-len", "128", "--max-tokens", "4096",
          "--out", (dir / "sal.safetensors").string()});
    step({"plan", "--saliency", (dir / "sal.safetensors").string(), "--keep", "21", "--criterion", "reap", "--domain",
          "code", "--swap-domain", "knowledge", "--swaps", "2", "--out", (dir / "plan.json").string()});
    step({"prune", "--model", tiny_model().string(), "--plan", (dir / "plan.json").string(), "--out",
          (dir / "pruned").string()});
    const std::vector<int> prompt = {1236, 1319, 1492, 312, 891, 122, 295, 123, 132};
    std::string ids;
    for (int t : prompt) ids += (ids.empty() ? "" : ",") + std::to_string(t);
    const auto live = run_moecut({"generate", "--model", (dir / "pruned").string(), "--prompt-tokens", ids,
                                  "--max-new-tokens", "24", "--json"});
    if (live.exit_code != 0) GTEST_SKIP() << "this moecut has no runtime (engine): " << live.err;
    const auto expected = json::parse(live.out.substr(live.out.find('{')))["generated_ids"].get<std::vector<int>>();
    ASSERT_FALSE(expected.empty());
    auto exported = [&](const std::string& type) {
        const fs::path p = dir / ("pruned-" + type + ".gguf");
        step({"export", "gguf", "--model", (dir / "pruned").string(), "--out", p.string(), "--type", type});
        return p;
    };
    EXPECT_EQ(llama_cpp_greedy(exported("f32"), prompt, 24), expected) << "f32";
    const auto q8 = llama_cpp_greedy(exported("q8_0"), prompt, 24);
    const std::size_t n = std::min<std::size_t>({4, expected.size(), q8.size()});
    ASSERT_GT(n, 0u) << "q8_0 generated nothing";
    EXPECT_TRUE(std::equal(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(n), q8.begin()))
        << "q8_0 diverges at once";
    EXPECT_FALSE(llama_cpp_greedy(exported("q4_0"), prompt, 24).empty()) << "q4_0";
}

// --type q4_k_m (a mixture) and --imatrix: the plan's file type and reasons; an
// imatrix whose sizes do not fit stops with one line naming it (the demo model's
// widths make every K-quant fall back, so the bytes are tested in tests/core).
TEST(ExportGgufCli, MixtureAndImatrix) {
    auto r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--dry-run", "--json", "--type", "q4_k_m"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["metadata"]["general.file_type"]["value"], 15);
    int seen = 0;
    for (const json& t : j["tensors"]) {
        if (t["name"] != "blk.2.ffn_down_exps.weight") continue;
        ++seen;
        EXPECT_EQ(t["reason"].get<std::string>().rfind("mixture Q4_K_M: routed experts at q4_K", 0), 0u) << t["reason"];
    }
    EXPECT_EQ(seen, 1);
    TempDir dir;
    r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--out", (dir / "x.gguf").string(), "--type", "q4_0",
                    "--imatrix", (test::test_data_dir() / "gguf_ref/imatrix_small.gguf").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("imatrix_small.gguf: blk.1."), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("imatrix size"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.gguf"));
    r = run_moecut({"export", "gguf", "--model", tiny_model().string(), "--dry-run", "--type", "q4_k_x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("q4_k_m"), std::string::npos) << r.err;  // the mixtures are listed
}

// Real llama-quantize (libllama's llama_model_quantize through llama-cpp-python)
// with an importance matrix on a checkpoint of K-quantizable widths: every type
// byte-identical to moecut's export, and Q4_K_M differing only as documented
// (scripts/check_gguf_vs_llama_quantize.py prints the comparison).
TEST(ExportGgufCli, ImatrixExportMatchesLlamaQuantize) {
    if (!have_llama_cpp()) GTEST_SKIP() << "no llama-cpp-python venv at " << venv_python().parent_path().parent_path();
    TempDir dir;
    const auto r = test::run_program(venv_python().string(),
                                     {(test::source_dir() / "scripts/check_gguf_vs_llama_quantize.py").string(), MOECUT_BIN,
                                      (dir / "work").string()});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
    EXPECT_NE(r.out.find("pure q4_k: 27 tensors (16 quantized), 0 differ"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("q4_k_m: 27 tensors, 18 of equal type (byte-identical), 0 unexpected"), std::string::npos) << r.out;
}

} // namespace
} // namespace moecut
