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

ExperimentSettings distilled_settings()
{
    auto s = demo_settings();
    s.distillation.enabled = true;
    s.distillation.steps = 30;
    s.distillation.batch = 2;
    s.distillation.seq_len = 128;
    s.export_model.enabled = true;
    s.export_model.tensor_types = {"ffn_.*_exps=q2_k", "token_embd=q8_0"};
    s.export_model.fill_shared_indexer = true;
    return s;
}

TEST(ExperimentRecipe, DistillationAddsCacheKdExportDistilledArmsAndReport)
{
    const auto steps = recipe_steps(distilled_settings(), "/e/demo", "moecut");
    std::vector<std::string> names;
    for (const auto& st : steps)
        names.push_back(st.step);
    const std::vector<std::string> expected{"saliency",      "plan",   "prune",          "eval-teacher",
                                            "eval-pruned",   "sweep",  "teacher-cache",  "kd",
                                            "export",        "eval-distilled", "eval-distilled-guardrail", "report"};
    ASSERT_EQ(names, expected);
    for (std::size_t i = 1; i < steps.size(); ++i)
        EXPECT_EQ(steps[i].after, i - 1);
    // The teacher cache is made on the ranking domain's calibration file (code).
    EXPECT_EQ(shell_command(steps[6].argv),
              "moecut teacher-cache --model /m/tiny --data /c/code.jsonl --topk 20 --seq-len 128 --max-tokens 16384 "
              "--device cpu --out /e/demo/runs/07-teacher-cache/cache");
    EXPECT_EQ(shell_command(steps[7].argv),
              "moecut kd --student /e/demo/runs/03-prune/model --cache /e/demo/runs/07-teacher-cache/cache "
              "--lr 5e-05 --steps 30 --batch 2 --device cpu --out /e/demo/runs/08-kd/model");
    EXPECT_EQ(shell_command(steps[8].argv),
              "moecut export gguf --model /e/demo/runs/08-kd/model --type q4_k --tensor-type 'ffn_.*_exps=q2_k' "
              "--tensor-type token_embd=q8_0 --mtp drop --fill-shared-indexer --out /e/demo/runs/09-export/model.gguf");
    EXPECT_EQ(steps[8].output, "/e/demo/runs/09-export/model.gguf");
    EXPECT_EQ(shell_command(steps[9].argv),
              "moecut eval --model /e/demo/runs/08-kd/model --probes /p/probes.jsonl --n 8 --cap 64 --batch-size 16 "
              "--seed 0 --device cpu --name pruned+KD --baseline /e/demo/runs/04-eval-teacher/eval "
              "--out /e/demo/runs/10-eval-distilled/eval");
    // The guardrail row: the strongest cell of the grid (min_p 0.1, rep_pen 1.1).
    const std::string guarded = shell_command(steps[10].argv);
    EXPECT_NE(guarded.find("--name pruned+KD+guardrail --min-p 0.1 --rep-pen 1.1 --baseline "
                           "/e/demo/runs/04-eval-teacher/eval --out /e/demo/runs/11-eval-distilled-guardrail/eval"),
              std::string::npos)
        << guarded;
    EXPECT_EQ(shell_command(steps[11].argv),
              "moecut eval-report /e/demo/runs/04-eval-teacher/eval /e/demo/runs/05-eval-pruned/eval "
              "/e/demo/runs/10-eval-distilled/eval /e/demo/runs/11-eval-distilled-guardrail/eval "
              "--baseline /e/demo/runs/04-eval-teacher/eval");
}

TEST(ExperimentRecipe, DistillationReusesTheTeacherCacheAndNamesItsOptions)
{
    auto s = distilled_settings();
    s.export_model.enabled = false;
    s.grid_min_p.clear();
    s.grid_rep_pen.clear();
    s.eval_teacher = false;
    s.distillation.teacher_cache = "/e/demo/runs/07-teacher-cache/cache";
    s.distillation.eval_every = 5;
    s.distillation.lr = 1e-4;
    const auto steps = recipe_steps(s, "/e/demo", "moecut", 12);
    ASSERT_EQ(steps.size(), 7u); // saliency plan prune eval-pruned kd eval-distilled report
    EXPECT_EQ(steps[4].step, "kd");
    EXPECT_EQ(steps[4].folder, "16-kd");
    EXPECT_EQ(shell_command(steps[4].argv),
              "moecut kd --student /e/demo/runs/14-prune/model --cache /e/demo/runs/07-teacher-cache/cache "
              "--lr 0.0001 --steps 30 --batch 2 --eval-every 5 --device cpu --out /e/demo/runs/16-kd/model");
    EXPECT_EQ(shell_command(steps[5].argv).find("--baseline"), std::string::npos);
    // Without a teacher row the pruned model is the report's baseline.
    EXPECT_EQ(shell_command(steps[6].argv),
              "moecut eval-report /e/demo/runs/15-eval-pruned/eval /e/demo/runs/17-eval-distilled/eval "
              "--baseline /e/demo/runs/15-eval-pruned/eval");
}

