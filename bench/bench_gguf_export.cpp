// bench_gguf_export: end-to-end `moecut export gguf` (plan + write_gguf_export,
// atomic and fsynced) per output type, against a plain copy of the same
// source bytes (the checkpoint's safetensors files read and written through
// AtomicFile, fsynced). Throughput is MB/s of source checkpoint bytes.
//
// Usage: bench_gguf_export [--model DIR] [--types f16,q8_0,q4_k] [--threads 1,2]
//                          [--device cpu|cuda] [--reps R] [--out-dir DIR]
// Default model (run from the repository root): resources/models/tiny-glm5-moe.
// --threads takes a list; each type runs once per count. --device cuda hands
// chunks of the CUDA-capable types to the kernels (skipped without a device).
#include "moecut/atomic_file.h"
#include "moecut/checkpoint.h"
#include "moecut/gguf_export.h"
#include "moecut/kernels/gguf_quantize.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace moecut;

namespace {

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double best_of(int reps, const std::function<void()>& f) {
    double best = 1e300;
    for (int i = 0; i < reps; ++i) {
        const double t0 = now_s();
        f();
        best = std::min(best, now_s() - t0);
    }
    return best;
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> shards(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".safetensors") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

void plain_copy(const std::vector<fs::path>& files, const fs::path& out_dir) {
    std::vector<char> buf(8 << 20);
    for (const fs::path& f : files) {
        std::ifstream in(f, std::ios::binary);
        AtomicFile out(out_dir / (f.filename().string() + ".copy"));
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            const auto got = static_cast<std::size_t>(in.gcount());
            if (got) out.write(std::string_view(buf.data(), got));
        }
        out.commit();
    }
}

} // namespace

int main(int argc, char** argv) {
    fs::path model = "resources/models/tiny-glm5-moe", out_dir;
    std::string types = "f16,q8_0,q4_k", threads_arg, device = "cpu";
    int reps = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i], v = argv[i + 1];
        if (k == "--model") model = v;
        else if (k == "--types") types = v;
        else if (k == "--threads") threads_arg = v;
        else if (k == "--device") device = v;
        else if (k == "--reps") reps = std::max(1, std::stoi(v));
        else if (k == "--out-dir") out_dir = v;
        else {
            fmt::print(stderr, "unknown option {}\n", k);
            return 2;
        }
    }
    if (threads_arg.empty()) threads_arg = fmt::format("1,{}", std::max(1u, std::thread::hardware_concurrency()));
    bool own_dir = false;
    if (out_dir.empty()) {
        out_dir = fs::temp_directory_path() / fmt::format("bench_gguf_export-{}", ::getpid());
        own_dir = true;
    }
    fs::create_directories(out_dir);
    const bool cuda = device == "cuda" && kernels::gguf_quantize_cuda_available();
    if (device == "cuda" && !cuda) fmt::print("--device cuda: no usable CUDA device; CUDA rows skipped\n");

    const Checkpoint ckpt = Checkpoint::open(model);
    const std::vector<fs::path> files = shards(model);
    std::uintmax_t src_bytes = 0;
    for (const fs::path& f : files) src_bytes += fs::file_size(f);
    const double src_mb = static_cast<double>(src_bytes) / (1024.0 * 1024.0);
    fmt::print("model: {} ({} safetensors files, {:.1f} MB); best of {}; output in {}\n\n", model.string(), files.size(), src_mb,
               reps, out_dir.string());
    fmt::print("| output | threads | device | output MB | seconds | MB/s of source | vs plain copy | same file |\n|---|---|---|---|---|---|---|---|\n");
    const double copy_s = best_of(reps, [&] { plain_copy(files, out_dir); });
    fmt::print("| plain copy | 1 | - | {:.1f} | {:.3f} | {:.0f} | 1.00x | - |\n", src_mb, copy_s, src_mb / copy_s);
    for (const std::string& tn : split(types)) {
        const auto t = ggml_type_from_name(tn);
        if (!t) {
            fmt::print(stderr, "unknown type {}\n", tn);
            return 2;
        }
        GgufExportOptions o;
        o.type = *t;
        const GgufExportPlan plan = plan_gguf_export(ckpt, o);
        const double out_mb = static_cast<double>(plan.layout.file_size()) / (1024.0 * 1024.0);
        std::vector<std::pair<int, bool>> runs;
        for (const std::string& th : split(threads_arg)) runs.emplace_back(std::stoi(th), false);
        if (cuda) runs.emplace_back(runs.back().first, true);
        std::string first_file;  // every run must write the same bytes
        int bad = 0;
        for (const auto& [threads, on_gpu] : runs) {
            GgufWriteOptions w;
            w.threads = threads;
            if (on_gpu)
                w.accelerator = [](GgmlType type, const float* x, std::int64_t n, std::byte* out) {
                    if (n < (1 << 16) || !kernels::gguf_quant_supported(static_cast<int>(type))) return false;
                    kernels::gguf_quantize_cuda_host(static_cast<kernels::GgufQuantType>(static_cast<int>(type)), x, n,
                                                     reinterpret_cast<std::uint8_t*>(out));
                    return true;
                };
            const double s = best_of(reps, [&] {
                // Planning is part of the export (it reads the headers).
                const GgufExportPlan p = plan_gguf_export(ckpt, o);
                write_gguf_export(ckpt, p, out_dir / fmt::format("out-{}.gguf", tn), nullptr, w);
            });
            const std::string bytes = slurp(out_dir / fmt::format("out-{}.gguf", tn));
            if (first_file.empty()) first_file = bytes;
            const bool same = bytes == first_file;
            if (!same) ++bad;
            fmt::print("| {} | {} | {} | {:.1f} | {:.3f} | {:.0f} | {:.2f}x | {} |\n", ggml_type_name(*t), threads,
                       on_gpu ? "cuda" : "cpu", out_mb, s, src_mb / s, copy_s / s, same ? "yes" : "NO");
            if (bad) return 1;
        }
    }
    if (own_dir) fs::remove_all(out_dir);
    return 0;
}
