// Writing safetensors files. The header is written as the reference
// implementation writes it (compact JSON, "__metadata__" first, fields in the
// order dtype, shape, data_offsets, spaces padding it to a multiple of 8), but
// the tensors stay in the order given: the reference instead sorts them by
// dtype size (largest first), then by name.
#include "moecut/safetensors_writer.h"

#include "moecut/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_set>

namespace moecut {
namespace {

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len;
        std::uint32_t cp;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
        else return false;
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3f);
        }
        static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += len;
    }
    return true;
}

// A JSON string literal, escaped as serde_json escapes it.
void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
            else out += c;
        }
    }
    out += '"';
}

std::uint64_t tensor_nbytes(const std::string& name, DType dtype, const std::vector<std::int64_t>& shape) {
    std::uint64_t n = dtype_size(dtype);
    for (auto d : shape) {
        if (d < 0) throw std::invalid_argument("safetensors writer: " + name + ": negative dimension");
        if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n))
            throw std::invalid_argument("safetensors writer: " + name + ": shape too large");
    }
    return n;
}

struct Planned {
    const std::string* name;
    DType dtype;
    const std::vector<std::int64_t>* shape;
    const TensorProducer* producer;
    std::uint64_t nbytes;
};

std::string make_header(const std::vector<Planned>& tensors, const std::map<std::string, std::string>& metadata) {
    std::string h;
    h.reserve(64 + tensors.size() * 96);
    h += '{';
    bool first = true;
    if (!metadata.empty()) {
        h += "\"__metadata__\":{";
        bool first_kv = true;
        for (const auto& [k, v] : metadata) {
            if (!first_kv) h += ',';
            first_kv = false;
            append_json_string(h, k);
            h += ':';
            append_json_string(h, v);
        }
        h += '}';
        first = false;
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        if (!first) h += ',';
        first = false;
        append_json_string(h, *t.name);
        h += ":{\"dtype\":\"";
        h += dtype_name(t.dtype);
        h += "\",\"shape\":[";
        for (std::size_t i = 0; i < t.shape->size(); ++i) {
            if (i) h += ',';
            h += std::to_string((*t.shape)[i]);
        }
        h += "],\"data_offsets\":[";
        h += std::to_string(offset);
        h += ',';
        offset += t.nbytes;
        h += std::to_string(offset);
        h += "]}";
    }
    h += '}';
    h.append((8 - h.size() % 8) % 8, ' ');
    return h;
}

// Buffers a producer's bytes and checks it writes exactly what it declared.
class ShardSink final : public ByteSink {
public:
    explicit ShardSink(AtomicFile& file) : file_(file) { buf_.reserve(kBuffer); }

    void start(const std::string& name, std::uint64_t nbytes) {
        name_ = &name;
        expected_ = nbytes;
        written_ = 0;
    }
    void write(std::span<const std::byte> bytes) override {
        if (bytes.size() > expected_ - written_)
            throw std::logic_error(fmt::format("safetensors writer: {}: producer wrote more than its {} bytes", *name_,
                                               expected_));
        written_ += bytes.size();
        if (buf_.size() + bytes.size() > kBuffer) flush();
        if (bytes.size() >= kBuffer) file_.write(bytes);
        else buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    }
    void write_from_file(int fd, std::uint64_t offset, std::uint64_t length) override {
        if (length > expected_ - written_)
            throw std::logic_error(fmt::format("safetensors writer: {}: producer wrote more than its {} bytes", *name_,
                                               expected_));
        written_ += length;
        flush();
        file_.append_from(fd, offset, length);
    }
    void finish_tensor() {
        if (written_ != expected_)
            throw std::logic_error(fmt::format("safetensors writer: {}: producer wrote {} of its {} bytes", *name_,
                                               written_, expected_));
    }
    void flush() {
        if (!buf_.empty()) file_.write(std::span<const std::byte>(buf_.data(), buf_.size()));
        buf_.clear();
    }

private:
    static constexpr std::size_t kBuffer = 4u << 20;
    AtomicFile& file_;
    std::vector<std::byte> buf_;
    const std::string* name_ = nullptr;
    std::uint64_t expected_ = 0;
    std::uint64_t written_ = 0;
};

