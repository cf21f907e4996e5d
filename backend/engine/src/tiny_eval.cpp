// Perplexity per probe source, routing frequencies on the calibration sets and
// greedy samples of a trained tiny model (include/moecut/engine/tiny_eval.h).
#include "moecut/engine/tiny_eval.h"

#include "moecut/corpus.h"
#include "moecut/engine/model.h"
#include "moecut/tokenizer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace moecut::engine {

namespace {

using nlohmann::ordered_json;

constexpr std::int64_t kBatch = 32;

// Token ids of a text after <|endoftext|> (id 0), at most max_len in all.
std::vector<std::int64_t> prompt_ids(const Tokenizer& tok, const std::string& text, std::int64_t max_len) {
    std::vector<std::int64_t> ids = {0};
    for (auto id : tok.encode(text, false)) {
        if (static_cast<std::int64_t>(ids.size()) >= max_len) break;
        ids.push_back(id);
    }
    return ids;
}

// Right-padded batch: ids [B, T] and mask [B, T].
std::pair<torch::Tensor, torch::Tensor> pad_batch(const std::vector<std::vector<std::int64_t>>& seqs) {
    std::int64_t T = 1;
    for (const auto& s : seqs) T = std::max<std::int64_t>(T, static_cast<std::int64_t>(s.size()));
    const auto B = static_cast<std::int64_t>(seqs.size());
    auto ids = torch::zeros({B, T}, torch::kLong), mask = torch::zeros({B, T}, torch::kLong);
    for (std::int64_t b = 0; b < B; ++b)
        for (std::size_t t = 0; t < seqs[static_cast<std::size_t>(b)].size(); ++t) {
            ids[b][static_cast<std::int64_t>(t)] = seqs[static_cast<std::size_t>(b)][t];
            mask[b][static_cast<std::int64_t>(t)] = 1;
        }
    return {ids, mask};
}

ordered_json perplexity(Model& model, const Tokenizer& tok, const std::vector<CorpusRecord>& probes,
                        std::int64_t max_len, ProgressReporter& progress) {
    std::map<std::string, std::pair<double, std::int64_t>> nll;  // source -> (sum, tokens)
    std::map<std::string, std::int64_t> prompts;
    for (std::size_t at = 0; at < probes.size(); at += kBatch) {
        std::vector<std::vector<std::int64_t>> seqs;
        const std::size_t end = std::min(probes.size(), at + kBatch);
        for (std::size_t i = at; i < end; ++i) seqs.push_back(prompt_ids(tok, probes[i].text, max_len));
        auto [ids, mask] = pad_batch(seqs);
        ForwardOptions fo;
        fo.attention_mask = mask;
        auto logp = torch::log_softmax(model.forward(ids, fo).logits.to(torch::kFloat32), -1);
        auto target = ids.narrow(1, 1, ids.size(1) - 1);
        auto tok_nll = -logp.narrow(1, 0, ids.size(1) - 1).gather(-1, target.unsqueeze(-1)).squeeze(-1);
        auto valid = mask.narrow(1, 1, ids.size(1) - 1).to(torch::kFloat32);
        auto per_seq = (tok_nll * valid).sum(1);
        for (std::size_t i = at; i < end; ++i) {
            auto& [s, n] = nll[probes[i].source];
            s += per_seq[static_cast<std::int64_t>(i - at)].item<double>();
            n += static_cast<std::int64_t>(seqs[i - at].size()) - 1;
            ++prompts[probes[i].source];
        }
        progress.advance(end - at);
    }
    ordered_json out = ordered_json::object();
    double all_s = 0;
    std::int64_t all_n = 0;
    for (const auto& [src, sn] : nll) {
        out[src] = {{"prompts", prompts[src]}, {"tokens", sn.second}, {"perplexity", std::exp(sn.first / sn.second)}};
        all_s += sn.first, all_n += sn.second;
    }
    out["all"] = {{"prompts", probes.size()}, {"tokens", all_n}, {"perplexity", std::exp(all_s / std::max<std::int64_t>(1, all_n))}};
    return out;
}

ordered_json routing(Model& model, const Tokenizer& tok, const std::vector<CorpusRecord>& docs, std::int64_t max_len,
                     ProgressReporter& progress) {
    const auto& arch = model.arch();
    const auto E = arch.router.n_experts;
    std::map<int, std::vector<double>> counts;
    for (std::size_t at = 0; at < docs.size(); at += kBatch) {
        std::vector<std::vector<std::int64_t>> seqs;
        const std::size_t end = std::min(docs.size(), at + kBatch);
        for (std::size_t i = at; i < end; ++i) seqs.push_back(prompt_ids(tok, docs[i].text, max_len));
        auto [ids, mask] = pad_batch(seqs);
        RoutingTaps taps;
        taps.keep_router_logits = false;
        taps.expert_norms = false;
        ForwardOptions fo;
        fo.attention_mask = mask;
        fo.taps = &taps;
        model.forward(ids, fo);
        for (const auto& l : taps.layers) {
            auto idx = l.topk_idx.index({taps.token_valid}).reshape({-1});
            auto c = torch::bincount(idx, {}, E).to(torch::kDouble);
            auto& acc = counts[l.layer];
            acc.resize(static_cast<std::size_t>(E), 0.0);
            for (std::int64_t e = 0; e < E; ++e) acc[static_cast<std::size_t>(e)] += c[e].item<double>();
        }
        progress.advance(end - at);
    }
    ordered_json layers = ordered_json::object();
    for (const auto& [layer, c] : counts) {
        const RoutingStats s = routing_stats(c);
        layers[std::to_string(layer)] = {{"counts", c},          {"min_share", s.min_share},
                                         {"median_share", s.median_share}, {"max_share", s.max_share},
                                         {"gini", s.gini},       {"entropy", s.entropy}};
    }
    return layers;
}

ordered_json samples(Model& model, const Tokenizer& tok, std::int64_t max_len) {
    const std::vector<std::string> prompts = {
        "def fibonacci(n):\n", "#include <stdio.h>\n\nint main(", "function add(a, b) {\n",
        "The Rust programming language", "if [ -z \"$1\" ]; then\n", "Python's list comprehensions"};
    const auto& eos = model.arch().eos_token_ids;
    ordered_json out = ordered_json::array();
    for (const auto& p : prompts) {
        auto ids = prompt_ids(tok, p, max_len);
        std::vector<std::int32_t> gen;
        for (int k = 0; k < 48 && static_cast<std::int64_t>(ids.size()) < max_len; ++k) {
            auto x = torch::tensor(ids, torch::kLong).unsqueeze(0);
            auto next = model.forward(x).logits[0][-1].argmax().item<std::int64_t>();
            if (std::find(eos.begin(), eos.end(), next) != eos.end()) break;
            ids.push_back(next);
            gen.push_back(static_cast<std::int32_t>(next));
        }
        out.push_back({{"prompt", p}, {"greedy", tok.decode(gen, true)}});
    }
    return out;
}

} // namespace

