// The moecut CLI's subcommands. Each file cmd_<name>.cpp defines a function
// that adds its subcommand to the root app and sets the callback that runs
// it, and registers that function with a CommandRegistrar at namespace scope:
//
//   const CommandRegistrar kRegisterInspect{10, register_inspect};
//
// main() adds the registered subcommands in ascending order (the order
// `moecut --help` lists them). A new subcommand is one new file; no shared
// list to edit. A callback reports bad input by throwing InputError (exit 2)
// and any other non-zero result by throwing ExitCode.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace moecut::cli {

struct ExitCode {
    int code;
};

using RegisterFn = void (*)(CLI::App& root);

struct RegisteredCommand {
    int order;
    RegisterFn add;
};

// Every registered subcommand, sorted by order.
std::vector<RegisteredCommand> registered_commands();

struct CommandRegistrar {
    CommandRegistrar(int order, RegisterFn add);
};

} // namespace moecut::cli
