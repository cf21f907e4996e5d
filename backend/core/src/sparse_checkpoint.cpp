// Full-size checkpoints written as sparse files: real headers, data left as
// holes. A GLM-5.2-shaped checkpoint has an apparent size of about 1.5 TB and
// takes almost no disk, which lets tests and benchmarks exercise inspect and
// the planning steps at real scale.
#include "moecut/tiny_checkpoint.h"

#include "moecut/atomic_file.h"
#include "moecut/dtype.h"
#include "moecut/safetensors_writer.h"

#include <stdexcept>

namespace moecut {

void make_sparse_checkpoint(const nlohmann::json& config, const std::filesystem::path& dir) {
    const ArchDescriptor arch = ArchDescriptor::from_config(config, "config.json");

    AtomicDir out(dir);
    write_file_atomic(out.staging() / "config.json", config.dump(2) + "\n");
    nlohmann::json gen = nlohmann::json::object();
    for (const char* key : {"bos_token_id", "eos_token_id", "pad_token_id"}) {
        auto it = config.find(key);
        if (it != config.end() && !it->is_null()) gen[key] = *it;
    }
    write_file_atomic(out.staging() / "generation_config.json", gen.dump(2) + "\n");

    WriterOptions wo;  // the default ~5 GB shards and an index
    wo.sparse = true;
    CheckpointWriter writer(out.staging(), wo);
    // BF16 as released; the correction bias is F32 in every released checkpoint.
    const TensorProducer no_data = [](ByteSink&) {
        throw std::logic_error("make_sparse_checkpoint: sparse writer asked for data");
    };
    for (const ExpectedTensor& t : arch.expected_tensors(ExpertLayout::PerExpert)) {
        if (!t.required && !arch.mtp_has_embed) continue;
        writer.add(t.name, t.role == TensorRole::RouterBias ? DType::F32 : DType::BF16, t.shape, no_data);
    }
    writer.finish();
    out.commit();
}

} // namespace moecut
