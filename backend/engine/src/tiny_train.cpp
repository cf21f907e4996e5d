// moecut train-tiny (include/moecut/engine/tiny_trainer.h): tokenizer, data
// stream, AdamW loop with warmup + cosine, bias updates, logs, outputs.
#include "moecut/engine/tiny_trainer.h"

#include "moecut/atomic_file.h"
#include "moecut/bpe_trainer.h"
#include "moecut/corpus.h"
#include "moecut/engine/tiny_eval.h"
#include "moecut/error.h"
#include "moecut/png_plot.h"
#include "moecut/tokenizer.h"
#include "tiny_net.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>

namespace moecut::engine {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct LogRow {
    int step;
    double loss, mtp_loss, lr;
    std::int64_t tokens;
    double seconds;
};

// Warmup from lr/warmup to lr over `warmup` steps, then cosine to min_ratio * lr at `steps`.
double lr_at(const TrainTinyOptions& o, int step) {
    if (step < o.warmup) return o.lr * static_cast<double>(step + 1) / o.warmup;
    const double span = std::max(1, o.steps - o.warmup);
    const double t = std::min(1.0, static_cast<double>(step - o.warmup) / span);
    return o.lr * (o.min_lr_ratio + (1 - o.min_lr_ratio) * 0.5 * (1 + std::cos(std::numbers::pi * t)));
}

// The training split as one token stream, each document followed by <|endoftext|> (id 0).
std::vector<std::int64_t> token_stream(const Tokenizer& tok, const std::vector<CorpusRecord>& docs) {
    std::vector<std::int64_t> out;
    out.reserve(docs.size() * 400);
    for (const auto& d : docs) {
        for (auto id : tok.encode(d.text, false)) out.push_back(id);
        out.push_back(0);
    }
    return out;
}

void write_log_csv(const std::filesystem::path& file, const std::vector<LogRow>& rows) {
    std::string s = "step,loss,mtp_loss,lr,tokens,seconds\n";
    for (const auto& r : rows)
        s += fmt::format("{},{:.6f},{:.6f},{:.8g},{},{:.2f}\n", r.step, r.loss, r.mtp_loss, r.lr, r.tokens, r.seconds);
    write_file_atomic(file, s);
}

void write_loss_png(const std::filesystem::path& file, const std::vector<LogRow>& rows) {
    // Raw per-step losses are noisy: plot a running mean over 10 steps.
    PlotSeries main{{}, {}, 31, 119, 180}, mtp{{}, {}, 255, 127, 14};
    double a = 0, b = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        a += rows[i].loss, b += rows[i].mtp_loss;
        if (i >= 10) a -= rows[i - 10].loss, b -= rows[i - 10].mtp_loss;
        const double n = static_cast<double>(std::min<std::size_t>(i + 1, 10));
        main.x.push_back(rows[i].step), main.y.push_back(a / n);
        mtp.x.push_back(rows[i].step), mtp.y.push_back(b / n);
    }
    write_line_plot_png(file.string(), {mtp, main});
}

} // namespace