TEST(ExperimentRecipe, ExportWithoutDistillationFollowsThePrune)
{
    auto s = demo_settings();
    s.export_model.enabled = true;
    s.export_model.type = "q8_0";
    s.export_model.mtp = "keep";
    const auto steps = recipe_steps(s, "/e/demo", "moecut");
    ASSERT_EQ(steps.size(), 7u);
    EXPECT_EQ(steps[3].step, "export");
    EXPECT_EQ(steps[3].after, 2u);
    EXPECT_EQ(shell_command(steps[3].argv), "moecut export gguf --model /e/demo/runs/03-prune/model --type q8_0 "
                                            "--mtp keep --out /e/demo/runs/04-export/model.gguf");
    EXPECT_EQ(steps.back().step, "sweep");
    EXPECT_EQ(export_options(s.export_model), (std::vector<std::string>{"--type", "q8_0", "--mtp", "keep"}));

    // NVFP4: a checkpoint folder with the CLI's defaults; the GGUF fields do not apply.
    s.export_model.format = "nvfp4";
    s.export_model.type = "not-a-ggml-type";
    EXPECT_TRUE(settings_problems(s).empty());
    EXPECT_EQ(shell_command(recipe_steps(s, "/e/demo", "moecut")[3].argv),
              "moecut export nvfp4 --model /e/demo/runs/03-prune/model --out /e/demo/runs/04-export/model");
    s.export_model.format = "onnx";
    ASSERT_EQ(settings_problems(s).size(), 1u);
    EXPECT_NE(settings_problems(s)[0].find("onnx"), std::string::npos);
}

TEST(ExperimentRecipe, DistillationAndExportProblems)
{
    EXPECT_TRUE(settings_problems(distilled_settings()).empty());
    auto s = distilled_settings();
    s.distillation.steps = 0;
    s.distillation.lr = 0;
    s.export_model.type = "q9";
    s.export_model.tensor_types = {"no-type-here", "x=q4_k", "y=zz"};
    s.export_model.mtp = "maybe";
    const auto problems = settings_problems(s);
    ASSERT_EQ(problems.size(), 6u);
    EXPECT_NE(problems[0].find("learning rate"), std::string::npos);
    EXPECT_NE(problems[1].find("1 step"), std::string::npos);
    EXPECT_NE(problems[2].find("q9"), std::string::npos);
    EXPECT_NE(problems[3].find("no-type-here"), std::string::npos);
    EXPECT_NE(problems[4].find("zz"), std::string::npos);
    EXPECT_NE(problems[5].find("maybe"), std::string::npos);
    s = distilled_settings();
    s.calibration.clear();
    s.plan_file = "/x/plan.json";
    ASSERT_EQ(settings_problems(s).size(), 1u);
    EXPECT_NE(settings_problems(s)[0].find("data file"), std::string::npos);
    s.distillation.data = "/d/other.jsonl";
    EXPECT_TRUE(settings_problems(s).empty());
    EXPECT_EQ(distillation_data(s), "/d/other.jsonl");
}

TEST(ExperimentSettings, DistillationAndExportRoundTripInThePlanPart)
{
    auto s = distilled_settings();
    s.distillation.teacher_cache = "/e/cache";
    s.distillation.lr = 2.5e-5;
    s.distillation.data = "/d/kd.jsonl";
    const auto parts = split_settings(s);
    ASSERT_TRUE(parts.plan.contains("distillation"));
    ASSERT_TRUE(parts.plan.contains("export"));
    EXPECT_EQ(parts.plan["distillation"]["steps"], 30);
    EXPECT_EQ(parts.plan["export"]["tensor_types"][0], "ffn_.*_exps=q2_k");
    const auto back = join_settings(parts.plan, parts.evaluation, "store");
    EXPECT_EQ(to_json(back), to_json(s));
    EXPECT_EQ(back.distillation.lr, 2.5e-5);
    EXPECT_EQ(back.distillation.teacher_cache, std::filesystem::path("/e/cache"));
    EXPECT_TRUE(back.export_model.fill_shared_indexer);
}

TEST(ExperimentSettings, OlderStoredJsonLoadsWithDistillationAndExportOff)
{
    // An experiment stored before distillation and export existed.
    const auto old = nlohmann::json::parse(R"({"moecut_experiment": 1, "name": "old", "model": "/m",
        "calibration": [{"domain": "code", "file": "/c.jsonl"}], "keep": 3, "probes": "/p.jsonl"})");
    const auto s = settings_from_json(old, "exp.json");
    EXPECT_FALSE(s.distillation.enabled);
    EXPECT_FALSE(s.export_model.enabled);
    EXPECT_EQ(s.distillation.topk, 20);
    EXPECT_EQ(s.export_model.type, "q4_k");
    EXPECT_EQ(recipe_steps(s, "/e").size(), 5u); // saliency plan prune eval-teacher eval-pruned
    // A partial section keeps the defaults of its missing fields; a bad one is named.
    auto partial = old;
    partial["distillation"] = {{"enabled", true}, {"steps", 7}};
    const auto p = settings_from_json(partial, "exp.json");
    EXPECT_TRUE(p.distillation.enabled);
    EXPECT_EQ(p.distillation.steps, 7);
    EXPECT_EQ(p.distillation.batch, 4);
    partial["export"] = "gguf";
    EXPECT_THROW(settings_from_json(partial, "exp.json"), InputError);
    partial.erase("export");
    partial["distillation"]["topk"] = "many";
    try {
        settings_from_json(partial, "exp.json");
        FAIL() << "accepted a bad distillation.topk";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("exp.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("\"distillation.topk\""), std::string::npos) << e.what();
    }
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
