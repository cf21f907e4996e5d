// A checkpoint's fingerprint: what identifies "the same model" for saliency
// files, plans and provenance, computed in milliseconds even for a 1.5 TB
// checkpoint because it never reads tensor data.
#pragma once

#include <filesystem>
#include <string>

namespace moecut {

class Checkpoint;

// "sha256:<hex>" of, in this order: the bytes of config.json; the bytes of
// model.safetensors.index.json if the checkpoint is sharded; then, for each
// shard in file-name order, its file name and its header (the 8-byte length
// and the JSON header, i.e. everything before the data section). The header
// fixes every tensor's name, dtype, shape and offsets, so any structural
// change alters the fingerprint; a change to weight values that keeps the
// layout does not (document it where it matters).
std::string checkpoint_fingerprint(const Checkpoint& ckpt);
std::string checkpoint_fingerprint(const std::filesystem::path& dir);

} // namespace moecut
