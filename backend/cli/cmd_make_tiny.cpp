// moecut make-tiny: a tiny random checkpoint of a family, for tests.
#include "commands.h"

#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/tiny_checkpoint.h"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <array>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

constexpr std::array kFamilies = {Family::GlmMoeDsa, Family::Glm4Moe,  Family::DeepseekV3, Family::DeepseekV32,
                                  Family::Qwen3Moe,  Family::Qwen2Moe, Family::Mixtral};

Family parse_family(const std::string& name) {
    for (Family f : kFamilies)
        if (family_model_type(f) == name) return f;
    throw_input("--family", fmt::format("unknown family '{}'; supported: {}", name,
                                        fmt::join(supported_model_types(), ", ")));
}

struct MakeTinyArgs {
    std::string family;
    std::string out;
    std::string layout = "per-expert";
    bool fp8 = false;
    std::uint64_t seed = 0;
};

void run(const MakeTinyArgs& a) {
    TinyOptions o;
    o.family = parse_family(a.family);
    o.layout = a.layout == "fused" ? ExpertLayout::Fused : ExpertLayout::PerExpert;
    o.fp8 = a.fp8;
    o.seed = a.seed;
    make_tiny_checkpoint(o, a.out);
    const Checkpoint ckpt = Checkpoint::open(a.out);
    fmt::print("wrote {}: {} ({}{}), seed {}, {} tensors, {} bytes\n", a.out, a.family, a.layout,
               a.fp8 ? ", fp8" : "", a.seed, ckpt.entries().size(), ckpt.bytes_on_disk());
}


void register_make_tiny(CLI::App& root) {
    auto args = std::make_shared<MakeTinyArgs>();
    CLI::App* cmd = root.add_subcommand("make-tiny", "Write a tiny random checkpoint of a family (for tests)");
    cmd->add_option("--family", args->family, "model_type: " + fmt::format("{}", fmt::join(supported_model_types(), ", ")))
        ->required();
    cmd->add_option("--out", args->out, "Output folder (must not exist)")->required();
    cmd->add_option("--layout", args->layout, "Expert tensors: per-expert (as released) or fused (transformers v5)")
        ->check(CLI::IsMember({"per-expert", "fused"}))
        ->capture_default_str();
    cmd->add_flag("--fp8", args->fp8, "FP8 E4M3 weights with block-16 weight_scale_inv");
    cmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
    cmd->callback([args] { run(*args); });
}

} // namespace

const CommandRegistrar kRegisterMakeTiny{20, register_make_tiny};

} // namespace moecut::cli
