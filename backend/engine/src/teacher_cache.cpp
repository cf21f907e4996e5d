// moecut teacher-cache: the teacher's top-k next-token log-probabilities per
// calibration position, shard by shard (resumable).
#include "moecut/engine/teacher_cache.h"

#include "moecut/calibration.h"
#include "moecut/chat_template.h"
#include "moecut/checkpoint_hash.h"
#include "moecut/engine/model.h"
#include "moecut/error.h"
#include "moecut/progress.h"
#include "moecut/teacher_cache_file.h"
#include "moecut/tokenizer.h"

#include <ATen/core/grad_mode.h>
#include <fmt/core.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>

namespace moecut::engine {
namespace {

torch::Device teacher_device(const std::string& s) {
    if (s == "cpu") return torch::kCPU;
    if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            throw InputError(fmt::format("--device {}: no CUDA device (or this LibTorch has no CUDA)", s));
        try {
            return s == "cuda" ? torch::Device(torch::kCUDA, 0) : torch::Device(s);
        } catch (const std::exception&) {
        }
    }
    throw InputError(fmt::format("--device must be cpu, cuda or cuda:N, not \"{}\"", s));
}

CalibrationSet load_data(const TeacherCacheCommand& a, std::int64_t vocab_size) {
    const std::filesystem::path tok_path = a.tokenizer.empty() ? std::filesystem::path(a.model) : std::filesystem::path(a.tokenizer);
    const auto tok_file = std::filesystem::is_directory(tok_path) ? tok_path / "tokenizer.json" : tok_path;
    std::optional<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat;
    CalibrationOptions co;
    co.seq_len = a.seq_len;
    co.max_tokens = a.max_tokens;
    co.pack = !a.no_pack;
    co.seed = a.seed;
    co.vocab_size = vocab_size;
    if (std::filesystem::exists(tok_file)) {
        tokenizer.emplace(Tokenizer::from_file(tok_file));
        co.tokenizer = &*tokenizer;
        try {
            const auto dir = tok_file.parent_path();
            if (std::filesystem::exists(dir / "tokenizer_config.json") || std::filesystem::exists(dir / "chat_template.jinja")) {
                chat.emplace(ChatTemplate::from_tokenizer_config(dir));
                co.chat_template = &*chat;
            }
        } catch (const InputError&) {
            co.tokenizer_origin = fmt::format("{} has no chat template", tok_file.parent_path().string());
        }
        if (co.tokenizer_origin.empty()) co.tokenizer_origin = tok_file.string();
    } else {
        co.tokenizer_origin = fmt::format("no {}; pass --tokenizer or use \"tokens\" lines", tok_file.string());
    }
    std::vector<CalibrationSource> sources;
    for (const auto& d : a.data) sources.push_back(parse_calibration_arg(d));
    return load_calibration(sources, co);
}

// The teacher's top-k over a batch of sequences (right-padded).
void run_batch(Model& model, const CalibrationSet& data, std::size_t first, std::size_t count, int topk,
               std::vector<TeacherCacheSequence>& out) {
    std::int64_t T = 0;
    for (std::size_t i = first; i < first + count; ++i)
        T = std::max<std::int64_t>(T, static_cast<std::int64_t>(data.sequences[i].tokens.size()));
    const auto B = static_cast<std::int64_t>(count);
    auto ids = torch::zeros({B, T}, torch::kLong);
    auto mask = torch::zeros({B, T}, torch::kLong);
    for (std::int64_t b = 0; b < B; ++b) {
        const auto& tok = data.sequences[first + static_cast<std::size_t>(b)].tokens;
        const auto n = static_cast<std::int64_t>(tok.size());
        ids[b].narrow(0, 0, n).copy_(torch::from_blob(const_cast<std::int32_t*>(tok.data()), {n}, torch::kInt).to(torch::kLong));
        mask[b].narrow(0, 0, n).fill_(1);
    }
    ForwardOptions fo;
    fo.attention_mask = mask;
    auto logits = model.forward(ids, fo).logits.to(torch::kFloat32);
    auto logp = torch::log_softmax(logits, -1);
    auto [vals, idx] = logp.topk(topk, -1, /*largest=*/true, /*sorted=*/true);
    vals = vals.to(torch::kCPU, torch::kHalf).contiguous();
    idx = idx.to(torch::kCPU, torch::kInt).contiguous();
    for (std::int64_t b = 0; b < B; ++b) {
        const auto& src = data.sequences[first + static_cast<std::size_t>(b)];
        TeacherCacheSequence s;
        s.domain = src.domain;
        s.tokens = src.tokens;
        const auto n = s.tokens.size() * static_cast<std::size_t>(topk);
        s.topk_ids.resize(n);
        s.topk_logprob_f16.resize(n);
        std::memcpy(s.topk_ids.data(), idx[b].data_ptr<std::int32_t>(), n * sizeof(std::int32_t));
        std::memcpy(s.topk_logprob_f16.data(), vals[b].data_ptr<at::Half>(), n * sizeof(std::uint16_t));
        out.push_back(std::move(s));
    }
}

} // namespace

