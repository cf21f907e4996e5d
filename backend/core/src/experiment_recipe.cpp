// The commands of an experiment (moecut/experiment_recipe.h).
#include "moecut/experiment_recipe.h"

#include "moecut/error.h"

#include <fmt/format.h>

#include <algorithm>

namespace moecut {

namespace {

std::string number_list(const std::vector<double>& values)
{
    std::string out;
    for (double v : values) {
        if (!out.empty())
            out += ',';
        out += fmt::format("{}", v);
    }
    return out;
}

bool shell_safe(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
}

// Absolute form of p; empty stays empty (the problems list says it is missing).
std::string absolute_or_empty(const std::filesystem::path& p)
{
    return p.empty() ? std::string() : std::filesystem::absolute(p).string();
}

std::string folder_name(std::size_t number, const std::string& step)
{
    return fmt::format("{:02}-{}", number, step);
}

} // namespace

std::vector<std::string> export_options(const ExportSettings& e)
{
    if (e.format != "gguf")
        return {};
    std::vector<std::string> out{"--type", e.type};
    for (const auto& rule : e.tensor_types)
        out.insert(out.end(), {"--tensor-type", rule});
    out.insert(out.end(), {"--mtp", e.mtp});
    if (e.fill_shared_indexer)
        out.push_back("--fill-shared-indexer");
    return out;
}

std::optional<GuardrailCell> distilled_guardrail(const ExperimentSettings& s)
{
    if (s.grid_min_p.empty() || s.grid_rep_pen.empty())
        return std::nullopt;
    return GuardrailCell{*std::max_element(s.grid_min_p.begin(), s.grid_min_p.end()),
                         *std::max_element(s.grid_rep_pen.begin(), s.grid_rep_pen.end())};
}

std::filesystem::path distillation_data(const ExperimentSettings& s)
{
    if (!s.distillation.data.empty() || s.calibration.empty())
        return s.distillation.data;
    for (const auto& c : s.calibration)
        if (c.domain == s.domain)
            return c.file;
    return s.calibration.front().file;
}

std::vector<std::string> settings_problems(const ExperimentSettings& s)
{
    std::vector<std::string> out;
    if (s.name.empty() || s.name.find('/') != std::string::npos || s.name == "." || s.name == "..")
        out.push_back("the experiment needs a name without '/'");
    if (s.model.empty())
        out.push_back("choose a model folder");
    if (s.calibration.empty() && !s.plan_file)
        out.push_back("add at least one calibration file");
    for (const auto& c : s.calibration) {
        if (c.domain.empty() || c.domain.find('=') != std::string::npos)
            out.push_back(fmt::format("calibration file {} needs a domain name without '='", c.file.string()));
        if (c.file.empty())
            out.push_back(fmt::format("domain {} has no calibration file", c.domain));
    }
    if (s.keep <= 0 && !s.plan_file)
        out.push_back("keep-K must be at least 1");
    if (s.swaps < 0)
        out.push_back("swaps must not be negative");
    if (s.swaps > 0 && s.swap_domain.empty())
        out.push_back("swaps need a swap domain");
    if (s.probes.empty())
        out.push_back("choose a probe file");
    if (s.n < 0)
        out.push_back("n must not be negative");
    if (s.cap <= 0)
        out.push_back("the token cap must be positive");
    if (s.batch_size <= 0)
        out.push_back("the batch size must be positive");
    if (s.grid_min_p.empty() != s.grid_rep_pen.empty())
        out.push_back("a guardrail sweep needs both min_p and rep_pen values");
    for (double v : s.grid_min_p)
        if (!(v >= 0 && v <= 1))
            out.push_back(fmt::format("min_p {} is outside [0, 1]", v));
    for (double v : s.grid_rep_pen)
        if (!(v > 0))
            out.push_back(fmt::format("rep_pen {} must be positive", v));
    if (s.target != "local")
        out.push_back(fmt::format("target {} is not available yet: jobs run on this machine", s.target));
    const auto& d = s.distillation;
    if (d.enabled) {
        if (distillation_data(s).empty() && !d.teacher_cache)
            out.push_back("distillation needs a data file for the teacher cache");
        if (d.topk <= 0)
            out.push_back("the distillation top-k must be positive");
        if (d.seq_len <= 0)
            out.push_back("the distillation sequence length must be positive");
        if (!(d.lr > 0))
            out.push_back("the distillation learning rate must be positive");
        if (d.steps <= 0)
            out.push_back("distillation needs at least 1 step");
        if (d.batch <= 0)
            out.push_back("the distillation batch must be positive");
        if (d.eval_every < 0)
            out.push_back("the distillation evaluation interval must not be negative");
    }
    const auto& e = s.export_model;
    if (e.enabled) {
        static const std::vector<std::string> types{"f32", "f16", "bf16", "q8_0", "q4_0",
                                                    "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"};
        auto known = [&](const std::string& t) { return std::find(types.begin(), types.end(), t) != types.end(); };
        if (e.format != "gguf" && e.format != "nvfp4")
            out.push_back(fmt::format("export format {} is not available: gguf or nvfp4", e.format));
        if (e.format != "gguf")
            return out; // nvfp4: the defaults of `moecut export nvfp4` (routed experts quantised)
        if (!known(e.type))
            out.push_back(fmt::format("unknown GGUF type {}", e.type));
        for (const auto& rule : e.tensor_types) {
            const auto eq = rule.rfind('=');
            if (eq == std::string::npos || eq == 0)
                out.push_back(fmt::format("type rule {} is not PATTERN=TYPE", rule));
            else if (!known(rule.substr(eq + 1)))
                out.push_back(fmt::format("type rule {}: unknown GGUF type {}", rule, rule.substr(eq + 1)));
        }
        if (e.mtp != "drop" && e.mtp != "keep")
            out.push_back(fmt::format("mtp must be drop or keep, not {}", e.mtp));
    }
    return out;
}

std::vector<RecipeStep> recipe_steps(const ExperimentSettings& s, const std::filesystem::path& experiment_dir,
                                     const std::string& moecut, int first_number)
{
    const std::filesystem::path runs = std::filesystem::path(absolute_or_empty(experiment_dir.empty() ? "." : experiment_dir)) / "runs";
    const std::string model = absolute_or_empty(s.model);
    std::vector<RecipeStep> steps;
    auto add = [&](const std::string& step, std::vector<std::string> args, const std::string& output_name) {
        RecipeStep r;
        r.step = step;
        r.folder = folder_name(steps.size() + static_cast<std::size_t>(std::max(first_number, 1)), step);
        r.output = (runs / r.folder / output_name).string();
        r.argv.push_back(moecut);
        for (auto& a : args)
            r.argv.push_back(a == "@OUT" ? r.output : std::move(a));
        if (!steps.empty())
            r.after = steps.size() - 1;
        steps.push_back(std::move(r));
        return steps.back().output;
    };

    std::string plan;
    if (s.plan_file) {
        plan = absolute_or_empty(*s.plan_file);
    } else {
        std::vector<std::string> args{"saliency", "--model", model};
        for (const auto& c : s.calibration) {
            args.push_back("--data");
            args.push_back(c.domain + "=" + absolute_or_empty(c.file));
        }
        args.insert(args.end(), {"--seq-len", std::to_string(s.seq_len), "--max-tokens",
                                 std::to_string(s.max_tokens), "--device", s.device, "--out", "@OUT"});
        const std::string saliency = add("saliency", std::move(args), "saliency.safetensors");

        args = {"plan", "--saliency", saliency, "--keep", std::to_string(s.keep), "--criterion", s.criterion,
                "--domain", s.domain};
        if (s.swaps > 0)
            args.insert(args.end(), {"--swap-domain", s.swap_domain, "--swaps", std::to_string(s.swaps)});
        if (s.protect_super_experts)
            args.push_back("--protect-super-experts");
        args.insert(args.end(), {"--out", "@OUT"});
        plan = add("plan", std::move(args), "plan.json");
    }
    const std::string pruned = add("prune", {"prune", "--model", model, "--plan", plan, "--out", "@OUT"}, "model");
    // The export of the final model, right after the step that makes it.
    auto add_export = [&](const std::string& input) {
        const auto& e = s.export_model;
        if (!e.enabled)
            return;
        std::vector<std::string> a{"export", e.format, "--model", input};
        const auto options = export_options(e);
        a.insert(a.end(), options.begin(), options.end());
        a.insert(a.end(), {"--out", "@OUT"});
        add("export", std::move(a), e.format == "gguf" ? "model.gguf" : "model");
    };
    if (!s.distillation.enabled)
        add_export(pruned);

    const std::string probes = absolute_or_empty(s.probes);
    auto eval_args = [&](const std::string& command, const std::string& m, const std::string& name) {
        return std::vector<std::string>{command, "--model", m, "--probes", probes, "--n", std::to_string(s.n),
                                        "--cap", std::to_string(s.cap), "--batch-size",
                                        std::to_string(s.batch_size), "--seed", std::to_string(s.seed),
                                        "--device", s.device, "--name", name};
    };
    std::string teacher = s.teacher_run ? absolute_or_empty(*s.teacher_run) : std::string();
    if (s.eval_teacher && teacher.empty()) {
        auto args = eval_args("eval", model, "teacher");
        args.insert(args.end(), {"--out", "@OUT"});
        teacher = add("eval-teacher", std::move(args), "eval");
    }
    auto args = eval_args("eval", pruned, "pruned");
    if (!teacher.empty())
        args.insert(args.end(), {"--baseline", teacher});
    args.insert(args.end(), {"--out", "@OUT"});
    const std::string pruned_eval = add("eval-pruned", std::move(args), "eval");
    if (!s.grid_min_p.empty() && !s.grid_rep_pen.empty()) {
        args = eval_args("sweep", pruned, "pruned");
        args.insert(args.end(), {"--grid", "min_p=" + number_list(s.grid_min_p), "rep_pen=" + number_list(s.grid_rep_pen)});
        if (!teacher.empty())
            args.insert(args.end(), {"--baseline", teacher});
        args.insert(args.end(), {"--out", "@OUT"});
        add("sweep", std::move(args), "sweep");
    }
    if (!s.distillation.enabled)
        return steps;

    // Router-KD: the teacher's cache (reused when given), the pruned model as
    // the student, then the distilled model evaluated like the others, raw and
    // at the strongest guardrail of the grid, and the four-row report.
    const auto& d = s.distillation;
    std::string cache = d.teacher_cache ? absolute_or_empty(*d.teacher_cache) : std::string();
    if (cache.empty())
        cache = add("teacher-cache",
                    {"teacher-cache", "--model", model, "--data", absolute_or_empty(distillation_data(s)), "--topk",
                     std::to_string(d.topk), "--seq-len", std::to_string(d.seq_len), "--max-tokens",
                     std::to_string(s.max_tokens), "--device", s.device, "--out", "@OUT"},
                    "cache");
    args = {"kd", "--student", pruned, "--cache", cache, "--lr", fmt::format("{}", d.lr), "--steps",
            std::to_string(d.steps), "--batch", std::to_string(d.batch)};
    if (d.eval_every > 0)
        args.insert(args.end(), {"--eval-every", std::to_string(d.eval_every)});
    args.insert(args.end(), {"--device", s.device, "--out", "@OUT"});
    const std::string distilled = add("kd", std::move(args), "model");
    add_export(distilled);

    std::vector<std::string> rows;
    if (!teacher.empty())
        rows.push_back(teacher);
    rows.push_back(pruned_eval);
    auto eval_distilled = [&](const std::string& step, const std::string& name, std::vector<std::string> extra) {
        auto a = eval_args("eval", distilled, name);
        a.insert(a.end(), extra.begin(), extra.end());
        if (!teacher.empty())
            a.insert(a.end(), {"--baseline", teacher});
        a.insert(a.end(), {"--out", "@OUT"});
        rows.push_back(add(step, std::move(a), "eval"));
    };
    eval_distilled("eval-distilled", "pruned+KD", {});
    if (const auto cell = distilled_guardrail(s))
        eval_distilled("eval-distilled-guardrail", "pruned+KD+guardrail",
                       {"--min-p", fmt::format("{}", cell->min_p), "--rep-pen", fmt::format("{}", cell->rep_pen)});
    args = {"eval-report"};
    args.insert(args.end(), rows.begin(), rows.end());
    args.insert(args.end(), {"--baseline", rows.front()});
    // eval-report prints the table; the job runner keeps stdout in stderr.log.
    add("report", std::move(args), "stderr.log");
    return steps;
}

std::string shell_command(const std::vector<std::string>& argv)
{
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty())
            out += ' ';
        bool safe = !a.empty();
        for (char c : a)
            safe = safe && shell_safe(c);
        if (safe) {
            out += a;
            continue;
        }
        out += '\'';
        for (char c : a) {
            if (c == '\'')
                out += "'\\''";
            else
                out += c;
        }
        out += '\'';
    }
    return out;
}

} // namespace moecut
