#include "moecut/checkpoint.h"

#include "checkpoint_index.h"
#include "moecut/error.h"
#include "text_sanitize.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <thread>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace moecut {
namespace {

constexpr std::string_view kSingleFile = "model.safetensors";
constexpr std::string_view kIndexFile = "model.safetensors.index.json";

// Opens the shards on a few threads (header parsing dominates opening a big
// checkpoint); the first error in shard order is the one reported.
std::vector<SafetensorsFile> open_shards(const std::filesystem::path& dir, const std::vector<std::string>& names) {
    const std::size_t n = names.size();
    std::vector<std::optional<SafetensorsFile>> files(n);
    std::vector<std::exception_ptr> errors(n);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) {
            try {
                files[i].emplace(SafetensorsFile::open(dir / names[i]));
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    const std::size_t threads = std::min<std::size_t>({n, std::max(1u, std::thread::hardware_concurrency()), 8});
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    std::vector<SafetensorsFile> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (errors[i]) std::rethrow_exception(errors[i]);
        out.push_back(std::move(*files[i]));
    }
    return out;
}

} // namespace

nlohmann::json read_json_file(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw_input(name, "no such file");
    if (std::filesystem::is_directory(path, ec)) throw_input(name, "is a folder, not a JSON file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_input(name, fmt::format("cannot open: {}", std::strerror(errno)));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw_input(name, "read failed");
    const std::string text = std::move(ss).str();
    // nlohmann takes a NUL byte for the end of the input; JSON never holds one.
    if (auto z = text.find('\0'); z != std::string::npos)
        throw_input(name, fmt::format("not valid JSON: NUL byte at offset {}", z));
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw_input(name, "not valid JSON: " + json_error_reason(e.what()));
    }
}

Checkpoint Checkpoint::open(const std::filesystem::path& dir) {
    Checkpoint ck;
    ck.dir_ = dir;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) throw_input(dir.string(), "no such folder");
    if (!std::filesystem::is_directory(dir, ec)) throw_input(dir.string(), "is not a folder");

    ck.config_ = read_json_file(ck.config_path());
    if (!ck.config_.is_object()) throw_input(ck.config_path().string(), "must hold a JSON object");

    const auto single = dir / kSingleFile;
    const auto index_path = dir / kIndexFile;
    ShardIndex index;
    bool use_index = false;
    // As transformers does, a single model.safetensors wins over an index.
    if (std::filesystem::is_regular_file(single, ec)) {
        ck.shards_.push_back(SafetensorsFile::open(single));
    } else if (std::filesystem::exists(index_path, ec)) {
        use_index = true;
        index = read_shard_index(index_path);
        for (const auto& shard : index.shards) {
            const auto p = dir / shard;
            if (!std::filesystem::exists(p, ec))
                throw_input(printable(p.string(), 4096), fmt::format("no such file (named by {})", kIndexFile));
        }
        ck.shards_ = open_shards(dir, index.shards);
    } else {
        throw_input(dir.string(), fmt::format("no {} or {} in the folder", kSingleFile, kIndexFile));
    }

    std::size_t total = 0;
    for (const auto& f : ck.shards_) total += f.tensors().size();
    ck.entries_.reserve(total);
    for (const auto& f : ck.shards_)
        for (const auto& t : f.tensors()) ck.entries_.push_back({&f, &t});
    auto less = [](const Entry& a, const Entry& b) { return a.info->name < b.info->name; };
    if (!std::is_sorted(ck.entries_.begin(), ck.entries_.end(), less)) std::sort(ck.entries_.begin(), ck.entries_.end(), less);
    for (std::size_t i = 1; i < ck.entries_.size(); ++i) {
        const auto& a = ck.entries_[i - 1];
        const auto& b = ck.entries_[i];
        if (a.info->name == b.info->name) {
            // Report against the later shard (shards are in name order).
            const auto& [first, second] = a.file->path() < b.file->path() ? std::pair(a, b) : std::pair(b, a);
            throw_input(second.file->path().string(), printable(second.info->name),
                        fmt::format("also in {}", first.file->path().filename().string()));
        }
    }

    // Every tensor the index maps is in the shard it names. Both lists are
    // sorted by name: walk them together. Tensors a listed shard holds but the
    // index omits are kept: they are in the file, and transformers loads them too.
    if (use_index) {
        const std::string iname = index_path.string();
        std::size_t j = 0;
        for (const auto& [tensor, shard] : index.tensors) {
            while (j < ck.entries_.size() && ck.entries_[j].info->name < tensor) ++j;
            const auto* want = &ck.shards_[shard];
            if (j == ck.entries_.size() || ck.entries_[j].info->name != tensor || ck.entries_[j].file != want)
                throw_input(iname, printable(tensor),
                            fmt::format("the index maps it to {}, which has no such tensor", printable(index.shards[shard])));
        }
    }
    return ck;
}

const Checkpoint::Entry* Checkpoint::find(std::string_view name) const {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                               [](const Entry& e, std::string_view n) { return e.info->name < n; });
    if (it == entries_.end() || it->info->name != name) return nullptr;
    return &*it;
}

std::uint64_t Checkpoint::bytes_on_disk() const {
    std::uint64_t n = 0;
    for (const auto& f : shards_) n += f.file_size();
    return n;
}

} // namespace moecut