// Writes one shard into an open temporary file (not committed).
void write_shard(AtomicFile& file, const std::vector<Planned>& tensors, const std::map<std::string, std::string>& metadata,
                 bool sparse) {
    std::string header = make_header(tensors, metadata);
    std::byte len[8];
    std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) len[i] = static_cast<std::byte>((n >> (8 * i)) & 0xff);
    file.write(std::span<const std::byte>(len, 8));
    file.write(header);
    if (sparse) {
        std::uint64_t total = 0;
        for (const auto& t : tensors) total += t.nbytes;
        file.skip(total);
        return;
    }
    ShardSink sink(file);
    for (const auto& t : tensors) {
        sink.start(*t.name, t.nbytes);
        if (*t.producer) (*t.producer)(sink);
        sink.finish_tensor();
    }
    sink.flush();
}

// Finished shards under staging names: renamed into place together, or
// removed if anything fails first.
struct StagedFiles {
    std::vector<std::pair<std::filesystem::path, std::filesystem::path>> files;  // (staging, final)
    bool published = false;

    ~StagedFiles() {
        if (published) return;
        std::error_code ec;
        for (const auto& f : files) std::filesystem::remove(f.first, ec);
    }
    std::vector<std::filesystem::path> publish(const std::filesystem::path& dir) {
        std::vector<std::filesystem::path> out;
        for (const auto& [tmp, final_path] : files) {
            std::filesystem::rename(tmp, final_path);
            out.push_back(final_path);
        }
        published = true;
        int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
        return out;
    }
};

void check_metadata(const std::map<std::string, std::string>& metadata) {
    for (const auto& [k, v] : metadata)
        if (!valid_utf8(k) || !valid_utf8(v)) throw std::invalid_argument("safetensors writer: metadata is not valid UTF-8");
}

void check_name(const std::string& name) {
    if (name == "__metadata__") throw std::invalid_argument("safetensors writer: \"__metadata__\" is not a tensor name");
    if (!valid_utf8(name)) throw std::invalid_argument("safetensors writer: tensor name is not valid UTF-8");
}

} // namespace

void ByteSink::write_from_file(int fd, std::uint64_t offset, std::uint64_t length) {
    std::vector<std::byte> buf(static_cast<std::size_t>(std::min<std::uint64_t>(length, 4u << 20)));
    while (length > 0) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buf.size()));
        const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(n < 0 ? std::string("read failed: ") + std::strerror(errno)
                                                   : std::string("source ended before the bytes to copy"));
        write(std::span<const std::byte>(buf.data(), static_cast<std::size_t>(n)));
        offset += static_cast<std::uint64_t>(n);
        length -= static_cast<std::uint64_t>(n);
    }
}

CheckpointWriter::CheckpointWriter(std::filesystem::path dir, WriterOptions options)
    : dir_(std::move(dir)), options_(std::move(options)) {
    check_metadata(options_.metadata);
}

CheckpointWriter::~CheckpointWriter() = default;

void CheckpointWriter::add(std::string name, DType dtype, std::vector<std::int64_t> shape, TensorProducer producer) {
    if (finished_) throw std::logic_error("CheckpointWriter::add after finish");
    check_name(name);
    tensor_nbytes(name, dtype, shape);  // validates the shape
    pending_.push_back({std::move(name), dtype, std::move(shape), std::move(producer)});
}

void CheckpointWriter::add_bytes(std::string name, DType dtype, std::vector<std::int64_t> shape,
                                 std::span<const std::byte> bytes) {
    auto copy = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
    add(std::move(name), dtype, std::move(shape), [copy](ByteSink& sink) { sink.write(*copy); });
}

