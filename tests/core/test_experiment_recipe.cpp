// An experiment's settings and the exact commands it runs.
#include "moecut/experiment_recipe.h"

#include "moecut/error.h"

#include <gtest/gtest.h>

namespace moecut {
namespace {

ExperimentSettings demo_settings()
{
    ExperimentSettings s;
    s.name = "demo";
    s.model = "/m/tiny";
    s.calibration = {{"code", "/c/code.jsonl"}, {"knowledge", "/c/know ledge.jsonl"}};
    s.keep = 11;
    s.swaps = 2;
    s.probes = "/p/probes.jsonl";
    s.n = 8;
    s.cap = 64;
    s.grid_min_p = {0, 0.1};
    s.grid_rep_pen = {1, 1.1};
    return s;
}

TEST(ExperimentRecipe, FullChainInOrderWithOutputsFeedingTheNextStep)
{
    const auto steps = recipe_steps(demo_settings(), "/e/demo", "/bin/moecut");
    ASSERT_EQ(steps.size(), 6u);
    const std::vector<std::string> names{"saliency", "plan", "prune", "eval-teacher", "eval-pruned", "sweep"};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        EXPECT_EQ(steps[i].step, names[i]);
        EXPECT_EQ(steps[i].argv.front(), "/bin/moecut");
        if (i == 0)
            EXPECT_FALSE(steps[i].after);
        else
            EXPECT_EQ(steps[i].after, i - 1);
    }
    EXPECT_EQ(steps[0].folder, "01-saliency");
    EXPECT_EQ(steps[0].output, "/e/demo/runs/01-saliency/saliency.safetensors");
    EXPECT_EQ(shell_command(steps[0].argv),
              "/bin/moecut saliency --model /m/tiny --data code=/c/code.jsonl --data 'knowledge=/c/know ledge.jsonl' "
              "--seq-len 256 --max-tokens 16384 --device cpu --out /e/demo/runs/01-saliency/saliency.safetensors");
    EXPECT_EQ(shell_command(steps[1].argv),
              "/bin/moecut plan --saliency /e/demo/runs/01-saliency/saliency.safetensors --keep 11 --criterion reap "
              "--domain code --swap-domain knowledge --swaps 2 --out /e/demo/runs/02-plan/plan.json");
    EXPECT_EQ(shell_command(steps[2].argv), "/bin/moecut prune --model /m/tiny --plan /e/demo/runs/02-plan/plan.json "
                                            "--out /e/demo/runs/03-prune/model");
    // The pruned model is tested against the teacher's run; the sweep grid is
    // written in shortest form.
    const std::string pruned = shell_command(steps[4].argv);
    EXPECT_NE(pruned.find("--model /e/demo/runs/03-prune/model"), std::string::npos);
    EXPECT_NE(pruned.find("--baseline /e/demo/runs/04-eval-teacher/eval"), std::string::npos);
    const std::string sweep = shell_command(steps[5].argv);
    EXPECT_NE(sweep.find("--grid min_p=0,0.1 rep_pen=1,1.1"), std::string::npos) << sweep;
}

TEST(ExperimentRecipe, EditedPlanReplacesSaliencyAndPlanSteps)
{
    auto s = demo_settings();
    s.plan_file = "/e/demo/edited-plan.json";
    s.grid_min_p.clear();
    s.grid_rep_pen.clear();
    s.eval_teacher = false;
    const auto steps = recipe_steps(s, "/e/demo", "moecut");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].step, "prune");
    EXPECT_EQ(steps[0].folder, "01-prune");
    EXPECT_EQ(shell_command(steps[0].argv),
              "moecut prune --model /m/tiny --plan /e/demo/edited-plan.json --out /e/demo/runs/01-prune/model");
    EXPECT_EQ(shell_command(steps[1].argv).find("--baseline"), std::string::npos);
}

TEST(ExperimentRecipe, LaterChainsNumberOnAndReuseTheTeacherRun)
{
    auto s = demo_settings();
    s.teacher_run = "/e/demo/runs/04-eval-teacher/eval";
    const auto steps = recipe_steps(s, "/e/demo", "moecut", 7);
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_EQ(steps[0].folder, "07-saliency");
    EXPECT_EQ(steps[3].step, "eval-pruned");
    EXPECT_EQ(steps[3].folder, "10-eval-pruned");
    EXPECT_NE(shell_command(steps[3].argv).find("--baseline /e/demo/runs/04-eval-teacher/eval"), std::string::npos);
}

TEST(ExperimentRecipe, ProblemsNameWhatIsMissing)
{
    EXPECT_TRUE(settings_problems(demo_settings()).empty());
    ExperimentSettings empty;
    const auto problems = settings_problems(empty);
    EXPECT_NO_THROW(recipe_steps(empty, "")); // the designer previews half-filled forms
    EXPECT_GE(problems.size(), 4u);
    auto s = demo_settings();
    s.grid_rep_pen.clear();
    ASSERT_EQ(settings_problems(s).size(), 1u);
    EXPECT_NE(settings_problems(s)[0].find("both"), std::string::npos);
    s = demo_settings();
    s.target = "slurm";
    ASSERT_EQ(settings_problems(s).size(), 1u);
}

TEST(ExperimentRecipe, ShellQuotingSurvivesQuotes)
{
    EXPECT_EQ(shell_command({"a", "it's", ""}), "a 'it'\\''s' ''");
}

TEST(ExperimentSettings, SplitIntoStorePartsAndJoinBack)
{
    auto s = demo_settings();
    s.plan_file = "/x/plan.json";
    const auto parts = split_settings(s);
    EXPECT_TRUE(parts.plan.contains("keep"));
    EXPECT_FALSE(parts.plan.contains("probes"));
    EXPECT_TRUE(parts.evaluation.contains("grid_min_p"));
    EXPECT_FALSE(parts.evaluation.contains("calibration"));
    EXPECT_EQ(to_json(join_settings(parts.plan, parts.evaluation, "store")), to_json(s));
}

TEST(ExperimentSettings, ClearErrorsNameTheSourceAndField)
{
    try {
        settings_from_json(nlohmann::json::parse(R"({"moecut_experiment": 1, "keep": "many"})"), "exp.json");
        FAIL() << "accepted a bad keep";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("exp.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("keep"), std::string::npos);
    }
    EXPECT_THROW(settings_from_json(nlohmann::json::parse(R"({"moecut_experiment": 99})"), "f"), InputError);
    EXPECT_THROW(settings_from_json(nlohmann::json::parse(R"({"name": "x"})"), "f"), InputError);
    EXPECT_THROW(join_settings(nlohmann::json::array(), nlohmann::json::object(), "f"), InputError);
}

} // namespace
} // namespace moecut
