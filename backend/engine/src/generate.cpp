// Batched generation: left-padded prefill into a KV cache, then one token per
// step for every sequence still running; samplers; EOS ids of a checkpoint.
#include "moecut/engine/generate.h"

#include "moecut/error.h"

#include <ATen/core/grad_mode.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <optional>

namespace moecut::engine {

torch::Tensor GreedySampler::sample(const torch::Tensor& logits) { return logits.argmax(-1); }

TemperatureSampler::TemperatureSampler(double temperature, std::uint64_t seed) : temperature_(temperature), rng_(seed) {}

torch::Tensor TemperatureSampler::sample(const torch::Tensor& logits) {
    if (temperature_ <= 0) return logits.argmax(-1);
    auto probs = torch::softmax(logits.to(torch::kCPU, torch::kDouble) / temperature_, -1).contiguous();
    const std::int64_t B = probs.size(0), V = probs.size(1);
    auto out = torch::empty({B}, torch::kLong);
    const double* p = probs.data_ptr<double>();
    for (std::int64_t b = 0; b < B; ++b) {
        // u in [0, 1) from the top 53 bits: the same on every platform.
        const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
        const double* row = p + b * V;
        double total = 0;
        for (std::int64_t v = 0; v < V; ++v) total += row[v];
        double acc = 0;
        std::int64_t pick = V - 1;
        for (std::int64_t v = 0; v < V; ++v) {
            acc += row[v];
            if (acc > u * total && row[v] > 0) {
                pick = v;
                break;
            }
        }
        out[b] = pick;
    }
    return out;
}

namespace {

// eos_token_id of one JSON file: nullopt when absent or null.
std::optional<std::vector<std::int64_t>> eos_from(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw_input(file.string(), fmt::format("not valid JSON ({})", e.what()));
    }
    if (!j.is_object()) throw_input(file.string(), "not a JSON object");
    auto it = j.find("eos_token_id");
    if (it == j.end() || it->is_null()) return std::nullopt;
    std::vector<std::int64_t> ids;
    auto bad = [&] { throw_input(file.string(), "eos_token_id must be an integer or a list of integers"); };
    if (it->is_number_integer()) {
        ids.push_back(it->get<std::int64_t>());
    } else if (it->is_array()) {
        for (const auto& v : *it) {
            if (!v.is_number_integer()) bad();
            ids.push_back(v.get<std::int64_t>());
        }
    } else {
        bad();
    }
    return ids;
}

std::vector<std::int64_t> to_ids(const torch::Tensor& t) {
    auto c = t.to(torch::kCPU, torch::kLong).contiguous();
    return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

// One token per running row from its own RowSampler: the [R, V] logits come to
// the CPU as float32 in one copy, then each row is a span into it.
std::vector<std::int64_t> pick_rows(std::vector<RowSampler>& samplers, const torch::Tensor& logits,
                                    const std::vector<std::int64_t>& rows,
                                    const std::vector<std::vector<std::int64_t>>& prompts,
                                    const std::vector<GeneratedSequence>& out) {
    auto cpu = logits.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto V = static_cast<std::size_t>(cpu.size(1));
    const float* p = cpu.data_ptr<float>();
    std::vector<std::int64_t> picked(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto b = static_cast<std::size_t>(rows[i]);
        picked[i] = samplers[b].next(std::span<const float>(p + i * V, V), prompts[b], out[b].tokens);
    }
    return picked;
}

} // namespace

std::vector<std::int64_t> eos_token_ids(const std::filesystem::path& dir) {
    if (auto g = eos_from(dir / "generation_config.json")) return *g;
    if (auto c = eos_from(dir / "config.json")) return *c;
    return {};
}

const char* stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::Eos: return "eos";
    case StopReason::MaxTokens: return "max_tokens";
    case StopReason::Stopped: return "stopped";
    }
    return "?";
}

std::pair<torch::Tensor, torch::Tensor> left_pad(const std::vector<std::vector<std::int64_t>>& prompts,
                                                 std::int64_t pad_id) {
    std::size_t T = 0;
    for (const auto& p : prompts) T = std::max(T, p.size());
    const auto B = static_cast<std::int64_t>(prompts.size());
    auto ids = torch::full({B, static_cast<std::int64_t>(T)}, pad_id, torch::kLong);
    auto mask = torch::zeros({B, static_cast<std::int64_t>(T)}, torch::kLong);
    for (std::int64_t b = 0; b < B; ++b) {
        const auto& p = prompts[static_cast<std::size_t>(b)];
        const auto off = static_cast<std::int64_t>(T - p.size());
        for (std::size_t t = 0; t < p.size(); ++t) {
            ids[b][off + static_cast<std::int64_t>(t)] = p[t];
            mask[b][off + static_cast<std::int64_t>(t)] = 1;
        }
    }
    return {ids, mask};
}

