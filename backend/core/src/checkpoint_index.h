// Reading model.safetensors.index.json (private to moecut_core): only its
// weight_map, parsed without building a JSON tree, for checkpoints of ~100k tensors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace moecut {

struct ShardIndex {
    std::vector<std::string> shards;                           // names as written in the index, sorted
    std::vector<std::pair<std::string, std::uint32_t>> tensors;  // (tensor, index into shards), sorted by name
};

// InputError "FILE: [TENSOR: ]problem" when the file is not valid JSON, has no
// weight_map object, maps a tensor to something other than a file name inside
// the folder, or maps one tensor to two different shards.
ShardIndex read_shard_index(const std::filesystem::path& path);

} // namespace moecut
