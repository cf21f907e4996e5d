// Importance matrices (llama-imatrix output) for GGUF quantization, read as
// llama-quantize reads them (common/imatrix-loader.cpp + tools/quantize
// load_imatrix, llama.cpp 2026-10):
//   GGUF (current llama-imatrix): per weight `<name>.in_sum2` (F32, ne
//     [values per matrix, n_mat]) and `<name>.counts` (F32, ne [1, n_mat]);
//     importance = in_sum2 / lround(count) per matrix (1 where the count is 0).
//     imatrix.datasets / chunk_count / chunk_size are required (as there).
//   legacy .dat: i32 entry count, per entry (i32 name length, name, i32 ncall,
//     i32 nval, nval f32), optional trailing chunk count and dataset name;
//     importance = value / ncall (the values as stored when ncall is 0).
// Names are the GGUF tensor names of the model llama-imatrix ran on. For
// stacked expert tensors (ffn_*_exps, ne [in, out, E]) the values are ne[0]
// per expert; a pruned checkpoint's experts are mapped back to the original
// ids through its moecut_provenance.json, so an imatrix of the unpruned
// model serves the pruned export.
#pragma once

#include "moecut/gguf.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace moecut {

struct GgufExportTensor;

class GgufImatrix {
public:
    // InputError("FILE: problem") for a file that is neither format or is malformed.
    static GgufImatrix load(const std::filesystem::path& path);

    bool legacy() const { return legacy_; }
    const std::vector<std::string>& datasets() const { return datasets_; }
    std::int64_t chunk_count() const { return chunk_count_; }
    std::size_t size() const { return entries_.size(); }
    // The importance values llama-quantize derives for this name (all matrices
    // concatenated), or null.
    const std::vector<float>* find(const std::string& name) const;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    bool legacy_ = false;
    std::vector<std::string> datasets_;
    std::int64_t chunk_count_ = 0;
    std::map<std::string, std::vector<float>> entries_;
};

// GGUF layer -> original expert id of each current expert, from
// moecut_provenance.json (chained prunes composed); empty when the folder was
// not pruned by moecut. Layer keys are the checkpoint's layer indices, which
// the export keeps as blk.N.
std::map<int, std::vector<int>> expert_origins(const std::filesystem::path& checkpoint_dir);

// The importance values for one GGUF tensor with ggml shape ne (ne[0] per
// matrix, ne[2] matrices; what ggml_quantize_chunk gets per expert), or empty
// when the imatrix has no entry (llama-quantize then quantizes without).
// An entry with E_orig matrices for an expert tensor of ne[2] < E_orig is
// gathered through origins (new expert j = origins[layer][j]). InputError when
// the sizes do not fit (llama-quantize's "imatrix size ... is different"),
// except for token_embd, which llama-quantize also lets go without (note set).
std::vector<float> imatrix_for_tensor(const GgufImatrix& im, const std::string& name, const std::vector<std::int64_t>& ne,
                                      const std::map<int, std::vector<int>>& origins, std::string& note);

// Quantizes rows [first_row, first_row + nrows) of t (ne[0] values each; rows
// counted over all experts) to t.type, as llama-quantize's
// llama_tensor_quantize_impl: each expert's rows get that expert's slice of
// t.imatrix (ggml_quantize_chunk), or none when t.imatrix is empty.
void quantize_export_rows(const GgufExportTensor& t, std::int64_t first_row, const float* x, std::int64_t nrows, std::byte* out);

} // namespace moecut
