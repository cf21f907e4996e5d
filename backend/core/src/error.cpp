#include "moecut/error.h"

#include <fmt/core.h>

namespace moecut {

std::string input_message(std::string_view file, std::string_view problem) {
    return fmt::format("{}: {}", file, problem);
}

std::string input_message(std::string_view file, std::string_view tensor, std::string_view problem) {
    return fmt::format("{}: {}: {}", file, tensor, problem);
}

void throw_input(std::string_view file, std::string_view problem) {
    throw InputError(input_message(file, problem));
}

void throw_input(std::string_view file, std::string_view tensor, std::string_view problem) {
    throw InputError(input_message(file, tensor, problem));
}

} // namespace moecut
