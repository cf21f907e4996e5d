// The tensors of a pruned checkpoint, as byte ranges of the source shards
// (private to moecut_core; used by pruner.cpp).
#pragma once

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/prune_plan.h"
#include "moecut/tensor_names.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moecut::detail {

struct ByteRange {
    std::uint64_t offset = 0;  // absolute, in the source shard file
    std::uint64_t length = 0;
};

struct PrunedTensor {
    std::string name;
    DType dtype{};
    std::vector<std::int64_t> shape;
    const SafetensorsFile* source = nullptr;
    std::vector<ByteRange> ranges;  // concatenated, they are the tensor's bytes
    std::uint64_t nbytes() const;
};

// Every tensor of the output, in the source's order (shards, then data
// offset). Throws InputError if the checkpoint lacks a tensor the plan needs
// or holds one that cannot be pruned.
std::vector<PrunedTensor> plan_pruned_tensors(const Checkpoint& ckpt, const ArchDescriptor& arch, ExpertLayout layout,
                                              const Plan& plan);

} // namespace moecut::detail
