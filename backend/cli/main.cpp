// moecut: the headless command-line interface.
#include "commands.h"
#include "moecut/error.h"

#include <fmt/core.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    CLI::App app{"moecut: expert pruning and honest evaluation of Mixture-of-Experts models", "moecut"};
    app.set_version_flag("--version", std::string("moecut ") + MOECUT_VERSION);
    app.require_subcommand(1);

    for (const auto& command : moecut::cli::registered_commands()) command.add(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // Usage errors are bad input too: CLI11 prints them, we exit 2.
        int rc = app.exit(e);
        return rc == 0 ? 0 : moecut::kExitBadInput;
    } catch (const moecut::InputError& e) {
        fmt::print(stderr, "moecut: {}\n", e.what());
        return moecut::kExitBadInput;
    } catch (const moecut::cli::ExitCode& e) {
        return e.code;
    } catch (const std::exception& e) {
        fmt::print(stderr, "moecut: internal error: {}\n", e.what());
        return moecut::kExitFailure;
    }
    return moecut::kExitOk;
}
