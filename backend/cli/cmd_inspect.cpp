// moecut inspect DIR [--json]: a checkpoint's structure from its headers.
// Exits 0 when the checkpoint could be read (problems are listed, not fatal);
// 2 for unreadable input (bad config, unsupported model_type, corrupt shard).
#include "commands.h"

#include "moecut/inspect.h"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>

namespace moecut::cli {

namespace {
struct InspectOptions {
    std::string dir;
    bool json = false;
};

void register_inspect(CLI::App& root) {
    auto opts = std::make_shared<InspectOptions>();
    CLI::App* cmd = root.add_subcommand("inspect", "Summarise a checkpoint's structure from its headers and config.json");
    cmd->add_option("DIR", opts->dir, "Checkpoint folder (config.json + safetensors)")->required();
    cmd->add_flag("--json", opts->json, "Print one JSON object instead of the readable summary");
    cmd->callback([opts] {
        const nlohmann::json report = inspect_checkpoint(opts->dir);
        // Names read from files may hold invalid UTF-8: replace it rather than fail.
        if (opts->json) fmt::print("{}\n", report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
        else fmt::print("{}", format_inspect(report));
        std::fflush(stdout);
    });
}

} // namespace

const CommandRegistrar kRegisterInspect{10, register_inspect};

} // namespace moecut::cli
