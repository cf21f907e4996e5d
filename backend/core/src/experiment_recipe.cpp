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
    add("eval-pruned", std::move(args), "eval");
    if (!s.grid_min_p.empty() && !s.grid_rep_pen.empty()) {
        args = eval_args("sweep", pruned, "pruned");
        args.insert(args.end(), {"--grid", "min_p=" + number_list(s.grid_min_p), "rep_pen=" + number_list(s.grid_rep_pen)});
        if (!teacher.empty())
            args.insert(args.end(), {"--baseline", teacher});
        args.insert(args.end(), {"--out", "@OUT"});
        add("sweep", std::move(args), "sweep");
    }
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