TrainTinySummary train_tiny(const TrainTinyOptions& o) {
    const auto t_start = Clock::now();
    if (o.steps < 1) throw InputError("--steps must be at least 1");
    if (o.threads < 1) throw InputError("--threads must be at least 1");
    if (std::filesystem::exists(o.out)) throw InputError(fmt::format("{}: already exists", o.out.string()));
    at::set_num_threads(o.threads);
    // LibTorch does not set OpenBLAS's own pool (Debian's LibTorch links libblas.so.3).
    if (void* f = dlsym(RTLD_DEFAULT, "openblas_set_num_threads")) reinterpret_cast<void (*)(int)>(f)(o.threads);
    TrainTinySummary sum;

    const auto corpus = find_corpus_dir(o.corpus);
    const auto docs = read_corpus_jsonl(corpus / "train.jsonl");
    if (docs.empty()) throw InputError((corpus / "train.jsonl").string() + ": no documents");

    AtomicDir out(o.out);
    const auto& dir = out.staging();

    // 1. Tokenizer.
    BpeTrainer bpe({static_cast<std::size_t>(o.spec.vocab_size), tiny_special_tokens(), 2});
    for (const auto& d : docs) bpe.add_text(d.text);
    const std::string tok_json = bpe.train_json();
    write_file_atomic(dir / "tokenizer.json", tok_json);
    const Tokenizer tok = Tokenizer::from_json(tok_json, "tokenizer.json");
    TinyModelSpec spec = o.spec;
    spec.vocab_size = static_cast<std::int64_t>(tok.vocab_size());
    const auto config = tiny_model_config(spec);
    write_file_atomic(dir / "config.json", config.dump(2) + "\n");
    write_file_atomic(dir / "tokenizer_config.json", tiny_tokenizer_config(spec).dump(2) + "\n");
    write_file_atomic(dir / "generation_config.json", tiny_generation_config().dump(2) + "\n");

    // 2. Data.
    const auto stream = token_stream(tok, docs);
    sum.corpus_tokens = static_cast<std::int64_t>(stream.size());
    const std::int64_t T = spec.max_seq, B = o.batch;
    if (sum.corpus_tokens < T + 2) throw InputError("the training split is shorter than one sequence");
    std::mt19937_64 rng(o.seed);

    // 3. Model and optimiser.
    torch::manual_seed(o.seed);
    detail::TinyNet net(config);
    sum.parameters = net.parameter_count();
    auto [decay, no_decay] = net.param_groups();
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(o.lr).betas({0.9, 0.95}).eps(1e-8).weight_decay(o.weight_decay)));
    groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                      torch::optim::AdamWOptions(o.lr).betas({0.9, 0.95}).eps(1e-8).weight_decay(0.0)));
    torch::optim::AdamW opt(std::move(groups));
    std::vector<torch::Tensor> all_params = decay;
    all_params.insert(all_params.end(), no_decay.begin(), no_decay.end());

    // 4. Training.
    std::vector<LogRow> rows;
    ProgressReporter progress("train", static_cast<std::uint64_t>(o.steps), o.progress);
    const auto t_train = Clock::now();
    std::vector<std::int64_t> batch(static_cast<std::size_t>(B * (T + 2)));
    for (int step = 0; step < o.steps; ++step) {
        for (std::int64_t b = 0; b < B; ++b) {
            const auto start = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(sum.corpus_tokens - T - 1));
            std::copy_n(stream.begin() + start, T + 2, batch.begin() + b * (T + 2));
        }
        auto tokens = torch::from_blob(batch.data(), {B, T + 2}, torch::kLong).clone();
        const double lr = lr_at(o, step);
        for (auto& g : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
        opt.zero_grad();
        auto loss = net.forward(tokens, o.mtp_weight, o.aux_weight);
        loss.total.backward();
        torch::nn::utils::clip_grad_norm_(all_params, o.grad_clip);
        opt.step();
        net.update_biases(loss.loads, o.bias_update);
        sum.tokens += B * T;
        rows.push_back({step, loss.main.item<double>(), loss.mtp.item<double>(), lr, sum.tokens, seconds_since(t_train)});
        progress.update(static_cast<std::uint64_t>(step + 1));
    }
    progress.finish();
    sum.seconds = seconds_since(t_train);
    const std::size_t tail = std::min<std::size_t>(20, rows.size());
    for (std::size_t i = rows.size() - tail; i < rows.size(); ++i)
        sum.final_loss += rows[i].loss / tail, sum.final_mtp_loss += rows[i].mtp_loss / tail;

    // 5. Outputs.
    net.save(dir / "model.safetensors");
    write_log_csv(dir / "train_log.csv", rows);
    write_loss_png(dir / "loss.png", rows);
    if (o.eval) {
        auto report = evaluate_tiny(dir, corpus, o.progress);
        report["training"] = {{"steps", o.steps},        {"seed", o.seed},
                              {"threads", o.threads},    {"batch", B},
                              {"seq_len", T},            {"tokens", sum.tokens},
                              {"corpus_tokens", sum.corpus_tokens},
                              {"parameters", sum.parameters},
                              {"train_seconds", sum.seconds},
                              {"final_loss", sum.final_loss},
                              {"final_mtp_loss", sum.final_mtp_loss}};
        write_file_atomic(dir / "eval.json", report.dump(2) + "\n");
    }
    out.commit();
    sum.total_seconds = seconds_since(t_start);
    return sum;
}

} // namespace moecut::engine
