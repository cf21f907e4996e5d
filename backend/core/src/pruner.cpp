// prune_checkpoint: plan validation, the streamed rewrite, config.json edits,
// side files and provenance, all inside one AtomicDir.
#include "moecut/pruner.h"

#include "moecut/atomic_file.h"
#include "moecut/checkpoint.h"
#include "moecut/checkpoint_hash.h"
#include "moecut/error.h"
#include "moecut/safetensors_writer.h"
#include "prune_tensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <system_error>

namespace moecut {
namespace {

using nlohmann::ordered_json;

constexpr std::uint64_t kPiece = 64u << 20;

// Open source shards.
class SourceReader {
public:
    ~SourceReader() {
        for (auto& [_, fd] : fds_) ::close(fd);
    }
    int fd(const std::filesystem::path& p) {
        auto it = fds_.find(p.string());
        if (it != fds_.end()) return it->second;
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_input(p.string(), fmt::format("cannot open: {}", std::strerror(errno)));
        fds_.emplace(p.string(), fd);
        return fd;
    }
    // Streams the ranges of a source file into the sink: copied in the kernel
    // (copy_file_range) where possible, in pieces of at most kPiece bytes so
    // that progress is reported.
    void copy(const detail::PrunedTensor& t, ByteSink& sink, const std::function<void(std::uint64_t)>& advanced) {
        const int f = fd(t.source->path());
        for (const auto& r : t.ranges) {
            for (std::uint64_t done = 0; done < r.length;) {
                const std::uint64_t n = std::min<std::uint64_t>(r.length - done, kPiece);
                try {
                    sink.write_from_file(f, r.offset + done, n);
                } catch (const std::system_error& e) {
                    throw_input(t.source->path().string(), t.name, e.what());
                }
                done += n;
                if (advanced) advanced(n);
            }
        }
    }

private:
    std::map<std::string, int> fds_;
};

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw_input(p.string(), "cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// config.json with the expert count set to K; key order and every other
// field as they were. Returns the edits made: field -> [old, new].
ordered_json edit_config(const Checkpoint& ck, const ArchDescriptor& arch, std::int64_t k, ordered_json& edits) {
    ordered_json config;
    try {
        config = ordered_json::parse(read_text(ck.config_path()));
    } catch (const nlohmann::json::exception&) {
        throw_input(ck.config_path().string(), "not valid JSON");
    }
    const std::string canonical = arch.expert_count_field();
    edits = ordered_json::object();
    for (const std::string& key : {canonical, std::string("n_routed_experts"), std::string("num_experts"),
                                  std::string("num_local_experts")}) {
        auto it = config.find(key);
        if (it == config.end() || edits.contains(key)) continue;
        if (key != canonical && !(it->is_number_integer() && it->get<std::int64_t>() == arch.router.n_experts)) continue;
        edits[key] = {*it, k};
        *it = k;
    }
    if (!edits.contains(canonical)) throw_input(ck.config_path().string(), fmt::format("no \"{}\" to update", canonical));
    return config;
}

bool is_side_file(const std::string& name) {
    static const char* const kExact[] = {"generation_config.json", "special_tokens_map.json", "added_tokens.json",
                                         "vocab.json",             "merges.txt",              "chat_template.jinja",
                                         "chat_template.json",     "preprocessor_config.json"};
    for (const char* e : kExact)
        if (name == e) return true;
    return name.starts_with("tokenizer") || name.ends_with(".py") || name.starts_with("LICENSE");
}

// A shard that is mostly holes (make-sparse) has no data to copy: reading it
// would write zeros at full size.
void refuse_sparse_shards(const Checkpoint& ck) {
    for (const auto& s : ck.shards()) {
        struct stat st {};
        if (::stat(s.path().c_str(), &st) != 0) continue;
        const auto allocated = static_cast<std::uint64_t>(st.st_blocks) * 512u;
        const std::uint64_t size = s.file_size();
        if (size > (64u << 20) && allocated < size / 64)
            throw_input(s.path().string(), fmt::format("is a sparse file ({} of {} bytes allocated): its data are holes, "
                                                       "not weights; use --structure-only to prune the structure",
                                                       allocated, size));
    }
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(now));
}

} // namespace

PruneResult prune_checkpoint(const std::filesystem::path& src, const Plan& plan, const std::filesystem::path& out,
                             const PruneOptions& opts) {
    const Checkpoint ck = Checkpoint::open(src);
    const ArchDescriptor arch = ArchDescriptor::from_config(ck.config(), ck.config_path().string());
    const std::string plan_file = opts.plan_path.empty() ? std::string("PLAN") : opts.plan_path;
    validate_plan(plan, router_limits(arch), plan_file);

    PruneResult res;
    res.source_fingerprint = checkpoint_fingerprint(ck);
    if (const std::string want = plan.model_hash(); !want.empty() && want != res.source_fingerprint)
        throw_input(plan_file, fmt::format("made for model {}, but {} is {} (remove source.model_hash from the plan to "
                                           "prune anyway)",
                                           want, src.string(), res.source_fingerprint));
    if (!opts.structure_only) refuse_sparse_shards(ck);
    const ExpertLayout layout = detect_expert_layout(ck);
    const std::vector<detail::PrunedTensor> tensors = detail::plan_pruned_tensors(ck, arch, layout, plan);
    const auto k = static_cast<std::int64_t>(plan.keep_count());
    ordered_json edits;
    const ordered_json config = edit_config(ck, arch, k, edits);

    res.experts_before = arch.router.n_experts;
    res.experts_after = k;
    res.tensors_in = ck.entries().size();
    res.tensors_out = tensors.size();
    for (const auto& t : tensors) res.bytes_out += t.nbytes();

    WriterOptions wo;
    wo.sparse = opts.structure_only;
    wo.max_shard_bytes = opts.max_shard_bytes;
    if (wo.max_shard_bytes == 0)
        for (const auto& s : ck.shards()) wo.max_shard_bytes = std::max(wo.max_shard_bytes, s.file_size() - s.data_offset());
    wo.max_shard_bytes = std::max<std::uint64_t>(wo.max_shard_bytes, 1);
    if (!ck.shards().empty() && !ck.shards().front().metadata().empty()) wo.metadata = ck.shards().front().metadata();

    AtomicDir dir(out);
    CheckpointWriter writer(dir.staging(), wo);
    auto reader = std::make_shared<SourceReader>();
    auto done = std::make_shared<std::uint64_t>(0);
    const std::uint64_t total = res.bytes_out;
    std::function<void(std::uint64_t)> advanced;
    if (opts.progress) {
        advanced = [done, total, cb = opts.progress](std::uint64_t n) {
            *done += n;
            cb(*done, total);
        };
    }
    for (const auto& t : tensors) {
        const detail::PrunedTensor* tp = &t;
        writer.add(t.name, t.dtype, t.shape, [reader, tp, advanced](ByteSink& sink) { reader->copy(*tp, sink, advanced); });
    }
    const std::vector<std::filesystem::path> written = writer.finish();
    for (const auto& p : written)
        if (p.extension() == ".safetensors") ++res.shards;
    if (opts.progress && opts.structure_only) opts.progress(total, total);

    write_file_atomic(dir.staging() / "config.json", config.dump(2) + "\n");
    std::vector<std::filesystem::directory_entry> entries(std::filesystem::directory_iterator(src), {});
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) {
        const std::string name = e.path().filename().string();
        if (!e.is_regular_file() || !is_side_file(name)) continue;
        std::filesystem::copy_file(e.path(), dir.staging() / name);
        res.copied_files.push_back(name);
    }

