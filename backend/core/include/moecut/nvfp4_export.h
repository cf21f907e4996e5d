// Exporting a checkpoint folder to an NVFP4 checkpoint in NVIDIA ModelOpt's
// format, which vLLM loads (quantization "modelopt_fp4"); docs/export.md has
// the layout, the config fields and their sources.
//
// plan_nvfp4_export() reads config.json and the safetensors headers only and
// decides every output tensor: which Linear weights are quantised (by default
// the routed experts; --quantize / --keep rules change that), which are kept
// as they are, the groups that share one global scale (gate_proj and up_proj
// of one module, which vLLM fuses), and the new config files.
// write_nvfp4_export() then streams the folder: one tensor at a time, into a
// temporary folder that is fsynced and renamed (AtomicDir).
//
// Per quantised module X (ModelOpt's names):
//   X.weight          U8      [out, in/2]   two E2M1 codes per byte, even element low
//   X.weight_scale    F8_E4M3 [out, in/16]  one scale per 16 inputs
//   X.weight_scale_2  F32     []            amax / (6 * 448), shared by the fused group
//   X.input_scale     F32     []            Options::input_scale (no calibration; see docs)
// Kept tensors keep their name, dtype and bytes; FP8 block-quantised weights
// (with a weight_scale_inv sibling) are dequantised to BF16 (quantised ones
// are dequantised to float first). Fused transformers-v5 experts
// (experts.gate_up_proj [E, 2I, H], experts.down_proj [E, H, I]) are written
// per expert (experts.<e>.gate_proj ...), as ModelOpt and vLLM name them.
#pragma once

#include "moecut/dtype.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace moecut {

class Checkpoint;
class ProgressReporter;

struct Nvfp4ExportOptions {
    // ECMAScript regexes searched in the output weight name
    // ("model.layers.3.mlp.experts.7.gate_proj.weight"). A 2-D ".weight" is
    // quantised when it is a routed expert (unless quantize_routed_experts
    // is off) or matches a `quantize` rule, and matches no `keep` rule.
    std::vector<std::string> quantize;
    std::vector<std::string> keep;
    bool quantize_routed_experts = true;
    // "NVFP4" (W4A4; input_scale written) or "W4A16_NVFP4" (weights only; no
    // input_scale; vLLM 2026 and later).
    std::string quant_algo = "NVFP4";
    // The value of every input_scale (activation amax / 2688). Without
    // calibration data 1.0: vLLM's Marlin (Hopper) and W4A16 paths ignore it.
    float input_scale = 1.0f;
    std::uint64_t max_shard_bytes = 5ull << 30;
    int threads = 0;  // quantiser threads; <= 0: the hardware's
    std::string version = "dev";  // moecut's version, recorded in hf_quant_config.json
};

// One output tensor.
struct Nvfp4OutTensor {
    enum class Kind { Copy, ToBf16, Packed, BlockScales, GlobalScale, InputScale };
    std::string name;
    Kind kind = Kind::Copy;
    DType dtype = DType::BF16;
    std::vector<std::int64_t> shape;
    std::string source;   // checkpoint tensor (Copy, ToBf16); the others: see module
    std::int64_t row_begin = 0, rows = -1;  // Copy: rows of source viewed 2-D; -1 = all
    int module = -1;      // index into Nvfp4ExportPlan::modules (Packed .. InputScale)
    std::uint64_t nbytes = 0;
};

// One quantised Linear: rows [row_begin, row_begin + rows) of a checkpoint
// tensor viewed as 2-D [*, cols].
struct Nvfp4Module {
    std::string name;     // output module path, "model.layers.1.mlp.experts.3.gate_proj"
    std::string source;   // checkpoint tensor
    std::int64_t row_begin = 0, rows = 0, cols = 0;
    int group = -1;       // index into Nvfp4ExportPlan::groups
    std::string reason;   // "routed expert", "rule 'self_attn'"
};

struct Nvfp4ExportPlan {
    std::vector<Nvfp4OutTensor> tensors;    // in output order
    std::vector<Nvfp4Module> modules;
    std::vector<std::vector<int>> groups;   // modules sharing one weight_scale_2
    std::vector<std::string> exclude_modules;  // kept Linear modules (exclude_modules / ignore)
    std::vector<std::string> side_files;    // copied unchanged (tokenizer, generation config, ...)
    std::vector<std::string> notes;         // what the user should know (kept because in % 16 != 0, ...)
    nlohmann::ordered_json config;          // config.json as written
    nlohmann::ordered_json hf_quant_config; // hf_quant_config.json as written
    std::uint64_t bytes_in = 0;             // source tensor bytes read
    std::uint64_t bytes_out = 0;            // tensor bytes written
    std::int64_t quantized_params = 0, kept_params = 0;

    std::string to_text() const;
    nlohmann::ordered_json to_json() const;
};

// Reads headers and config only. InputError for a checkpoint that is already
// NVFP4, a rule that is not a valid regex, an unknown quant_algo.
Nvfp4ExportPlan plan_nvfp4_export(const Checkpoint& ckpt, const Nvfp4ExportOptions& options);

// Writes the folder `out` (must not exist) atomically. progress counts
// source bytes read.
void write_nvfp4_export(const Checkpoint& ckpt, const Nvfp4ExportPlan& plan, const Nvfp4ExportOptions& options,
                        const std::filesystem::path& out, ProgressReporter* progress);

} // namespace moecut
