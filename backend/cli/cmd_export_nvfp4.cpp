// moecut export nvfp4 --model DIR --out DIR2 [--quantize REGEX]... [--keep REGEX]...
//   [--no-experts] [--quant-algo NVFP4|W4A16_NVFP4] [--input-scale X] [--threads N]
//   [--max-shard-size BYTES] [--dry-run [--json]]
// Writes an NVFP4 checkpoint in NVIDIA ModelOpt's format, which vLLM loads
// (moecut/nvfp4_export.h): routed experts quantised, everything else kept,
// streamed one tensor at a time into a folder that appears complete or not
// at all, with progress on stderr. --dry-run prints the plan without
// reading tensor data. Exit 2 on bad input.
#include "commands.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/nvfp4_export.h"
#include "moecut/progress.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace moecut::cli {

namespace {
struct ExportNvfp4Args {
    std::string model, out, quant_algo = "NVFP4";
    std::vector<std::string> quantize, keep;
    bool no_experts = false, dry_run = false, json = false;
    float input_scale = 1.0f;
    int threads = 0;
    std::uint64_t max_shard_bytes = 5ull << 30;
};

void run(const ExportNvfp4Args& a) {
    Nvfp4ExportOptions o;
    o.quantize = a.quantize;
    o.keep = a.keep;
    o.quantize_routed_experts = !a.no_experts;
    o.quant_algo = a.quant_algo;
    o.input_scale = a.input_scale;
    o.threads = a.threads;
    o.max_shard_bytes = a.max_shard_bytes;
    o.version = MOECUT_VERSION;
    const Checkpoint ckpt = Checkpoint::open(a.model);
    const Nvfp4ExportPlan plan = plan_nvfp4_export(ckpt, o);
    if (a.dry_run) {
        if (a.json) fmt::print("{}\n", plan.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
        else fmt::print("{}", plan.to_text());
        std::fflush(stdout);
        return;
    }
    if (a.out.empty()) throw_input("--out", "required unless --dry-run");
    if (plan.modules.empty()) throw_input(a.model, "no tensor to quantise (no routed experts, no --quantize match)");
    for (const std::string& n : plan.notes) fmt::print(stderr, "note: {}\n", n);
    ProgressReporter progress("export-nvfp4", plan.bytes_in);
    write_nvfp4_export(ckpt, plan, o, a.out, &progress);
    fmt::print("wrote {}: {} quantised modules, {} tensors, {} bytes\n", a.out, plan.modules.size(), plan.tensors.size(),
               plan.bytes_out);
}

void register_export_nvfp4(CLI::App& root) {
    auto args = std::make_shared<ExportNvfp4Args>();
    CLI::App* exp = root.get_subcommand("export");  // made by cmd_export_gguf.cpp (order 80)
    CLI::App* cmd = exp->add_subcommand("nvfp4", "Write an NVFP4 checkpoint in NVIDIA ModelOpt's format (vLLM modelopt_fp4)");
    cmd->add_option("--model", args->model, "Checkpoint folder (config.json, safetensors)")->required();
    cmd->add_option("--out", args->out, "Output folder (must not exist; written atomically)");
    cmd->add_option("--quantize", args->quantize,
                    "REGEX: also quantise the 2-D weights whose name matches (searched, ECMAScript) (repeatable)");
    cmd->add_option("--keep", args->keep, "REGEX: never quantise weights whose name matches; wins over the rest (repeatable)");
    cmd->add_flag("--no-experts", args->no_experts, "Do not quantise the routed experts by default");
    cmd->add_option("--quant-algo", args->quant_algo, "NVFP4 (W4A4, writes input_scale) or W4A16_NVFP4 (weights only)")
        ->check(CLI::IsMember({"NVFP4", "W4A16_NVFP4"}))
        ->capture_default_str();
    cmd->add_option("--input-scale", args->input_scale,
                    "Value of every input_scale (activation amax / 2688); no calibration is done")
        ->capture_default_str();
    cmd->add_option("--threads", args->threads, "Quantiser threads (0: all cores)")->capture_default_str();
    cmd->add_option("--max-shard-size", args->max_shard_bytes, "Largest shard in bytes")->capture_default_str();
    cmd->add_flag("--dry-run", args->dry_run, "Print the plan (tensors quantised or kept, sizes, config); read no tensor data");
    cmd->add_flag("--json", args->json, "With --dry-run: the plan as JSON");
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterExportNvfp4{81, register_export_nvfp4};

} // namespace moecut::cli