    ordered_json prov;
    prov["moecut_version"] = opts.version;
    prov["created"] = utc_now();
    prov["source"] = {{"path", std::filesystem::absolute(src).lexically_normal().string()},
                      {"fingerprint", res.source_fingerprint},
                      {"fingerprint_rule", "sha256 of config.json, model.safetensors.index.json and every shard header "
                                           "(no tensor data)"}};
    prov["plan_path"] = opts.plan_path;
    prov["plan"] = plan_to_json(plan);
    prov["experts_before"] = res.experts_before;
    prov["experts_after"] = res.experts_after;
    prov["config_edits"] = edits;
    prov["expert_layout"] = layout == ExpertLayout::Fused ? "fused" : "per-expert";
    prov["structure_only"] = opts.structure_only;
    prov["copied_files"] = res.copied_files;
    // Pruning a pruned checkpoint: keep the earlier record.
    if (std::filesystem::is_regular_file(src / "moecut_provenance.json")) {
        try {
            prov["previous"] = ordered_json::parse(read_text(src / "moecut_provenance.json"));
        } catch (const nlohmann::json::exception&) {
            prov["previous"] = "unreadable moecut_provenance.json";
        }
    }
    write_file_atomic(dir.staging() / "moecut_provenance.json", prov.dump(2) + "\n");
    dir.commit();
    return res;
}

} // namespace moecut
