// `moecut saliency`, behind a torch-free header so the CLI's own files do
// not compile LibTorch headers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moecut::engine {

struct SaliencyCommand {
    std::string model, out, tokenizer;
    std::vector<std::string> data;    // "[DOMAIN=]FILE"
    std::int64_t seq_len = 2048;
    std::uint64_t max_tokens = 0;     // 0 = all the data
    int batch = 8;
    bool no_pack = false;
    std::uint64_t seed = 0;
    std::string device = "cpu";       // cpu | cuda | cuda:N
    std::string dtype = "float32";    // float32 | bfloat16
    std::string gate = "applied";     // applied | softmax-all
    bool restart = false;             // ignore a saved state
};

// Runs it (data-parallel when torchrun/Slurm variables say so); prints a
// summary on stdout from rank 0. InputError for bad input.
void run_saliency_command(const SaliencyCommand& args);

} // namespace moecut::engine
