// moecut saliency: calibration data, model, communicator, resumable run, file.
#include "moecut/engine/saliency_command.h"

#include "moecut/calibration.h"
#include "moecut/chat_template.h"
#include "moecut/distributed.h"
#include "moecut/engine/communicator.h"
#include "moecut/engine/saliency.h"
#include "moecut/error.h"
#include "moecut/tokenizer.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <chrono>
#include <cstdio>
#include <optional>

namespace moecut::engine {
namespace {

torch::Device parse_device(const std::string& s, const DistEnv& env) {
    if (s == "cpu") return torch::kCPU;
    if (s == "cuda" || s.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            throw InputError(fmt::format("--device {}: no CUDA device (or this LibTorch has no CUDA)", s));
        std::optional<torch::Device> d;
        if (s == "cuda") d = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank));
        else
            try {
                d = torch::Device(s);
            } catch (const std::exception&) {
            }
        if (d) {
            const auto n = static_cast<int>(torch::cuda::device_count());
            if (d->index() >= n)
                throw InputError(fmt::format("--device {}: there {} {} CUDA device{}", d->str(), n == 1 ? "is" : "are",
                                             n, n == 1 ? "" : "s"));
            return *d;
        }
    }
    throw InputError(fmt::format("--device must be cpu, cuda or cuda:N, not \"{}\"", s));
}

} // namespace

void run_saliency_command(const SaliencyCommand& a) {
    const auto t0 = std::chrono::steady_clock::now();
    const DistEnv env = dist_env_from_environment();
    const torch::Device device = parse_device(a.device, env);
    torch::Dtype dtype;
    if (a.dtype == "float32") dtype = torch::kFloat32;
    else if (a.dtype == "bfloat16") dtype = torch::kBFloat16;
    else throw InputError(fmt::format("--dtype must be float32 or bfloat16, not \"{}\"", a.dtype));
    GateMode gate;
    if (a.gate == "applied") gate = GateMode::Applied;
    else if (a.gate == "softmax-all") gate = GateMode::SoftmaxAll;
    else throw InputError(fmt::format("--gate must be applied or softmax-all, not \"{}\"", a.gate));
    if (a.batch < 1) throw InputError("--batch must be at least 1");

    Model model = Model::open(a.model, {device, dtype, /*streaming=*/true});

    // Tokenizer and chat template, when the data needs them.
    const std::filesystem::path tok_path = a.tokenizer.empty() ? std::filesystem::path(a.model) : std::filesystem::path(a.tokenizer);
    const auto tok_file = std::filesystem::is_directory(tok_path) ? tok_path / "tokenizer.json" : tok_path;
    std::optional<Tokenizer> tokenizer;
    std::optional<ChatTemplate> chat;
    CalibrationOptions co;
    co.seq_len = a.seq_len;
    co.max_tokens = a.max_tokens;
    co.pack = !a.no_pack;
    co.seed = a.seed;
    co.vocab_size = model.arch().vocab_size;
    if (std::filesystem::exists(tok_file)) {
        tokenizer.emplace(Tokenizer::from_file(tok_file));
        co.tokenizer = &*tokenizer;
        const auto cfg = tok_file.parent_path() / "tokenizer_config.json";
        try {
            if (std::filesystem::exists(cfg) || std::filesystem::exists(tok_file.parent_path() / "chat_template.jinja")) {
                chat.emplace(ChatTemplate::from_tokenizer_config(tok_file.parent_path()));
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
    const CalibrationSet data = load_calibration(sources, co);

    auto comm = make_communicator(env, device);
    SaliencyRunOptions ro;
    ro.batch = a.batch;
    ro.gate = gate;
    ro.comm = comm.get();
    const std::filesystem::path state_root = a.out + ".state";
    ro.state_dir = state_root / fmt::format("rank{}", env.rank);
    if (a.restart) std::filesystem::remove_all(ro.state_dir);
    SaliencyRunInfo info;
    SaliencyTable table = compute_saliency(model, data, ro, &info);

    nlohmann::json files = nlohmann::json::array();
    for (const auto& s : sources) files.push_back(s.path.filename().string());
    table.extra["data_files"] = files.dump();
    table.extra["seq_len"] = std::to_string(a.seq_len);
    table.extra["max_tokens"] = std::to_string(a.max_tokens);
    table.extra["packing"] = a.no_pack ? "false" : "true";
    table.extra["seed"] = std::to_string(a.seed);
    table.extra["batch"] = std::to_string(a.batch);
    table.extra["world_size"] = std::to_string(comm->world());
    if (env.rank == 0) write_saliency_file(a.out, table);
    comm->barrier();
    std::filesystem::remove_all(ro.state_dir);
    comm->barrier();
    if (env.rank == 0) {
        std::error_code ec;
        std::filesystem::remove(state_root, ec);  // only if empty
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::string doms;
        for (const auto& d : data.domains) doms += fmt::format("{}{} {}", doms.empty() ? "" : ", ", d, data.tokens.at(d));
        fmt::print("wrote {}: {} rows x {} experts, {} tokens ({}), {} process{}{} in {:.1f} s\n", a.out, table.rows(),
                   table.experts, data.total_tokens, doms, comm->world(), comm->world() > 1 ? "es" : "",
                   info.resumed_from_layer >= 0 ? fmt::format(", resumed after layer {}", info.resumed_from_layer) : "",
                   secs);
        std::fflush(stdout);
    }
}

} // namespace moecut::engine
