#include "moecut/error.h"

#include "text_sanitize.h"

#include <fmt/core.h>

namespace moecut {
namespace {

// Text quoted from an input file (a model_type, a tensor name) must not break
// the one-line form of the message: control bytes become \xNN.
std::string one_line(std::string_view s) { return printable(s, std::string::npos); }

} // namespace

std::string input_message(std::string_view file, std::string_view problem) {
    return fmt::format("{}: {}", one_line(file), one_line(problem));
}

std::string input_message(std::string_view file, std::string_view tensor, std::string_view problem) {
    return fmt::format("{}: {}: {}", one_line(file), one_line(tensor), one_line(problem));
}

void throw_input(std::string_view file, std::string_view problem) {
    throw InputError(input_message(file, problem));
}

void throw_input(std::string_view file, std::string_view tensor, std::string_view problem) {
    throw InputError(input_message(file, tensor, problem));
}

} // namespace moecut
