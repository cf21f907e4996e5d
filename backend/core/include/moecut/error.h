// Errors that moecut reports to its user.
//
// InputError is bad input: a file that is not what it claims to be, a config
// that names an unsupported model, a flag out of range. The CLI prints its
// message as one line and exits with code 2; nothing is left half-written.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace moecut {

class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// "FILE: problem" or "FILE: TENSOR: problem": the one-line form every input
// error takes.
std::string input_message(std::string_view file, std::string_view problem);
std::string input_message(std::string_view file, std::string_view tensor, std::string_view problem);

[[noreturn]] void throw_input(std::string_view file, std::string_view problem);
[[noreturn]] void throw_input(std::string_view file, std::string_view tensor, std::string_view problem);

// Exit codes of the CLI.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a bug or an environment problem
inline constexpr int kExitBadInput = 2; // InputError

} // namespace moecut
