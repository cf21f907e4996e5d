// The resumable state of a saliency run (torch-free part): state.json and
// the files it names, in a folder of its own (one per rank).
//
// After each finished step (a decoder layer, or the MTP layer) the runner
// writes the next step's inputs to new files (each atomically: temp, fsync,
// rename), then state.json naming them (atomically too), then deletes the
// files no longer named. Killed at any point, the folder holds a consistent
// state.json and every file it names. A state whose fingerprint (model,
// data, options) differs from the run's is ignored and replaced.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace moecut {

struct SaliencyState {
    std::string fingerprint;
    int done = 0;                     // steps finished
    int last_layer = -1;              // the layer of the last finished step (for messages)
    std::string hidden;               // file of the next step's hidden states ("" before the first layer)
    std::string index;                // file of the DSA indexer selection ("" = none yet)
    std::vector<std::uint64_t> index_bytes;  // per batch: bytes in `index` (0 = no selection)
    std::string sums;                 // file of the running sums (doubles)
};

// state.json in dir, or nothing when absent. A malformed one is an InputError
// naming it (delete the folder to start over).
std::optional<SaliencyState> read_saliency_state(const std::filesystem::path& dir);
void write_saliency_state(const std::filesystem::path& dir, const SaliencyState& state);
// Removes files in dir that state.json does not name.
void prune_saliency_state(const std::filesystem::path& dir, const SaliencyState& state);

// Raw files of consecutive chunks, written atomically.
void write_doubles(const std::filesystem::path& path, std::span<const double> values);
std::vector<double> read_doubles(const std::filesystem::path& path, std::size_t count);
// Reads `bytes` bytes at `offset` of a file into dst (InputError if the file is short).
void read_chunk(const std::filesystem::path& path, std::uint64_t offset, std::span<std::byte> dst);

} // namespace moecut
