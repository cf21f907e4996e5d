// Saliency files: per-(layer, expert) routing statistics of a model on
// calibration data, split by domain. Read and written without LibTorch (the
// GUI reads them); computing them is the engine's job.
//
// Format: one safetensors file. Every tensor is F32 of shape [rows, experts]
// and is named "<statistic>.<domain>". Row r describes the MoE block of layer
// layers[r]: the trunk MoE layers in ascending order, then the MTP layers.
// Domain "all" is always present; every domain has all six statistics:
//
//   count      number of tokens routed to the expert (it was among the top-k)
//   gate_sum   sum over those tokens of the gate weight g the model really
//              applied to the expert's output (after normalisation and
//              routed_scaling_factor)
//   reap       REAP saliency: mean over those tokens of g * ||f(x)||_2, where
//              f(x) is the expert's own output; 0 when count is 0
//              (CerebrasResearch/reap src/reap/pruning_metrics.py; see
//              shared/specs/reap_peers.md section 1.1)
//   frequency  count / tokens: the share of the domain's tokens that use the
//              expert (each row sums to top_k)
//   ean        expert activation norm: sum over routed tokens of ||f(x)||_2,
//              divided by the domain's token count. Within a domain it ranks
//              experts exactly as REAP's "ean_sum" does; the division makes
//              domains of different sizes comparable
//   norm_max   the largest ||f(x)||_2 over routed tokens (0 when count is 0);
//              used to find "super experts" (super_experts.h)
//
// Sums are recoverable (reap * count, ean * tokens), so files of the same
// model can be merged exactly.
//
// "__metadata__" (all values strings):
//   moecut.saliency  "1" (format version)
//   layers           JSON array: the layer index of each row
//   mtp_layers       JSON array: the rows' layers that are MTP layers
//   domains          JSON array of domain names, "all" first
//   tokens           JSON object: domain -> calibration tokens
//   model_type, model_hash (checkpoint_fingerprint), data_hash
//   experts, top_k, n_group, topk_group   the router the statistics came from
//   anything else the writer adds (kept in SaliencyTable::extra)
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

// The six statistics, in file order.
const std::vector<std::string>& saliency_statistics();

// Running sums over tokens for one domain, from which the statistics are made.
struct SaliencySums {
    std::vector<double> count, gate_sum, reap_sum, norm_sum, norm_max;  // [rows * experts]
    void resize(std::size_t rows, std::size_t experts);
};

struct SaliencyTable {
    std::vector<int> layers;      // layer index of each row
    std::vector<int> mtp_layers;  // the subset of layers that are MTP layers
    std::int64_t experts = 0;
    std::vector<std::string> domains;              // "all" first
    std::map<std::string, std::uint64_t> tokens;   // per domain
    std::string model_type, model_hash, data_hash;
    std::int64_t top_k = 0, n_group = 1, topk_group = 1;
    std::map<std::string, std::string> extra;      // other metadata, kept as read
    // values[statistic][domain]: rows * experts floats, row-major.
    std::map<std::string, std::map<std::string, std::vector<float>>> values;

    std::size_t rows() const { return layers.size(); }
    bool has_domain(std::string_view domain) const;
    // Throws InputError("SALIENCY: ...") if absent.
    const std::vector<float>& matrix(std::string_view statistic, std::string_view domain) const;
    float at(std::string_view statistic, std::string_view domain, std::size_t row, std::size_t expert) const;

    // Adds (or replaces) a domain from running sums over `tokens` tokens.
    void set_domain(const std::string& domain, const SaliencySums& sums, std::uint64_t tokens);

    // Structural checks: "all" present, every domain has every statistic with
    // rows*experts values, the layer list has no repeats, the values are
    // finite and non-negative. Throws InputError("FILE: problem").
    void validate(const std::string& file_for_messages) const;
};

// Domain names: 1-64 characters of [A-Za-z0-9_-].
bool valid_domain_name(std::string_view name);

// Writes atomically. Throws InputError if the table is invalid.
void write_saliency_file(const std::filesystem::path& path, const SaliencyTable& table);
// Reads and validates. Throws InputError("FILE: [TENSOR: ]problem").
SaliencyTable read_saliency_file(const std::filesystem::path& path);

} // namespace moecut
