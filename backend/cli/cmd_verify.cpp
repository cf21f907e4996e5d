// moecut verify DIR [--json]: structural check of a (pruned) checkpoint
// against its config.json, from headers only. Exit 0 when consistent, 1 when
// it was read and has problems (each listed), 2 when it cannot be read at all.
#include "commands.h"

#include "moecut/error.h"
#include "moecut/verify.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

namespace moecut::cli {
namespace {

struct VerifyArgs {
    std::string dir;
    bool json = false;
};

void run(const VerifyArgs& a) {
    const VerifyReport r = verify_checkpoint(a.dir);
    if (a.json) {
        nlohmann::json out = {{"dir", a.dir},
                              {"ok", r.problems.empty()},
                              {"problems", r.problems},
                              {"routed_experts", r.experts},
                              {"model_type", r.inspect["model_type"]},
                              {"moe_layers", r.inspect["moe_layers"]},
                              {"mtp_layers", r.inspect["mtp_layers"]},
                              {"tensors", r.inspect["tensors"]}};
        fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else if (r.problems.empty()) {
        fmt::print("OK: {}: {}, {} routed experts per layer, {} MoE + {} MTP layers, {} tensors\n", a.dir,
                   r.inspect["model_type"].get<std::string>(), r.experts, r.inspect["moe_layers"].size(),
                   r.inspect["mtp_layers"].size(), r.inspect["tensors"].get<std::size_t>());
    } else {
        fmt::print("{}: {} problem(s):\n", a.dir, r.problems.size());
        for (const auto& p : r.problems) fmt::print("  {}\n", p);
    }
    std::fflush(stdout);
    if (!r.problems.empty()) throw ExitCode{kExitFailure};
}

void register_verify(CLI::App& root) {
    auto a = std::make_shared<VerifyArgs>();
    CLI::App* cmd = root.add_subcommand(
        "verify", "Check a (pruned) checkpoint's structure against its config.json (headers only); exit 1 on problems");
    cmd->add_option("DIR", a->dir, "Checkpoint folder")->required();
    cmd->add_flag("--json", a->json, "Print one JSON object");
    cmd->callback([a] { run(*a); });
}

} // namespace

const CommandRegistrar kRegisterVerify{61, register_verify};

} // namespace moecut::cli