std::vector<GeneratedSequence> generate(Model& model, const std::vector<std::vector<std::int64_t>>& prompts,
                                        const GenerateOptions& o) {
    at::NoGradGuard no_grad;
    if (prompts.empty()) return {};
    for (std::size_t i = 0; i < prompts.size(); ++i)
        if (prompts[i].empty()) throw InputError(fmt::format("prompt {} has no tokens", i + 1));
    GreedySampler greedy;
    Sampler& sampler = o.sampler ? *o.sampler : greedy;
    const auto B = static_cast<std::int64_t>(prompts.size());
    if (o.row_samplers && o.row_samplers->size() != prompts.size())
        throw InputError(fmt::format("generate: {} row samplers for {} prompts", o.row_samplers->size(), prompts.size()));
    std::vector<GeneratedSequence> out(static_cast<std::size_t>(B));
    if (o.max_new_tokens <= 0) return out;

    auto [ids, mask] = left_pad(prompts, o.pad_id);
    std::vector<bool> running(static_cast<std::size_t>(B), true);
    KvCache cache = model.new_cache(B);

    // The logits of each sequence's last slot after feeding `step_ids`.
    auto run = [&](const torch::Tensor& step_ids, const torch::Tensor& step_mask) {
        ForwardOptions fo;
        if (o.use_cache) {
            fo.attention_mask = step_mask;
            fo.cache = &cache;
            return model.forward(step_ids, fo).logits.select(1, -1).to(torch::kFloat32);
        }
        KvCache fresh = model.new_cache(B);  // the whole sequence again
        fo.attention_mask = mask;
        fo.cache = &fresh;
        return model.forward(ids, fo).logits.select(1, -1).to(torch::kFloat32);
    };
    auto logits = run(ids, mask);

    for (std::int64_t step = 0; step < o.max_new_tokens; ++step) {
        std::vector<std::int64_t> rows;
        for (std::int64_t b = 0; b < B; ++b)
            if (running[static_cast<std::size_t>(b)]) rows.push_back(b);
        if (rows.empty()) break;
        auto row_t = torch::tensor(rows, torch::kLong).to(logits.device());
        std::vector<std::int64_t> picked = o.row_samplers ? pick_rows(*o.row_samplers, logits.index_select(0, row_t), rows,
                                                                      prompts, out)
                                                          : to_ids(sampler.sample(logits.index_select(0, row_t)));
        std::vector<std::int64_t> tokens(static_cast<std::size_t>(B), -1);
        auto next = torch::full({B, 1}, o.pad_id, torch::kLong);
        auto next_mask = torch::zeros({B, 1}, torch::kLong);
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const auto b = static_cast<std::size_t>(rows[i]);
            const std::int64_t tok = picked[i];
            tokens[b] = tok;
            out[b].tokens.push_back(tok);
            next[rows[i]][0] = tok;
            next_mask[rows[i]][0] = 1;
            const bool stop = o.stop_row && o.stop_row(b, tok);
            if (std::find(o.eos_ids.begin(), o.eos_ids.end(), tok) != o.eos_ids.end()) {
                out[b].stop = StopReason::Eos;
                running[b] = false;
            } else if (stop) {
                out[b].stop = StopReason::Stopped;
                running[b] = false;
            } else if (static_cast<std::int64_t>(out[b].tokens.size()) >= o.max_new_tokens) {
                out[b].stop = StopReason::MaxTokens;
                running[b] = false;
            }
        }
        if (o.on_step) o.on_step(step, tokens);
        if (std::none_of(running.begin(), running.end(), [](bool r) { return r; })) break;
        // Stopped sequences ride along as masked padding until the batch ends.
        ids = torch::cat({ids, next}, 1);
        mask = torch::cat({mask, next_mask}, 1);
        logits = run(next, next_mask);
    }
    return out;
}

} // namespace moecut::engine
