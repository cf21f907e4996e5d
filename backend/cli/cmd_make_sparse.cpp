// moecut make-sparse: a full-size checkpoint of headers only (data left as
// holes in sparse files), for scale tests.
#include "commands.h"

#include "moecut/checkpoint.h"
#include "moecut/tiny_checkpoint.h"

#include <fmt/core.h>

#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct MakeSparseArgs {
    std::string preset = "glm-5.2";
    std::string out;
};

void run(const MakeSparseArgs& a) {
    make_sparse_checkpoint(glm52_config(), a.out);
    const Checkpoint ckpt = Checkpoint::open(a.out);
    fmt::print("wrote {}: {} (headers only, sparse), {} shards, {} tensors, {} bytes apparent\n", a.out, a.preset,
               ckpt.shards().size(), ckpt.entries().size(), ckpt.bytes_on_disk());
}


void register_make_sparse(CLI::App& root) {
    auto args = std::make_shared<MakeSparseArgs>();
    CLI::App* cmd = root.add_subcommand(
        "make-sparse", "Write a full-size checkpoint as sparse files: real headers, no data (for scale tests)");
    cmd->add_option("--preset", args->preset, "Model shape")
        ->check(CLI::IsMember({"glm-5.2"}))
        ->capture_default_str();
    cmd->add_option("--out", args->out, "Output folder (must not exist)")->required();
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterMakeSparse{21, register_make_sparse};

} // namespace moecut::cli
