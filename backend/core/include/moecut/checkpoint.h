// A Hugging Face checkpoint folder: config.json plus either model.safetensors
// or model.safetensors.index.json and the shards it names.
#pragma once

#include "moecut/safetensors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace moecut {

class Checkpoint {
public:
    struct Entry {
        const SafetensorsFile* file;
        const TensorInfo* info;
    };

    // Opens the folder and validates every shard header (no tensor data is
    // read). Every shard the index names must exist; every tensor the index
    // maps must be in the shard it names; a tensor in two shards is an error.
    static Checkpoint open(const std::filesystem::path& dir);

    const std::filesystem::path& dir() const { return dir_; }
    // config.json, parsed; InputError if missing or not a JSON object.
    const nlohmann::json& config() const { return config_; }
    std::filesystem::path config_path() const { return dir_ / "config.json"; }

    const std::vector<SafetensorsFile>& shards() const { return shards_; }
    // All tensors, sorted by name.
    const std::vector<Entry>& entries() const { return entries_; }
    const Entry* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }
    std::span<const std::byte> bytes(const Entry& e) const { return e.file->bytes(*e.info); }

    // Sum of the sizes of the shard files.
    std::uint64_t bytes_on_disk() const;

private:
    std::filesystem::path dir_;
    nlohmann::json config_;
    std::vector<SafetensorsFile> shards_;
    std::vector<Entry> entries_;
};

// Parses a JSON file; InputError "FILE: problem" on failure.
nlohmann::json read_json_file(const std::filesystem::path& path);

} // namespace moecut
