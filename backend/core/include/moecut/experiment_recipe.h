// An experiment as the designer describes it, and the exact `moecut` commands
// that carry it out: saliency -> plan -> prune -> evaluation of the teacher and
// the pruned model -> guardrail sweep; with distillation on, also teacher-cache
// -> kd -> evaluation of the distilled model (raw, and at the guardrail) ->
// report (eval-report of the four rows); with export on, a GGUF of the final
// model. The GUI shows these commands before it runs them and runs them as a
// chain of jobs; nothing here needs Qt.
//
// The experiment store (moecut/experiment_store.h) keeps the settings as two
// JSON objects, the plan part and the evaluation part (split_settings).
// Every step runs in its own folder "<experiment>/runs/<NN>-<step>/" and writes
// its outputs inside it, so a step's inputs are paths into earlier steps'
// folders.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace moecut {

struct CalibrationInput {
    std::string domain;             // e.g. "code", "knowledge"
    std::filesystem::path file;     // JSONL
};

// Router-KD after pruning (docs/router-kd.md): a teacher cache of the unpruned
// model on data, then `moecut kd` with the pruned model as the student.
struct DistillationSettings {
    bool enabled = false;
    // Calibration JSONL for the teacher cache; empty = the calibration file of
    // the plan's ranking domain (ExperimentSettings::domain, "code"), else the
    // first calibration file.
    std::filesystem::path data;
    int topk = 20;
    int seq_len = 256;
    double lr = 5e-5;
    int steps = 100;
    int batch = 4;
    int eval_every = 0;     // held-out KL every S steps; 0 = only at the start and end (option left out)
    // A finished teacher cache made by the same command: used instead of
    // computing it again (like teacher_run).
    std::optional<std::filesystem::path> teacher_cache;
};

// Export of the experiment's final model (the distilled one when
// distillation is on, else the pruned one) to <run>/model.gguf (gguf) or the
// checkpoint folder <run>/model (nvfp4: ModelOpt's format with the defaults
// of `moecut export nvfp4`); docs/export.md. The fields below format are gguf's.
struct ExportSettings {
    bool enabled = false;
    std::string format = "gguf";    // gguf | nvfp4
    std::string type = "q4_k";      // base ggml type (--type)
    std::vector<std::string> tensor_types; // "PATTERN=TYPE" rules, first match wins (--tensor-type)
    std::string mtp = "drop";       // drop | keep
    bool fill_shared_indexer = false;
};

// The export command's options after "export <format> --model DIR" (shared by
// the recipe and the designer's size estimate).
std::vector<std::string> export_options(const ExportSettings& e);

struct ExperimentSettings {
    std::string name = "experiment";
    std::filesystem::path model;    // checkpoint folder (with tokenizer.json)
    std::vector<CalibrationInput> calibration;
    int seq_len = 256;
    std::uint64_t max_tokens = 16384;   // shared by the domains; 0 = all the data

    // Plan: keep K experts per MoE/MTP layer, ranked by criterion on domain,
    // with swaps from swap_domain. plan_file, when set, replaces the plan step
    // (a plan edited in the saliency view).
    int keep = 0;
    std::string criterion = "reap";
    std::string domain = "code";
    std::string swap_domain = "knowledge";
    int swaps = 0;
    bool protect_super_experts = false;
    std::optional<std::filesystem::path> plan_file;

    // Evaluation on held-out probes, the same seeds for every arm.
    std::filesystem::path probes;
    int n = 48;
    int cap = 192;
    int batch_size = 16;
    unsigned seed = 0;
    bool eval_teacher = true;
    // A finished teacher run with the same evaluation settings: used as the
    // baseline instead of evaluating the teacher again.
    std::optional<std::filesystem::path> teacher_run;
    // Guardrail sweep of the pruned model: min_p x rep_pen; empty = no sweep.
    std::vector<double> grid_min_p;
    std::vector<double> grid_rep_pen;

    std::string device = "cpu";
    std::string target = "local";   // where the jobs run ("local"; ssh and slurm later)

    DistillationSettings distillation;
    ExportSettings export_model;
};

// The guardrail the distilled model is evaluated at (the "pruned+KD+guardrail"
// row): the strongest cell of the grid, the largest min_p and the largest
// rep_pen; nullopt without a grid.
struct GuardrailCell {
    double min_p = 0;
    double rep_pen = 1;
};
std::optional<GuardrailCell> distilled_guardrail(const ExperimentSettings& s);
// The teacher cache's data file (DistillationSettings::data or its default).
std::filesystem::path distillation_data(const ExperimentSettings& s);

nlohmann::ordered_json to_json(const ExperimentSettings& s);
// Throws InputError naming file_for_messages for a missing or bad field.
ExperimentSettings settings_from_json(const nlohmann::json& j, const std::string& file_for_messages);
// The store's two parts: evaluation holds probes, n, cap, batch_size, seed,
// eval_teacher, the grid, device and target; plan holds the rest (with the
// "distillation" and "export" objects). Joined back by
// settings_from_json(merged) (join_settings). Fields missing from stored JSON
// (older experiments) keep their defaults: distillation and export off.
struct SettingsParts {
    nlohmann::ordered_json plan;
    nlohmann::ordered_json evaluation;
};
SettingsParts split_settings(const ExperimentSettings& s);
ExperimentSettings join_settings(const nlohmann::json& plan, const nlohmann::json& evaluation,
                                 const std::string& file_for_messages);

// What is wrong with s for a launch, one line each; empty when it can run.
std::vector<std::string> settings_problems(const ExperimentSettings& s);

struct RecipeStep {
    std::string step;                   // saliency, plan, prune, eval-teacher, ...
    std::string folder;                 // "01-saliency": the run folder under runs/
    std::vector<std::string> argv;      // argv[0] = the moecut binary
    std::optional<std::size_t> after;   // index of the step it waits for
    std::string output;                 // its main output, absolute
};

// The steps for s in experiment_dir (absolute paths throughout); run folders
// are numbered from first_number ("01-saliency", "02-plan", ...).
std::vector<RecipeStep> recipe_steps(const ExperimentSettings& s, const std::filesystem::path& experiment_dir,
                                     const std::string& moecut = "moecut", int first_number = 1);

// argv as one line a POSIX shell runs unchanged (single quotes where needed).
std::string shell_command(const std::vector<std::string>& argv);

} // namespace moecut
