// The list of subcommands the cmd_*.cpp files register at start-up.
#include "commands.h"

#include <algorithm>

namespace moecut::cli {

namespace {
// A function-local static: registrars in other files may run first.
std::vector<RegisteredCommand>& registry() {
    static std::vector<RegisteredCommand> commands;
    return commands;
}
} // namespace

CommandRegistrar::CommandRegistrar(int order, RegisterFn add) { registry().push_back({order, add}); }

std::vector<RegisteredCommand> registered_commands() {
    auto commands = registry();
    std::stable_sort(commands.begin(), commands.end(),
                     [](const RegisteredCommand& a, const RegisteredCommand& b) { return a.order < b.order; });
    return commands;
}

} // namespace moecut::cli
