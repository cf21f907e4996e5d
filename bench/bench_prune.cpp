// bench_prune: `moecut prune` throughput against a plain copy of the same
// kept bytes, and prune's peak RSS.
//
// Writes a synthetic Qwen3-MoE-shaped BF16 checkpoint of about --size-gb GB
// (hidden 1024, 64 experts of width 512 per layer, 1 GB shards) under --dir,
// a plan keeping half the experts of every layer, then times, --reps times each
// (default 3) and alternately: (a) a plain copy of the bytes the pruned checkpoint holds
// (pread into a 16 MB buffer, write, fsync: the floor for any rewrite), and
// (b) the real `moecut prune` binary, each as a child process, whose peak RSS comes
// from wait4(). The source is read once beforehand so both read from the
// page cache. Everything is deleted afterwards.
//
// Usage: bench_prune [--size-gb G] [--dir D] [--moecut PATH] [--reps N] [--keep-files 1]
#include "moecut/arch.h"
#include "moecut/checkpoint.h"
#include "moecut/safetensors_writer.h"
#include "moecut/tiny_checkpoint.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace moecut;

namespace {

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Deterministic filler bytes (xorshift), so the files are not all zeros.
void fill(std::vector<std::byte>& buf, std::uint64_t seed) {
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    auto* p = reinterpret_cast<std::uint64_t*>(buf.data());
    for (std::size_t i = 0; i < buf.size() / 8; ++i) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        p[i] = x & 0x3f3f3f3f3f3f3f3full;  // keeps BF16 values finite
    }
}

nlohmann::json bench_config(int layers) {
    nlohmann::json c = tiny_config(Family::Qwen3Moe);
    c["hidden_size"] = 1024;
    c["num_hidden_layers"] = layers;
    c["moe_intermediate_size"] = 512;
    c["intermediate_size"] = 2048;
    c["num_experts"] = 64;
    c["num_experts_per_tok"] = 8;
    c["num_attention_heads"] = 8;
    c["num_key_value_heads"] = 2;
    c["head_dim"] = 128;
    c["vocab_size"] = 32000;
    c["dtype"] = "bfloat16";
    return c;
}

void write_source(const fs::path& dir, const nlohmann::json& config) {
    fs::create_directories(dir);
    std::ofstream(dir / "config.json") << config.dump(2);
    const ArchDescriptor a = ArchDescriptor::from_config(config, "config.json");
    WriterOptions wo;
    wo.max_shard_bytes = 1ull << 30;
    CheckpointWriter w(dir, wo);
    std::uint64_t seed = 0;
    for (const ExpectedTensor& t : a.expected_tensors()) {
        w.add(t.name, DType::BF16, t.shape, [shape = t.shape, s = ++seed](ByteSink& sink) {
            std::uint64_t n = 2;
            for (auto d : shape) n *= static_cast<std::uint64_t>(d);
            std::vector<std::byte> buf(std::min<std::uint64_t>(n, 8u << 20));
            fill(buf, s);
            while (n > 0) {
                const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf.size()));
                sink.write(std::span<const std::byte>(buf.data(), k));
                n -= k;
            }
        });
    }
    w.finish();
}

struct Range {
    fs::path file;
    std::uint64_t offset, length;
};

// The bytes the pruned checkpoint holds: every tensor except dropped experts
// (router rows: the whole router, a negligible difference).
std::vector<Range> kept_ranges(const Checkpoint& ck, int keep_every) {
    std::vector<Range> out;
    for (const auto& s : ck.shards()) {
        std::vector<const TensorInfo*> ts;
        for (const auto& t : s.tensors()) ts.push_back(&t);
        std::sort(ts.begin(), ts.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
        for (const TensorInfo* t : ts) {
            const auto p = t->name.find(".experts.");
            if (p != std::string::npos && std::stoi(t->name.substr(p + 9)) % keep_every != 0) continue;
            out.push_back({s.path(), s.data_offset() + t->begin, t->nbytes()});
        }
    }
    return out;
}

std::uint64_t plain_copy(const std::vector<Range>& ranges, const fs::path& dst) {
    std::vector<std::byte> buf(16u << 20);
    const int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::uint64_t total = 0;
    int in = -1;
    fs::path open_path;
    for (const Range& r : ranges) {
        if (r.file != open_path) {
            if (in >= 0) ::close(in);
            in = ::open(r.file.c_str(), O_RDONLY);
            open_path = r.file;
        }
        for (std::uint64_t done = 0; done < r.length;) {
            const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(r.length - done, buf.size()));
            const ssize_t n = ::pread(in, buf.data(), want, static_cast<off_t>(r.offset + done));
            if (n <= 0) throw std::runtime_error("read failed");
            for (ssize_t w = 0; w < n;) {
                const ssize_t k = ::write(out, buf.data() + w, static_cast<std::size_t>(n - w));
                if (k < 0) throw std::runtime_error("write failed");
                w += k;
            }
            done += static_cast<std::uint64_t>(n);
        }
        total += r.length;
    }
    ::fsync(out);
    ::close(out);
    if (in >= 0) ::close(in);
    return total;
}

