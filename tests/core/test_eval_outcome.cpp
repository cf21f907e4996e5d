// Outcome names round-trip and the classification priority of eval_outcome.h.
#include "moecut/error.h"
#include "moecut/eval_outcome.h"

#include <gtest/gtest.h>

namespace moecut {
namespace {

TEST(EvalOutcome, NamesRoundTrip) {
    EXPECT_EQ(outcome_name(Outcome::eos), "eos");
    EXPECT_EQ(outcome_name(Outcome::loop), "loop");
    EXPECT_EQ(outcome_name(Outcome::runaway), "runaway");
    EXPECT_EQ(outcome_name(Outcome::timeout), "timeout");
    EXPECT_EQ(outcome_name(Outcome::error), "error");
    for (const Outcome o : kAllOutcomes) EXPECT_EQ(parse_outcome(outcome_name(o)), o);
    EXPECT_THROW(parse_outcome("EOS"), InputError);
    EXPECT_THROW(parse_outcome("length"), InputError);
    EXPECT_THROW(parse_outcome(""), InputError);
}

TEST(EvalOutcome, ClassifyPriority) {
    EXPECT_EQ(classify(false, Termination::eos), Outcome::eos);
    EXPECT_EQ(classify(false, Termination::cap), Outcome::runaway);
    EXPECT_EQ(classify(true, Termination::cap), Outcome::loop);
    // A loop detected before EOS stays a loop (documented choice).
    EXPECT_EQ(classify(true, Termination::eos), Outcome::loop);
    EXPECT_EQ(classify(true, Termination::stopped), Outcome::loop);
    EXPECT_EQ(classify(false, Termination::stopped), Outcome::error);
    EXPECT_EQ(classify(true, Termination::timeout), Outcome::timeout);
    EXPECT_EQ(classify(false, Termination::timeout), Outcome::timeout);
    EXPECT_EQ(classify(true, Termination::error), Outcome::error);
    EXPECT_EQ(classify(false, Termination::error), Outcome::error);
}

} // namespace
} // namespace moecut