std::vector<std::filesystem::path> CheckpointWriter::finish() {
    if (finished_) throw std::logic_error("CheckpointWriter::finish twice");
    finished_ = true;

    std::unordered_set<std::string_view> names;
    names.reserve(pending_.size());
    for (const auto& p : pending_)
        if (!names.insert(p.name).second) throw std::invalid_argument("safetensors writer: tensor declared twice: " + p.name);

    // Shards in declaration order; a new one starts when the next tensor would
    // pass the limit (a tensor larger than the limit gets a shard of its own).
    std::vector<std::vector<Planned>> shards(1);
    std::vector<std::uint64_t> shard_bytes(1, 0);
    for (const auto& p : pending_) {
        Planned t{&p.name, p.dtype, &p.shape, &p.producer, tensor_nbytes(p.name, p.dtype, p.shape)};
        if (!shards.back().empty() && shard_bytes.back() + t.nbytes > options_.max_shard_bytes) {
            shards.emplace_back();
            shard_bytes.push_back(0);
        }
        shards.back().push_back(t);
        shard_bytes.back() += t.nbytes;
    }

    const std::size_t n = shards.size();
    std::vector<std::string> file_names;
    for (std::size_t i = 0; i < n; ++i)
        file_names.push_back(n == 1 ? options_.shard_prefix + ".safetensors"
                                    : fmt::format("{}-{:05d}-of-{:05d}.safetensors", options_.shard_prefix, i + 1, n));

    // Every shard is written (and synced) under a staging name before any
    // appears under its own: a producer that throws leaves nothing behind.
    // Staging files are closed as they are finished, so many shards do not
    // hold many descriptors.
    StagedFiles staged;
    for (std::size_t i = 0; i < n; ++i) {
        auto final_path = dir_ / file_names[i];
        auto tmp = final_path;
        tmp += ".partial-" + std::to_string(::getpid());
        AtomicFile file(tmp);
        write_shard(file, shards[i], options_.metadata, options_.sparse);
        file.commit();
        staged.files.emplace_back(std::move(tmp), std::move(final_path));
    }
    std::vector<std::filesystem::path> written = staged.publish(dir_);

    const auto index_path = dir_ / (options_.shard_prefix + ".safetensors.index.json");
    const auto single_path = dir_ / (options_.shard_prefix + ".safetensors");
    std::error_code ec;
    if (n > 1) {
        std::uint64_t total = 0;
        for (auto b : shard_bytes) total += b;
        nlohmann::json weight_map = nlohmann::json::object();
        for (std::size_t i = 0; i < n; ++i)
            for (const auto& t : shards[i]) weight_map[*t.name] = file_names[i];
        nlohmann::json index = {{"metadata", {{"total_size", total}}}, {"weight_map", std::move(weight_map)}};
        write_file_atomic(index_path, index.dump(2) + "\n");  // as transformers: indent 2, keys sorted
        written.push_back(index_path);
        // A stale single file would be read instead of the shards.
        std::filesystem::remove(single_path, ec);
    } else {
        // A stale index would name shards that are not ours.
        std::filesystem::remove(index_path, ec);
    }
    return written;
}

void write_safetensors_file(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                            const std::map<std::string, std::string>& metadata, bool sparse) {
    check_metadata(metadata);
    std::vector<Planned> planned;
    planned.reserve(tensors.size());
    std::unordered_set<std::string_view> names;
    for (const auto& t : tensors) {
        check_name(t.name);
        if (!names.insert(t.name).second) throw std::invalid_argument("safetensors writer: tensor declared twice: " + t.name);
        planned.push_back({&t.name, t.dtype, &t.shape, &t.producer, tensor_nbytes(t.name, t.dtype, t.shape)});
    }
    AtomicFile file(path);
    write_shard(file, planned, metadata, sparse);
    file.commit();
}

} // namespace moecut
