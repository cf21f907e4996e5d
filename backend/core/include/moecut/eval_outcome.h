// The outcome of one generation in a loop evaluation: exactly one of
//   eos      the model ended on its own (an EOS / end-of-turn token) and no
//            loop had been detected before it;
//   loop     the loop detector fired (kind, period and start are recorded
//            with the sample), whatever happened afterwards;
//   runaway  the instrument cap (max new tokens) was reached, no loop detected;
//   timeout  the client's wall-clock limit ended the request;
//   error    transport, server or runtime failure.
// Priority when several apply (eval.md §2.3): error, timeout, loop, then
// eos / runaway. A loop that fired and was followed by EOS later is a loop: an
// online caller may stop at the detection, so counting it as eos would make
// the rate depend on whether generation was cut short.
//
//   Outcome o = classify(/*loop_detected=*/hit.detected(), Termination::eos);
//   std::string_view s = outcome_name(o);   // "eos", "loop", ...
//   Outcome back = parse_outcome(s);         // InputError on an unknown name
#pragma once

#include <array>
#include <string_view>

namespace moecut {

enum class Outcome { eos, loop, runaway, timeout, error };

inline constexpr std::array<Outcome, 5> kAllOutcomes{Outcome::eos, Outcome::loop, Outcome::runaway,
                                                     Outcome::timeout, Outcome::error};

std::string_view outcome_name(Outcome outcome);
// Inverse of outcome_name; throws InputError naming the text otherwise.
Outcome parse_outcome(std::string_view name);

// How a generation ended, as the backend saw it.
enum class Termination {
    eos,      // an end-of-sequence token (or finish_reason "stop" on EOS)
    cap,      // max new tokens reached (finish_reason "length")
    stopped,  // the caller stopped it early, e.g. at a loop detection
    timeout,  // client wall clock
    error,    // transport / server / runtime failure
};

// One outcome per generation, by the priority above. A generation stopped
// early by the caller without a detected loop is classified error: it is
// evidence of neither termination nor looping.
Outcome classify(bool loop_detected, Termination end);

} // namespace moecut
