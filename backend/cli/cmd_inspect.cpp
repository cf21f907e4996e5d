// TEMPORARY placeholder, replaced by the inspect implementation.
#include "commands.h"
namespace moecut::cli { void register_inspect(CLI::App&) {} }
