// Reading the golden fixtures the reference scripts write (scripts/make_*_goldens.py):
// one safetensors file of expected tensors (float32, int64) with string metadata.
#pragma once

#include "moecut/arch.h"
#include "moecut/safetensors.h"

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

namespace moecut::test {

struct Golden {
    std::map<std::string, torch::Tensor> t;
    std::map<std::string, std::string> meta;

    explicit Golden(const std::filesystem::path& file) {
        auto f = SafetensorsFile::open(file);
        meta = f.metadata();
        for (const auto& info : f.tensors()) {
            auto bytes = f.bytes(info);
            auto dt = info.dtype == DType::I64 ? torch::kLong : torch::kFloat32;
            t[info.name] = torch::from_blob(const_cast<std::byte*>(bytes.data()), info.shape, dt).clone();
        }
    }
    bool has(const std::string& k) const { return t.count(k) > 0; }
};

// The family a fixture's "family" metadata names (its model_type).
inline Family family_of(const std::string& model_type) {
    for (Family f : {Family::GlmMoeDsa, Family::Glm4Moe, Family::DeepseekV3, Family::DeepseekV32, Family::Qwen3Moe,
                     Family::Qwen2Moe, Family::Mixtral})
        if (family_model_type(f) == model_type) return f;
    throw std::runtime_error("unknown family " + model_type);
}

} // namespace moecut::test
