// Reading and writing the Router-KD teacher cache (teacher_cache_file.h).
#include "moecut/teacher_cache_file.h"

#include "moecut/atomic_file.h"
#include "moecut/dtype.h"
#include "moecut/error.h"
#include "moecut/sha256.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace moecut {
namespace {

constexpr char kMagic[8] = {'M', 'C', 'T', 'C', 'S', 'H', 'D', '1'};

template <class T>
void put(std::string& out, T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
}

template <class T>
void put_span(std::string& out, const std::vector<T>& v) {
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

struct Cursor {
    const std::string& bytes;
    const std::filesystem::path& path;
    std::size_t pos = 0;

    void need(std::size_t n) const {
        if (bytes.size() - pos < n)
            throw_input(path.string(), fmt::format("truncated shard ({} bytes, more expected at offset {})",
                                                   bytes.size(), pos));
    }
    template <class T>
    T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, bytes.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
    template <class T>
    void get_into(T* dst, std::size_t count) {
        need(count * sizeof(T));
        std::memcpy(dst, bytes.data() + pos, count * sizeof(T));
        pos += count * sizeof(T);
    }
};

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_input(path.string(), "cannot open");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

float TeacherCacheSequence::logprob(std::size_t position, std::size_t j, int topk) const {
    return f16_to_float(topk_logprob_f16.at(position * static_cast<std::size_t>(topk) + j));
}

std::uint64_t TeacherCacheManifest::cached_sequences() const {
    std::uint64_t n = 0;
    for (const auto& s : shards) n += s.sequences;
    return n;
}

std::uint64_t TeacherCacheManifest::cached_positions() const {
    std::uint64_t n = 0;
    for (const auto& s : shards) n += s.positions;
    return n;
}

std::filesystem::path teacher_cache_manifest_path(const std::filesystem::path& dir) { return dir / "manifest.json"; }

std::string teacher_cache_shard_name(std::size_t index) { return fmt::format("shard-{:05}.bin", index); }

TeacherCacheManifest read_teacher_cache_manifest(const std::filesystem::path& dir) {
    const auto path = teacher_cache_manifest_path(dir);
    if (!std::filesystem::exists(path)) throw_input(path.string(), "no teacher cache manifest (run moecut teacher-cache)");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(read_all(path));
    } catch (const nlohmann::json::exception& e) {
        throw_input(path.string(), fmt::format("not JSON: {}", e.what()));
    }
    TeacherCacheManifest m;
    try {
        if (j.value("format", std::string()) != kTeacherCacheFormat)
            throw_input(path.string(), fmt::format("not a teacher cache manifest (format is not \"{}\")", kTeacherCacheFormat));
        m.version = j.at("version").get<int>();
        if (m.version != kTeacherCacheVersion)
            throw_input(path.string(), fmt::format("version {} (this moecut reads {})", m.version, kTeacherCacheVersion));
        m.model = j.at("model").get<std::string>();
        m.model_fingerprint = j.at("model_fingerprint").get<std::string>();
        m.data_hash = j.at("data_hash").get<std::string>();
        m.domains = j.at("domains").get<std::vector<std::string>>();
        m.topk = j.at("topk").get<int>();
        m.seq_len = j.at("seq_len").get<std::int64_t>();
        m.max_tokens = j.at("max_tokens").get<std::uint64_t>();
        m.vocab_size = j.at("vocab_size").get<std::int64_t>();
        m.total_sequences = j.at("total_sequences").get<std::uint64_t>();
        m.total_tokens = j.at("total_tokens").get<std::uint64_t>();
        m.complete = j.at("complete").get<bool>();
        for (const auto& s : j.at("shards")) {
            TeacherCacheShardInfo si;
            si.file = s.at("file").get<std::string>();
            si.first_sequence = s.at("first_sequence").get<std::uint64_t>();
            si.sequences = s.at("sequences").get<std::uint64_t>();
            si.positions = s.at("positions").get<std::uint64_t>();
            si.sha256 = s.at("sha256").get<std::string>();
            if (si.file.find('/') != std::string::npos || si.file.find("..") != std::string::npos)
                throw_input(path.string(), fmt::format("shard file name \"{}\" is not a plain name", si.file));
            m.shards.push_back(std::move(si));
        }
    } catch (const nlohmann::json::exception& e) {
        throw_input(path.string(), fmt::format("bad manifest: {}", e.what()));
    }
    if (m.topk < 1) throw_input(path.string(), "topk must be at least 1");
    std::uint64_t next = 0;
    for (const auto& s : m.shards) {
        if (s.first_sequence != next)
            throw_input(path.string(), fmt::format("shard {} starts at sequence {}, expected {}", s.file, s.first_sequence, next));
        next += s.sequences;
    }
    if (next > m.total_sequences)
        throw_input(path.string(), fmt::format("shards hold {} sequences, the data {}", next, m.total_sequences));
    return m;
}

void write_teacher_cache_manifest(const std::filesystem::path& dir, const TeacherCacheManifest& m) {
    nlohmann::ordered_json j;
    j["format"] = kTeacherCacheFormat;
    j["version"] = m.version;
    j["model"] = m.model;
    j["model_fingerprint"] = m.model_fingerprint;
    j["data_hash"] = m.data_hash;
    j["domains"] = m.domains;
    j["topk"] = m.topk;
    j["seq_len"] = m.seq_len;
    j["max_tokens"] = m.max_tokens;
    j["vocab_size"] = m.vocab_size;
    j["total_sequences"] = m.total_sequences;
    j["total_tokens"] = m.total_tokens;
    j["complete"] = m.complete;
    j["shards"] = nlohmann::ordered_json::array();
    for (const auto& s : m.shards)
        j["shards"].push_back({{"file", s.file},
                               {"first_sequence", s.first_sequence},
                               {"sequences", s.sequences},
                               {"positions", s.positions},
                               {"sha256", s.sha256}});
    write_file_atomic(teacher_cache_manifest_path(dir), j.dump(2) + "\n");
}

TeacherCacheShardInfo write_teacher_cache_shard(const std::filesystem::path& path, int topk,
                                                const std::vector<TeacherCacheSequence>& seqs) {
    if (topk < 1) throw std::invalid_argument("write_teacher_cache_shard: topk must be at least 1");
    std::uint64_t positions = 0;
    for (const auto& s : seqs) {
        const auto k = static_cast<std::size_t>(topk);
        if (s.topk_ids.size() != s.tokens.size() * k || s.topk_logprob_f16.size() != s.tokens.size() * k)
            throw std::invalid_argument("write_teacher_cache_shard: a sequence's top-k arrays are not length * topk");
        positions += s.tokens.size();
    }
    std::string out;
    out.append(kMagic, sizeof kMagic);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(topk));
    put<std::uint32_t>(out, static_cast<std::uint32_t>(seqs.size()));
    put<std::uint64_t>(out, positions);
    for (const auto& s : seqs) {
        put<std::uint32_t>(out, static_cast<std::uint32_t>(s.domain));
        put<std::uint32_t>(out, static_cast<std::uint32_t>(s.tokens.size()));
    }
    for (const auto& s : seqs) put_span(out, s.tokens);
    for (const auto& s : seqs) put_span(out, s.topk_ids);
    for (const auto& s : seqs) put_span(out, s.topk_logprob_f16);
    write_file_atomic(path, out);
    TeacherCacheShardInfo info;
    info.file = path.filename().string();
    info.sequences = seqs.size();
    info.positions = positions;
    info.sha256 = sha256_hex(out);
    return info;
}

