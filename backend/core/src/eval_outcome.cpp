// Outcome names and the one-outcome-per-generation rule (eval_outcome.h).
#include "moecut/eval_outcome.h"

#include "moecut/error.h"

#include <string>

namespace moecut {

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
    case Outcome::eos: return "eos";
    case Outcome::loop: return "loop";
    case Outcome::runaway: return "runaway";
    case Outcome::timeout: return "timeout";
    case Outcome::error: return "error";
    }
    return "error";
}

Outcome parse_outcome(std::string_view name) {
    for (const Outcome o : kAllOutcomes) {
        if (outcome_name(o) == name) return o;
    }
    throw InputError("unknown outcome '" + std::string(name) + "' (expected eos, loop, runaway, timeout or error)");
}

Outcome classify(bool loop_detected, Termination end) {
    switch (end) {
    case Termination::error: return Outcome::error;
    case Termination::timeout: return Outcome::timeout;
    default: break;
    }
    if (loop_detected) return Outcome::loop;
    switch (end) {
    case Termination::eos: return Outcome::eos;
    case Termination::cap: return Outcome::runaway;
    default: return Outcome::error;  // stopped early with no recorded reason
    }
}

} // namespace moecut
