// Evaluation of a trained tiny model (train-tiny writes it as eval.json):
//   "perplexity"  per probe source: token perplexity of the held-out probe
//                 prompts (probes.jsonl), each read after <|endoftext|>
//   "routing"     per calibration domain (calib_code, calib_knowledge) and
//                 MoE layer: how often each expert is in the top-k, with the
//                 min / median / max share, Gini coefficient and normalised
//                 entropy of those frequencies
//   "samples"     greedy continuations of a few fixed prompts
// It runs the checkpoint through the inference runtime (Model::forward), so it
// also checks that what was written loads and means what training meant.
#pragma once

#include "moecut/progress.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace moecut::engine {

nlohmann::ordered_json evaluate_tiny(const std::filesystem::path& model_dir, const std::filesystem::path& corpus_dir,
                             ProgressReporter::Mode progress = ProgressReporter::Mode::Auto);

// Frequency statistics of one layer's expert counts.
struct RoutingStats {
    double min_share = 0, median_share = 0, max_share = 0;  // of all top-k slots
    double gini = 0;                                        // 0 = uniform
    double entropy = 0;                                     // normalised to [0, 1]; 1 = uniform
};
RoutingStats routing_stats(const std::vector<double>& counts);

} // namespace moecut::engine
