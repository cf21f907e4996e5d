// moecut export gguf --model DIR --out FILE.gguf [--type T] [--tensor-type 'PATTERN=TYPE']...
//   [--mtp drop|keep] [--fill-shared-indexer] [--tokenizer-pre NAME] [--name NAME] [--dry-run [--json]]
//   [--threads N] [--device cpu|cuda]
// Writes one GGUF file that stock llama.cpp loads (moecut/gguf_export.h):
// streamed one tensor at a time, atomically, with progress on stderr.
// --threads splits each tensor's quantisation over N threads; --device cuda
// quantizes Q8_0/Q4_0/Q2_K..Q6_K chunks with the CUDA kernels (same bytes),
// falling back to the CPU with a note when no device is usable.
// --dry-run prints the plan (metadata, every tensor's type, shape and size)
// without reading tensor data. Exit 2 on bad input.
#include "commands.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_mixture.h"
#include "moecut/gguf_reader.h"
#include "moecut/progress.h"
#include "moecut/kernels/gguf_quantize.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace moecut::cli {

namespace {
struct ExportGgufArgs {
    std::string model, out, type = "f16", mtp = "drop", tokenizer_pre, name, imatrix;
    std::vector<std::string> tensor_types;
    bool fill_shared_indexer = false, dry_run = false, json = false;
    int threads = 0;
    std::string device = "cpu";
};

// Chunks smaller than this stay on the CPU (transfer and launch cost more).
constexpr std::int64_t kMinCudaValues = 1 << 16;

GgufWriteOptions write_options(const ExportGgufArgs& a) {
    GgufWriteOptions w;
    w.threads = a.threads;
    if (a.device != "cuda") return w;
    if (!kernels::gguf_quantize_cuda_available()) {
        fmt::print(stderr, "note: --device cuda: {}; quantizing on the CPU\n",
                   kernels::gguf_quantize_cuda_built() ? "no usable CUDA device" : "this build has no CUDA kernels");
        return w;
    }
    w.accelerator = [](GgmlType type, const float* x, std::int64_t n, std::byte* out) {
        if (n < kMinCudaValues || !kernels::gguf_quant_supported(static_cast<int>(type))) return false;
        kernels::gguf_quantize_cuda_host(static_cast<kernels::GgufQuantType>(static_cast<int>(type)), x, n,
                                         reinterpret_cast<std::uint8_t*>(out));
        return true;
    };
    return w;
}

void run(const ExportGgufArgs& a) {
    GgufExportOptions o;
    const auto t = ggml_type_from_name(a.type);
    if (gguf_mixture_from_name(a.type)) o.mixture = a.type;
    else if (!t)
        throw_input("--type", fmt::format("unknown ggml type or mixture '{}' (f32, f16, bf16, q8_0, q4_0, q2_k..q6_k; {})", a.type,
                                          gguf_mixture_names()));
    else o.type = *t;
    o.imatrix = a.imatrix;
    for (const std::string& r : a.tensor_types) o.tensor_types.push_back(parse_gguf_type_rule(r));
    o.mtp = a.mtp == "keep" ? MtpMode::Keep : MtpMode::Drop;
    o.fill_shared_indexer = a.fill_shared_indexer;
    if (!a.tokenizer_pre.empty()) o.tokenizer_pre = a.tokenizer_pre;
    o.name = a.name;
    const Checkpoint ckpt = Checkpoint::open(a.model);
    const GgufExportPlan plan = plan_gguf_export(ckpt, o);
    if (a.dry_run) {
        if (a.json) fmt::print("{}\n", plan.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
        else fmt::print("{}", plan.to_text());
        std::fflush(stdout);
        return;
    }
    if (a.out.empty()) throw_input("--out", "required unless --dry-run");
    for (const std::string& n : plan.notes) fmt::print(stderr, "note: {}\n", n);
    ProgressReporter progress("export-gguf", plan.layout.data_size());
    write_gguf_export(ckpt, plan, a.out, &progress, write_options(a));
    const GgufFile check = GgufFile::open(a.out);  // what llama.cpp's loader checks, on the written file
    fmt::print("wrote {}: {} ({} tensors, {} bytes)\n", a.out, plan.architecture, check.tensors().size(), check.file_size());
}

void register_export(CLI::App& root) {
    auto args = std::make_shared<ExportGgufArgs>();
    CLI::App* exp = root.add_subcommand("export", "Export a checkpoint for other runtimes (gguf: llama.cpp)");
    exp->require_subcommand(1);
    CLI::App* cmd = exp->add_subcommand("gguf", "Write a GGUF file that stock llama.cpp loads");
    cmd->add_option("--model", args->model, "Checkpoint folder (config.json, safetensors, tokenizer.json)")->required();
    cmd->add_option("--out", args->out, "Output .gguf file (written atomically)");
    cmd->add_option("--type", args->type,
                    "ggml type of the weight matrices (f32, f16, bf16, q8_0, q4_0, q2_k, q3_k, q4_k, q5_k, q6_k) or a mixture: routed "
                    "experts at its base type, the rest higher (q2_k_m, q3_k_m, q4_k_s, q4_k_m, q5_k_s, q5_k_m, q6_k_m)")
        ->capture_default_str();
    cmd->add_option("--imatrix", args->imatrix,
                    "Importance matrix from llama-imatrix (GGUF or legacy .dat) for q4_0 and q2_k..q6_k tensors");
    cmd->add_option("--tensor-type", args->tensor_types,
                    "PATTERN=TYPE: tensors whose GGUF name matches the regex PATTERN get TYPE; first match wins (repeatable)");
    cmd->add_option("--mtp", args->mtp, "MTP (nextn) layers: drop (most portable) or keep")
        ->check(CLI::IsMember({"drop", "keep"}))
        ->capture_default_str();
    cmd->add_flag("--fill-shared-indexer", args->fill_shared_indexer,
                  "Give shared DSA indexer layers the previous full layer's indexer (for llama.cpp without indexer.types)");
    cmd->add_option("--tokenizer-pre", args->tokenizer_pre, "tokenizer.ggml.pre (default: recognised from tokenizer.json)");
    cmd->add_option("--name", args->name, "general.name (default: the folder's name)");
    cmd->add_option("--threads", args->threads, "Quantisation threads (0: one per CPU core)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--device", args->device, "Quantize on cpu or cuda (the CUDA kernels; same bytes; CPU fallback)")
        ->check(CLI::IsMember({"cpu", "cuda"}))
        ->capture_default_str();
    cmd->add_flag("--dry-run", args->dry_run, "Print the plan (metadata, tensor types and sizes); read no tensor data");
    cmd->add_flag("--json", args->json, "With --dry-run: the plan as JSON");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterExport{80, register_export};

} // namespace moecut::cli