RoutingStats routing_stats(const std::vector<double>& counts) {
    RoutingStats s;
    std::vector<double> v = counts;
    std::sort(v.begin(), v.end());
    double total = 0;
    for (double x : v) total += x;
    if (v.empty() || total <= 0) return s;
    const auto n = static_cast<double>(v.size());
    s.min_share = v.front() / total;
    s.max_share = v.back() / total;
    const std::size_t m = v.size() / 2;
    s.median_share = (v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m])) / total;
    double weighted = 0, h = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        weighted += static_cast<double>(i + 1) * v[i];
        if (v[i] > 0) h -= (v[i] / total) * std::log(v[i] / total);
    }
    s.gini = 2 * weighted / (n * total) - (n + 1) / n;
    s.entropy = v.size() > 1 ? h / std::log(n) : 1.0;
    return s;
}

ordered_json evaluate_tiny(const std::filesystem::path& model_dir, const std::filesystem::path& corpus_dir,
                   ProgressReporter::Mode mode) {
    torch::NoGradGuard no_grad;
    Model model = Model::open(model_dir);
    const Tokenizer tok = Tokenizer::from_file(model_dir / "tokenizer.json");
    const std::int64_t max_len = std::max<std::int64_t>(2, model.arch().indexer ? model.arch().indexer->topk : 128);
    const auto probes = read_corpus_jsonl(corpus_dir / "probes.jsonl");
    const auto code = read_corpus_jsonl(corpus_dir / "calib_code.jsonl");
    const auto knowledge = read_corpus_jsonl(corpus_dir / "calib_knowledge.jsonl");

    ProgressReporter progress("eval", probes.size() + code.size() + knowledge.size(), mode);
    ordered_json out;
    out["perplexity"] = perplexity(model, tok, probes, max_len, progress);
    out["routing"] = {{"code", routing(model, tok, code, max_len, progress)},
                      {"knowledge", routing(model, tok, knowledge, max_len, progress)}};
    progress.finish();
    out["samples"] = samples(model, tok, max_len);
    return out;
}

} // namespace moecut::engine
