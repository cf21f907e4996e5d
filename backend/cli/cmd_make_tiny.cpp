// TEMPORARY placeholder, replaced by the make-tiny implementation.
#include "commands.h"
namespace moecut::cli { void register_make_tiny(CLI::App&) {} }
