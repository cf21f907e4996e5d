// moecut kd: stop signals, the data order, resume points and the output
// checkpoint (a byte copy of the student with new gate bytes).
#include "router_kd_internal.h"

#include "moecut/atomic_file.h"
#include "moecut/dtype.h"
#include "moecut/error.h"

#include <fmt/core.h>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

namespace moecut::engine::kd {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void kd_on_signal(int sig) { g_stop_signal = sig; }
struct sigaction g_old_term {}, g_old_int {};

std::vector<std::byte> encode(const torch::Tensor& master, DType dt, const std::string& name) {
    auto c = master.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const auto* f = c.data_ptr<float>();
    const auto n = static_cast<std::size_t>(c.numel());
    std::vector<std::byte> out;
    if (dt == DType::F32) {
        out.resize(n * 4);
        std::memcpy(out.data(), f, n * 4);
    } else if (dt == DType::BF16 || dt == DType::F16) {
        out.resize(n * 2);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint16_t v = dt == DType::BF16 ? float_to_bf16(f[i]) : float_to_f16(f[i]);
            std::memcpy(out.data() + 2 * i, &v, 2);
        }
    } else {
        throw InputError(fmt::format("{}: gate dtype {} is not float32, bfloat16 or float16", name, dtype_name(dt)));
    }
    return out;
}

} // namespace

StopSignals::StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = kd_on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGTERM, &sa, &g_old_term);
    ::sigaction(SIGINT, &sa, &g_old_int);
}

StopSignals::~StopSignals() {
    ::sigaction(SIGTERM, &g_old_term, nullptr);
    ::sigaction(SIGINT, &g_old_int, nullptr);
}

bool StopSignals::requested() const { return g_stop_signal != 0; }

std::vector<std::size_t> TrainState::next_batch(const std::vector<std::size_t>& train, int batch) {
    std::vector<std::size_t> part;
    while (part.size() < static_cast<std::size_t>(batch) && part.size() < train.size()) {
        if (cursor == order.size()) {
            order = train;
            std::shuffle(order.begin(), order.end(), rng);
            cursor = 0;
        }
        part.push_back(order[cursor++]);
    }
    return part;
}

nlohmann::json run_settings(const KdCommand& a, const std::string& data_hash) {
    return {{"lr", a.lr}, {"weight_decay", a.weight_decay}, {"batch", a.batch}, {"seed", a.seed},
            {"holdout", a.holdout}, {"cache_data_hash", data_hash}};
}

void save_state(const std::filesystem::path& root, int step, const std::vector<torch::Tensor>& params,
                torch::optim::AdamW& opt, const TrainState& ts, const nlohmann::json& settings) {
    std::filesystem::create_directories(root);
    const auto name = fmt::format("step-{:08}", step);
    {
        AtomicDir d(root / name, /*replace=*/true);
        std::vector<torch::Tensor> g;
        for (const auto& p : params) g.push_back(p.detach().clone());
        torch::save(g, (d.staging() / "gates.pt").string());
        torch::save(opt, (d.staging() / "optimizer.pt").string());
        std::ostringstream rs;
        rs << ts.rng;
        nlohmann::json j{{"step", step}, {"rng", rs.str()}, {"order", ts.order}, {"cursor", ts.cursor},
                         {"settings", settings}};
        write_file_atomic(d.staging() / "state.json", j.dump());
        d.commit();
    }
    const std::regex pat(R"(step-\d{8})");
    for (const auto& e : std::filesystem::directory_iterator(root)) {
        const auto n = e.path().filename().string();
        if (e.is_directory() && n != name && std::regex_match(n, pat)) std::filesystem::remove_all(e.path());
    }
}

int load_state(const std::filesystem::path& root, std::vector<torch::Tensor>& params, torch::optim::AdamW& opt,
               TrainState& ts, const nlohmann::json& settings) {
    if (!std::filesystem::is_directory(root)) return 0;
    const std::regex pat(R"(step-\d{8})");
    std::filesystem::path best;
    for (const auto& e : std::filesystem::directory_iterator(root)) {
        const auto n = e.path().filename().string();
        if (e.is_directory() && std::regex_match(n, pat) && (best.empty() || n > best.filename().string())) best = e.path();
    }
    if (best.empty()) return 0;
    const auto sp = best / "state.json";
    nlohmann::json j;
    try {
        std::ifstream in(sp);
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw_input(sp.string(), fmt::format("unreadable resume point ({}); pass --restart", e.what()));
    }
    if (j.at("settings") != settings)
        throw_input(sp.string(), fmt::format("saved with other settings ({}, now {}); pass --restart",
                                             j.at("settings").dump(), settings.dump()));
    std::vector<torch::Tensor> g;
    torch::load(g, (best / "gates.pt").string());
    if (g.size() != params.size()) throw_input(best.string(), "gate count differs; pass --restart");
    {
        torch::NoGradGuard ng;
        for (std::size_t i = 0; i < g.size(); ++i) params[i].copy_(g[i]);
    }
    torch::load(opt, (best / "optimizer.pt").string());
    std::istringstream rs(j.at("rng").get<std::string>());
    rs >> ts.rng;
    ts.order = j.at("order").get<std::vector<std::size_t>>();
    ts.cursor = j.at("cursor").get<std::size_t>();
    return j.at("step").get<int>();
}

void write_student(Model& model, const std::string& student_dir, const std::string& out_dir,
                   const std::vector<std::string>& names, const std::vector<torch::Tensor>& masters) {
    const auto& ckpt = model.checkpoint();
    AtomicDir out(out_dir);
    for (const auto& e : std::filesystem::directory_iterator(student_dir))
        if (e.is_regular_file()) std::filesystem::copy_file(e.path(), out.staging() / e.path().filename());
    for (std::size_t g = 0; g < names.size(); ++g) {
        const auto* entry = ckpt.find(names[g]);
        if (!entry) throw_input(student_dir, names[g], "not in the checkpoint");
        const auto bytes = encode(masters[g], entry->info->dtype, names[g]);
        if (bytes.size() != entry->info->nbytes()) throw_input(student_dir, names[g], "unexpected size");
        const auto path = out.staging() / entry->file->path().filename();
        const int fd = ::open(path.c_str(), O_WRONLY);
        if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot open for writing", path.string()));
        const auto off = static_cast<off_t>(entry->file->data_offset() + entry->info->begin);
        const auto wrote = ::pwrite(fd, bytes.data(), bytes.size(), off);
        ::close(fd);
        if (wrote != static_cast<ssize_t>(bytes.size())) throw std::runtime_error(fmt::format("{}: short write", path.string()));
    }
    out.commit();
}

} // namespace moecut::engine::kd
