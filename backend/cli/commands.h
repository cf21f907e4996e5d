// The moecut CLI's subcommands. Each file cmd_<name>.cpp defines one
// register function that adds its subcommand to the root app and sets the
// callback that runs it. A callback reports bad input by throwing InputError
// (exit 2) and any other non-zero result by throwing ExitCode.
#pragma once

#include <CLI/CLI.hpp>

namespace moecut::cli {

struct ExitCode {
    int code;
};

void register_inspect(CLI::App& root);
void register_make_tiny(CLI::App& root);
void register_make_sparse(CLI::App& root);
void register_stats(CLI::App& root);
void register_tokenize(CLI::App& root);
void register_plan(CLI::App& root);
void register_prune(CLI::App& root);
void register_verify(CLI::App& root);

} // namespace moecut::cli