std::vector<TeacherCacheSequence> read_teacher_cache_shard(const std::filesystem::path& path, int topk,
                                                           const std::string& expected_sha256) {
    const std::string bytes = read_all(path);
    if (!expected_sha256.empty() && sha256_hex(bytes) != expected_sha256)
        throw_input(path.string(), "SHA-256 differs from the manifest's (damaged or replaced shard)");
    Cursor c{bytes, path};
    c.need(sizeof kMagic);
    if (std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) throw_input(path.string(), "not a teacher cache shard");
    c.pos = sizeof kMagic;
    const auto k = c.get<std::uint32_t>();
    if (static_cast<int>(k) != topk) throw_input(path.string(), fmt::format("topk {} (the manifest says {})", k, topk));
    const auto n = c.get<std::uint32_t>();
    const auto positions = c.get<std::uint64_t>();
    c.need(static_cast<std::size_t>(n) * 8);
    std::vector<TeacherCacheSequence> seqs(n);
    std::uint64_t sum = 0;
    for (auto& s : seqs) {
        s.domain = static_cast<int>(c.get<std::uint32_t>());
        const auto len = c.get<std::uint32_t>();
        s.tokens.resize(len);
        s.topk_ids.resize(static_cast<std::size_t>(len) * k);
        s.topk_logprob_f16.resize(static_cast<std::size_t>(len) * k);
        sum += len;
    }
    if (sum != positions) throw_input(path.string(), fmt::format("sequence lengths sum to {}, header says {}", sum, positions));
    const std::size_t expect = c.pos + positions * 4 + positions * k * 6;
    if (bytes.size() != expect)
        throw_input(path.string(), fmt::format("{} bytes, the header implies {}", bytes.size(), expect));
    for (auto& s : seqs) c.get_into(s.tokens.data(), s.tokens.size());
    for (auto& s : seqs) c.get_into(s.topk_ids.data(), s.topk_ids.size());
    for (auto& s : seqs) c.get_into(s.topk_logprob_f16.data(), s.topk_logprob_f16.size());
    return seqs;
}

std::vector<TeacherCacheSequence> read_teacher_cache(const std::filesystem::path& dir, TeacherCacheManifest* out) {
    TeacherCacheManifest m = read_teacher_cache_manifest(dir);
    std::vector<TeacherCacheSequence> all;
    for (const auto& s : m.shards) {
        auto part = read_teacher_cache_shard(dir / s.file, m.topk, s.sha256);
        if (part.size() != s.sequences)
            throw_input((dir / s.file).string(), fmt::format("{} sequences, the manifest says {}", part.size(), s.sequences));
        for (auto& q : part) all.push_back(std::move(q));
    }
    if (out) *out = std::move(m);
    return all;
}

} // namespace moecut