void run_teacher_cache_command(const TeacherCacheCommand& a) {
    const auto t0 = std::chrono::steady_clock::now();
    if (a.topk < 1) throw InputError("--topk must be at least 1");
    if (a.batch < 1) throw InputError("--batch must be at least 1");
    if (a.shard_sequences < 1) throw InputError("--shard-sequences must be at least 1");
    // "cuda:0,cuda:1,...": the layers split over the devices and kept resident
    // (a teacher bigger than one GPU); one device: layer streaming.
    std::vector<torch::Device> devices;
    for (std::size_t b = 0; b <= a.device.size();) {
        const auto e = std::min(a.device.find(',', b), a.device.size());
        devices.push_back(teacher_device(a.device.substr(b, e - b)));
        b = e + 1;
    }
    const torch::Device device = devices.front();
    torch::Dtype dtype;
    if (a.dtype == "float32") dtype = torch::kFloat32;
    else if (a.dtype == "bfloat16") dtype = torch::kBFloat16;
    else throw InputError(fmt::format("--dtype must be float32 or bfloat16, not \"{}\"", a.dtype));

    ModelOptions mo{device, dtype, /*streaming=*/devices.size() < 2};
    if (devices.size() >= 2) mo.place_on = devices;
    Model model = Model::open(a.model, mo);
    if (a.topk > model.arch().vocab_size)
        throw InputError(fmt::format("--topk {} exceeds the vocabulary ({})", a.topk, model.arch().vocab_size));
    const CalibrationSet data = load_data(a, model.arch().vocab_size);

    TeacherCacheManifest m;
    m.model = a.model;
    m.model_fingerprint = checkpoint_fingerprint(model.checkpoint());
    m.data_hash = data.hash;
    m.domains = data.domains;
    m.topk = a.topk;
    m.seq_len = a.seq_len;
    m.max_tokens = a.max_tokens;
    m.vocab_size = model.arch().vocab_size;
    m.total_sequences = data.sequences.size();
    m.total_tokens = data.total_tokens;

    const std::filesystem::path dir = a.out;
    const bool have = std::filesystem::exists(teacher_cache_manifest_path(dir));
    if (have && a.restart) std::filesystem::remove_all(dir);
    if (have && !a.restart) {
        const auto old = read_teacher_cache_manifest(dir);
        auto differs = [&](const char* what, const auto& x, const auto& y) {
            if (x != y)
                throw_input(teacher_cache_manifest_path(dir).string(),
                            fmt::format("made with another {} ({} here, {} now); pass --restart to replace it", what, x, y));
        };
        differs("teacher", old.model_fingerprint, m.model_fingerprint);
        differs("data", old.data_hash, m.data_hash);
        differs("topk", old.topk, m.topk);
        differs("seq-len", old.seq_len, m.seq_len);
        for (const auto& s : old.shards)
            if (!std::filesystem::exists(dir / s.file))
                throw_input((dir / s.file).string(), "listed in the manifest but missing; pass --restart");
        m.shards = old.shards;
    }
    std::filesystem::create_directories(dir);

    std::size_t next = m.cached_sequences();
    const std::size_t resumed = next;
    ProgressReporter progress("teacher-cache", data.total_tokens);
    progress.set_unit("tokens");
    progress.update(m.cached_positions());
    while (next < data.sequences.size()) {
        const std::size_t end = std::min(data.sequences.size(), next + static_cast<std::size_t>(a.shard_sequences));
        const auto name = teacher_cache_shard_name(m.shards.size());
        progress.set_current(name);
        std::vector<TeacherCacheSequence> seqs;
        for (std::size_t b = next; b < end; b += static_cast<std::size_t>(a.batch)) {
            const auto count = std::min(static_cast<std::size_t>(a.batch), end - b);
            run_batch(model, data, b, count, a.topk, seqs);
            std::uint64_t n = 0;
            for (std::size_t i = b; i < b + count; ++i) n += data.sequences[i].tokens.size();
            progress.advance(n);
        }
        auto info = write_teacher_cache_shard(dir / name, a.topk, seqs);
        info.first_sequence = next;
        m.shards.push_back(info);
        write_teacher_cache_manifest(dir, m);
        next = end;
    }
    m.complete = true;
    write_teacher_cache_manifest(dir, m);
    progress.finish();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("wrote {}: {} sequences, {} positions, top-{} in {} shard{}{} in {:.1f} s\n", a.out, m.cached_sequences(),
               m.cached_positions(), a.topk, m.shards.size(), m.shards.size() == 1 ? "" : "s",
               resumed > 0 ? fmt::format(", resumed after {} sequences", resumed) : "", secs);
    std::fflush(stdout);
}

} // namespace moecut::engine
