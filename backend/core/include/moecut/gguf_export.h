// Exporting a checkpoint folder to one GGUF file that stock llama.cpp loads.
//
// plan_gguf_export() reads config.json, tokenizer files and the safetensors
// headers only, and decides everything: the llama.cpp architecture and its
// metadata, the tokenizer keys, every GGUF tensor with its ggml type, shape
// (ggml order), byte size and the checkpoint tensors it is made of.
// write_gguf_export() then streams the file: one GGUF tensor at a time (each
// source tensor read, converted to float, quantized and appended), written
// atomically. Facts about llama.cpp are from the version vendored by
// llama-cpp-python 0.3.36 (llama.cpp 2026-10-01); docs/export.md lists them.
//
// Supported now: glm_moe_dsa (GLM-5.x) -> "glm-dsa", glm4_moe -> "glm4moe",
// deepseek_v3 -> "deepseek2", deepseek_v32 -> "deepseek32", qwen3_moe -> "qwen3moe",
// qwen2_moe -> "qwen2moe", mixtral -> "llama".
// Types: f32, f16, bf16, q8_0, q4_0, q2_k..q6_k (byte-identical to ggml's
// reference quantizers, no imatrix); other ggml types can be planned (--dry-run)
// but not written yet.
#pragma once

#include "moecut/gguf.h"
#include "moecut/gguf_writer.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace moecut {

class Checkpoint;
class ProgressReporter;

enum class MtpMode { Drop, Keep };

struct GgufTypeRule {
    std::string pattern;  // ECMAScript regex, searched in the GGUF tensor name (lower-cased, as llama-quantize does)
    GgmlType type;
};

// Parses "PATTERN=TYPE" (TYPE a ggml type name such as q8_0, bf16). InputError otherwise.
GgufTypeRule parse_gguf_type_rule(const std::string& text);

struct GgufExportOptions {
    GgmlType type = GgmlType::F16;            // matrices; norms, biases, routers stay F32
    std::vector<GgufTypeRule> tensor_types;   // first match wins
    MtpMode mtp = MtpMode::Drop;
    // GLM-5.2-style "shared" indexer layers carry no indexer weights; llama.cpp
    // builds without attention.indexer.types treat every layer as "full" and
    // need them: fill copies the previous full layer's indexer tensors into
    // each shared layer and omits attention.indexer.types.
    bool fill_shared_indexer = false;
    std::optional<std::string> tokenizer_pre;  // tokenizer.ggml.pre; default: from the pre-tokenizer regex
    std::string name;                          // general.name; default: the folder's name
    std::string mixture;            // a named mixture (moecut/gguf_mixture.h, --type q4_k_m); replaces type when set
    std::filesystem::path imatrix;  // llama-imatrix output (moecut/gguf_imatrix.h); empty: none
};

// One piece of a GGUF tensor's data, in ggml order: rows of a source tensor
// viewed as 2-D [rows, cols] (cols = its last dim), or zeros.
struct GgufSourcePiece {
    enum class Kind { Rows, TransposedRows, Zeros };
    Kind kind = Kind::Rows;
    std::string tensor;           // checkpoint tensor name (Rows, TransposedRows)
    std::int64_t row_begin = 0;   // Rows/TransposedRows: first source row
    std::int64_t row_count = -1;  // -1: all rows
    std::int64_t zeros = 0;       // Zeros: element count
};

struct GgufExportTensor {
    std::string name;                    // GGUF name, e.g. "blk.3.ffn_up_exps.weight"
    GgmlType type = GgmlType::F32;
    std::vector<std::int64_t> ne;        // ggml order
    std::vector<GgufSourcePiece> pieces; // concatenated, they give the tensor's elements in ggml order
    std::string type_reason;             // "default", "F32: norm", "rule 'ffn_.*_exps=q8_0'", "fallback: ..."
    std::uint64_t nbytes = 0;
    std::vector<float> imatrix;          // importance values, ne[0] per expert (ne[2]); empty: none
};

struct GgufExportPlan {
    std::string architecture;            // llama.cpp arch name
    GgufLayout layout;                   // metadata and tensor infos, ready to write
    std::vector<GgufExportTensor> tensors;  // same order as layout.tensors()
    std::vector<std::string> notes;      // decisions worth telling the user
    std::vector<std::string> skipped;    // checkpoint tensors not exported (MTP when dropped, ...)

    nlohmann::json to_json() const;      // the --dry-run --json plan (no tensor data)
    std::string to_text() const;         // the --dry-run plan, readable
};

// InputError for an unsupported family, a missing tensor, a tensor whose
// shape disagrees with config.json, or a pattern/type that cannot apply.
GgufExportPlan plan_gguf_export(const Checkpoint& ckpt, const GgufExportOptions& options);

// How write_gguf_export computes the bytes; the file is the same either way.
struct GgufWriteOptions {
    int threads = 0;  // quantisation threads (row ranges of one tensor); 0 = hardware_concurrency
    // Optional replacement for quantize_row on a whole chunk (e.g. the CUDA
    // kernels): returns false to decline (the CPU path runs instead). It must
    // give quantize_row's bytes.
    std::function<bool(GgmlType, const float*, std::int64_t, std::byte*)> accelerator;
};

// quantize_row over n values (a multiple of row, itself a multiple of the
// block size) split by row ranges over up to `threads` threads (0 =
// hardware_concurrency; small inputs stay on the calling thread). Same bytes
// as quantize_row(type, x, n, out).
void quantize_rows_parallel(GgmlType type, const float* x, std::int64_t n, std::int64_t row, std::byte* out, int threads);

// Writes the plan's file at out (atomically; nothing at out on failure).
// progress, if given, counts bytes of tensor data. Memory stays bounded by
// one source piece (the rows of one checkpoint tensor) and its packed bytes.
void write_gguf_export(const Checkpoint& ckpt, const GgufExportPlan& plan, const std::filesystem::path& out,
                       ProgressReporter* progress = nullptr, const GgufWriteOptions& write = {});

// The tokenizer.ggml.* / tokenizer.chat_template keys for a checkpoint folder
// (tokenizer.json, tokenizer_config.json, config.json); vocab_size rows.
// Adds to layout; notes receives decisions (pre-tokenizer guessed, ...).
void add_gguf_tokenizer(const std::filesystem::path& dir, const nlohmann::json& config, std::int64_t vocab_size,
                        const std::string& model_type, const std::optional<std::string>& pre, GgufLayout& layout,
                        std::vector<std::string>& notes);

} // namespace moecut