// Runs argv as a child; returns its peak RSS in bytes.
long run_child(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    struct rusage ru {};
    ::wait4(pid, &status, 0, &ru);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(fmt::format("{} failed (status {})", args[0], status));
    return ru.ru_maxrss * 1024L;
}

} // namespace

int main(int argc, char** argv) {
    // The plain copy runs as a child process too, so that both sides start
    // fresh (page-cache writeback throttling is per task).
    if (argc == 4 && std::string(argv[1]) == "--plain-copy-child") {
        const Checkpoint ck = Checkpoint::open(argv[2]);
        plain_copy(kept_ranges(ck, 2), argv[3]);
        return 0;
    }
    double size_gb = 2.5;
    int reps = 3;
    bool keep_files = false;
    fs::path dir = fs::temp_directory_path() / fmt::format("moecut-bench-prune-{}", ::getpid());
    const fs::path self = fs::canonical("/proc/self/exe");
    fs::path moecut = fs::canonical("/proc/self/exe").parent_path().parent_path() / "backend" / "cli" / "moecut";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--size-gb") size_gb = std::stod(argv[i + 1]);
        else if (a == "--dir") dir = fs::path(argv[i + 1]) / fmt::format("moecut-bench-prune-{}", ::getpid());
        else if (a == "--moecut") moecut = argv[i + 1];
        else if (a == "--reps") reps = std::max(1, std::stoi(argv[i + 1]));
        else if (a == "--keep-files") keep_files = std::string(argv[i + 1]) == "1";
    }
    const double layer_gb = 64.0 * 3 * 1024 * 512 * 2 / 1e9;
    const int layers = std::max(1, static_cast<int>(size_gb / layer_gb + 0.5));
    struct Cleanup {
        fs::path d;
        bool keep;
        ~Cleanup() {
            std::error_code ec;
            if (!keep) fs::remove_all(d, ec);
        }
    } cleanup{dir, keep_files};

    fmt::print("writing a {}-layer synthetic checkpoint under {} ...\n", layers, dir.string());
    write_source(dir / "src", bench_config(layers));
    const Checkpoint ck = Checkpoint::open(dir / "src");
    nlohmann::json keep = nlohmann::json::object();
    for (int l = 0; l < layers; ++l) {
        std::vector<int> ids;
        for (int e = 0; e < 64; e += 2) ids.push_back(e);
        keep[std::to_string(l)] = ids;
    }
    std::ofstream(dir / "plan.json") << nlohmann::json{{"keep", keep}}.dump();
    const std::vector<Range> ranges = kept_ranges(ck, 2);
    std::uint64_t kept = 0;
    for (const auto& r : ranges) kept += r.length;
    fmt::print("source {:.2f} GB in {} shards; kept bytes {:.2f} GB\n", ck.bytes_on_disk() / 1e9, ck.shards().size(),
               kept / 1e9);
    plain_copy(kept_ranges(ck, 1), "/dev/null");  // read everything once: page cache warm for both

    double best_copy = 1e30, best_prune = 1e30;
    long rss = 0;
    for (int rep = 0; rep < reps; ++rep) {
        double t0 = now_s();
        run_child({self.string(), "--plain-copy-child", (dir / "src").string(), (dir / "copy.bin").string()});
        const double copy_s = now_s() - t0;
        best_copy = std::min(best_copy, copy_s);
        fs::remove(dir / "copy.bin");

        t0 = now_s();
        rss = std::max(rss, run_child({moecut.string(), "prune", "--model", (dir / "src").string(), "--plan",
                                       (dir / "plan.json").string(), "--out", (dir / "out").string()}));
        const double prune_s = now_s() - t0;
        best_prune = std::min(best_prune, prune_s);
        fs::remove_all(dir / "out");
        fmt::print("  run {}: plain copy {:.2f} s, prune {:.2f} s\n", rep + 1, copy_s, prune_s);
    }
    fmt::print("plain copy of kept bytes: {:.2f} s, {:.2f} GB/s\n", best_copy, kept / 1e9 / best_copy);
    fmt::print("moecut prune:             {:.2f} s, {:.2f} GB/s ({:.2f}x the plain copy; goal >= 0.8x)\n", best_prune,
               kept / 1e9 / best_prune, best_copy / best_prune);
    fmt::print("moecut prune peak RSS:    {:.1f} MB (goal < 1 GB)\n", rss / 1e6);
    return 0;
}
