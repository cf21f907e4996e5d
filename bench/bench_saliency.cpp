// bench_saliency: tokens/s of moecut's saliency pass (routed experts only,
// layer by layer) against the REAP reference's observer (every expert on
// every token, norms taken from the routed rows), on the same model, data,
// device and engine pieces; the two must give the same statistics.
//
// Usage: bench_saliency [--model DIR] [--tokens N] [--seq-len L] [--batch B]
//                       [--threads T] [--reps R] [--device cpu|cuda]
// Default model (run from the repository root): resources/models/tiny-glm5-moe
// if present, else the bundled resources/checkpoints/tiny-glm5. Data: random token ids (routing on random
// ids is as costly as on text).
#include "moecut/calibration.h"
#include "moecut/engine/model.h"
#include "moecut/engine/saliency.h"

#include <fmt/core.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace moecut;
using namespace moecut::engine;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

int main(int argc, char** argv) {
    std::string model_dir, device = "cpu";
    std::int64_t tokens = 16384, seq_len = 256;
    int batch = 8, threads = 0, reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--model") model_dir = v;
        else if (k == "--tokens") tokens = std::stoll(v);
        else if (k == "--seq-len") seq_len = std::stoll(v);
        else if (k == "--batch") batch = std::stoi(v);
        else if (k == "--threads") threads = std::stoi(v);
        else if (k == "--reps") reps = std::stoi(v);
        else if (k == "--device") device = v;
        else {
            fmt::print(stderr, "unknown option {}\n", k);
            return 2;
        }
    }
    if (model_dir.empty()) {
        const fs::path root = "resources";  // run from the repository root
        model_dir = fs::exists(root / "models" / "tiny-glm5-moe" / "config.json") ? (root / "models" / "tiny-glm5-moe").string()
                                                                                   : (root / "checkpoints" / "tiny-glm5").string();
    }
    if (threads > 0) torch::set_num_threads(threads);
    Model model = Model::open(model_dir, {torch::Device(device), torch::kFloat32, /*streaming=*/true});
    const auto& a = model.arch();

    CalibrationSet data;
    data.domains = {"bench"};
    std::mt19937 rng(1);
    for (std::int64_t left = tokens; left > 0; left -= seq_len) {
        CalibrationSequence s;
        for (std::int64_t t = 0; t < std::min(left, seq_len); ++t)
            s.tokens.push_back(static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(a.vocab_size)));
        data.sequences.push_back(std::move(s));
    }
    data.tokens["bench"] = data.total_tokens = static_cast<std::uint64_t>(tokens);
    data.hash = "sha256:bench";

    fmt::print("model {} ({}: {} MoE layers + {} MTP, {} experts, top-{}, hidden {}, expert width {})\n", model_dir,
               a.model_type, a.moe_layers().size(), a.num_mtp_layers, a.router.n_experts, a.router.top_k, a.hidden_size,
               a.moe_intermediate_size);
    fmt::print("{} tokens as {} sequences of {}, batch {}, device {}, {} torch threads\n", tokens, data.sequences.size(),
               seq_len, batch, device, torch::get_num_threads());

    SaliencyRunOptions o;
    o.batch = batch;
    o.progress = ProgressReporter::Mode::Silent;
    SaliencyTable routed, observer;
    double best_routed = 1e30, best_observer = 1e30, best_ckpt = 1e30;
    const fs::path state = fs::temp_directory_path() / fmt::format("bench_saliency_state_{}", ::getpid());
    for (int r = 0; r < reps; ++r) {
        o.all_experts_observer = false;
        o.state_dir.clear();
        double t = now_s();
        routed = compute_saliency(model, data, o);
        best_routed = std::min(best_routed, now_s() - t);

        o.state_dir = state;  // with resume checkpoints (hidden states written every layer)
        fs::remove_all(state);
        t = now_s();
        compute_saliency(model, data, o);
        best_ckpt = std::min(best_ckpt, now_s() - t);
        fs::remove_all(state);

        o.all_experts_observer = true;
        o.state_dir.clear();
        t = now_s();
        observer = compute_saliency(model, data, o);
        best_observer = std::min(best_observer, now_s() - t);
    }
    double max_rel = 0;
    for (const auto& s : saliency_statistics()) {
        const auto& x = routed.matrix(s, "all");
        const auto& y = observer.matrix(s, "all");
        for (std::size_t i = 0; i < x.size(); ++i)
            max_rel = std::max(max_rel, std::abs(double(x[i]) - y[i]) / std::max(1e-6, std::abs(double(x[i]))));
    }
    const double n = static_cast<double>(tokens);
    fmt::print("best of {}:\n", reps);
    fmt::print("  moecut routed-only            {:8.2f} s  {:10.0f} tok/s\n", best_routed, n / best_routed);
    fmt::print("  moecut routed-only + resume   {:8.2f} s  {:10.0f} tok/s\n", best_ckpt, n / best_ckpt);
    fmt::print("  all-experts observer (REAP)   {:8.2f} s  {:10.0f} tok/s\n", best_observer, n / best_observer);
    fmt::print("  speed-up {:.2f}x; statistics agree to {:.1e} (max relative difference)\n", best_observer / best_routed,
               max_rel);
    return max_rel < 1e-4 ? 0 : 1;
}
