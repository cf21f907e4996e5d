// Reading and validating GGUF files (moecut/gguf_reader.h). The checks and
// their order follow ggml/src/gguf.cpp (gguf_init_from_file_impl) of the
// llama.cpp vendored by llama-cpp-python 0.3.36, plus llama-model-loader's
// "data is not within the file bounds".
#include "moecut/gguf_reader.h"

#include "mapped_file.h"
#include "moecut/error.h"

#include <fmt/core.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace moecut {
namespace {

class Cursor {
public:
    Cursor(std::span<const std::byte> bytes, std::uint64_t file_size, std::string file)
        : bytes_(bytes), file_size_(file_size), file_(std::move(file)) {}

    std::uint64_t pos() const { return pos_; }
    std::uint64_t remaining() const { return bytes_.size() - pos_; }
    const std::string& file() const { return file_; }

    [[noreturn]] void fail(std::string_view problem) const { throw_input(file_, problem); }

    void need(std::uint64_t n, std::string_view what) const {
        if (n > remaining()) {
            if (bytes_.size() < file_size_)
                fail(fmt::format("header larger than the {} bytes read, at {} (byte {})", bytes_.size(), what, pos_));
            fail(fmt::format("truncated: {} needs {} bytes at byte {}, the file has {}", what, n, pos_, file_size_));
        }
    }

    template <class T>
    T read(std::string_view what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }

    std::span<const std::byte> take(std::uint64_t n, std::string_view what) {
        need(n, what);
        auto s = bytes_.subspan(pos_, n);
        pos_ += n;
        return s;
    }

    std::string read_string(std::string_view what) {
        const auto n = read<std::uint64_t>(what);
        if (n > kGgufMaxStringBytes)
            fail(fmt::format("{}: string length {} exceeds the maximum {}", what, n, kGgufMaxStringBytes));
        auto s = take(n, what);
        return std::string(reinterpret_cast<const char*>(s.data()), s.size());
    }

private:
    std::span<const std::byte> bytes_;
    std::uint64_t file_size_;
    std::string file_;
    std::uint64_t pos_ = 0;
};

GgufValue read_value(Cursor& c, std::uint32_t type, const std::string& key) {
    const std::string what = fmt::format("value of key '{}'", key);
    if (type >= kGgufTypeCount)
        c.fail(fmt::format("key '{}' has invalid GGUF type {}", key, type));
    const auto t = static_cast<GgufType>(type);
    if (t == GgufType::String) return GgufValue::string(c.read_string(what));
    if (t == GgufType::Array) {
        const auto et = c.read<std::uint32_t>(what);
        const auto n = c.read<std::uint64_t>(what);
        if (et >= kGgufTypeCount) c.fail(fmt::format("key '{}': array has invalid element type {}", key, et));
        const auto elem = static_cast<GgufType>(et);
        if (elem == GgufType::Array) c.fail(fmt::format("key '{}': nested arrays are not supported", key));
        if (n > kGgufMaxArrayElements)
            c.fail(fmt::format("key '{}': array of {} elements exceeds the maximum {}", key, n, kGgufMaxArrayElements));
        if (elem == GgufType::String) {
            c.need(n * 8, what);
            std::vector<std::string> items;
            items.reserve(n);
            for (std::uint64_t i = 0; i < n; ++i) items.push_back(c.read_string(what));
            return GgufValue::strings(std::move(items));
        }
        auto s = c.take(n * gguf_type_size(elem), what);
        return GgufValue::array(elem, std::vector<std::byte>(s.begin(), s.end()));
    }
    auto s = c.take(gguf_type_size(t), what);
    GgufValue v = GgufValue::array(t, std::vector<std::byte>(s.begin(), s.end()));
    // Re-wrap as a scalar of the same type.
    switch (t) {
    case GgufType::UInt8: return GgufValue::u8(static_cast<std::uint8_t>(v.int_item(0)));
    case GgufType::Int8: return GgufValue::i8(static_cast<std::int8_t>(v.int_item(0)));
    case GgufType::UInt16: return GgufValue::u16(static_cast<std::uint16_t>(v.int_item(0)));
    case GgufType::Int16: return GgufValue::i16(static_cast<std::int16_t>(v.int_item(0)));
    case GgufType::UInt32: return GgufValue::u32(static_cast<std::uint32_t>(v.int_item(0)));
    case GgufType::Int32: return GgufValue::i32(static_cast<std::int32_t>(v.int_item(0)));
    case GgufType::UInt64: return GgufValue::u64(static_cast<std::uint64_t>(v.int_item(0)));
    case GgufType::Int64: return GgufValue::i64(v.int_item(0));
    case GgufType::Float32: { float f; std::memcpy(&f, s.data(), 4); return GgufValue::f32(f); }
    case GgufType::Float64: { double d; std::memcpy(&d, s.data(), 8); return GgufValue::f64(d); }
    case GgufType::Bool: return GgufValue::boolean(s[0] != std::byte{0});
    default: c.fail(fmt::format("key '{}' has invalid GGUF type {}", key, type));
    }
}

std::string shape_text(const std::vector<std::int64_t>& ne) {
    std::string s;
    for (std::size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return "[" + s + "]";
}

} // namespace

GgufFile::GgufFile(GgufFile&&) noexcept = default;
GgufFile& GgufFile::operator=(GgufFile&&) noexcept = default;
GgufFile::~GgufFile() = default;

GgufFile GgufFile::parse(std::span<const std::byte> bytes, std::uint64_t file_size,
                         const std::filesystem::path& path_for_messages) {
    GgufFile g;
    g.path_ = path_for_messages;
    g.file_size_ = file_size;
    Cursor c(bytes, file_size, path_for_messages.string());

    // Magic and version.
    if (file_size < 4 || bytes.size() < 4) c.fail(fmt::format("truncated: {} bytes, not a GGUF file", file_size));
    const auto magic = c.read<std::uint32_t>("magic");
    if (magic != kGgufMagic) {
        std::string shown;
        for (int i = 0; i < 4; ++i) {
            const auto ch = static_cast<unsigned char>((magic >> (8 * i)) & 0xff);
            shown += (ch >= 0x20 && ch < 0x7f) ? std::string(1, static_cast<char>(ch)) : fmt::format("\\x{:02x}", ch);
        }
        c.fail(fmt::format("bad magic '{}', expected 'GGUF': not a GGUF file", shown));
    }
    g.version_ = c.read<std::uint32_t>("version");
    if (g.version_ == 0) c.fail("bad GGUF version 0");
    if ((g.version_ & 0xffffu) == 0)
        c.fail(fmt::format("GGUF version {:#x} looks byte-swapped: big-endian GGUF files are not supported", g.version_));
    if (g.version_ == 1) c.fail("GGUF version 1 is no longer supported (llama.cpp reads 2 and 3)");
    if (g.version_ > kGgufVersion)
        c.fail(fmt::format("GGUF version {} is newer than the supported version {}", g.version_, kGgufVersion));

    const auto n_tensors = c.read<std::int64_t>("tensor count");
    const auto n_kv = c.read<std::int64_t>("metadata count");
    if (n_tensors < 0) c.fail(fmt::format("tensor count {} is negative", n_tensors));
    if (n_kv < 0) c.fail(fmt::format("metadata count {} is negative", n_kv));
    // Each kv pair needs at least 13 bytes and each tensor info 24: a count the
    // file cannot hold is a truncated or corrupt file, not an allocation.
    if (static_cast<std::uint64_t>(n_kv) > c.remaining() / 13)
        c.need(static_cast<std::uint64_t>(n_kv) * 13, fmt::format("{} metadata entries", n_kv));
    if (static_cast<std::uint64_t>(n_tensors) > c.remaining() / 24)
        c.need(static_cast<std::uint64_t>(n_tensors) * 24, fmt::format("{} tensor infos", n_tensors));

    // Metadata.
    std::unordered_map<std::string, std::size_t> key_index;
    g.kv_.reserve(static_cast<std::size_t>(n_kv));
    for (std::int64_t i = 0; i < n_kv; ++i) {
        std::string key = c.read_string(fmt::format("key {}", i));
        if (key.empty()) c.fail(fmt::format("key {} is empty", i));
        if (key_index.count(key)) c.fail(fmt::format("duplicate key '{}' (entry {})", key, i));
        const auto type = c.read<std::uint32_t>(fmt::format("type of key '{}'", key));
        GgufValue v = read_value(c, type, key);
        key_index.emplace(key, g.kv_.size());
        g.kv_.push_back({std::move(key), std::move(v)});
    }
    if (const GgufValue* a = g.find("general.alignment")) {
        if (a->type() != GgufType::UInt32)
            c.fail(fmt::format("key 'general.alignment' must be of type UINT32 but is {}", gguf_type_name(a->type())));
        const std::uint64_t al = a->as_u64();
        if (al == 0 || (al & (al - 1)) != 0) c.fail(fmt::format("general.alignment {} is not a power of 2", al));
        g.alignment_ = static_cast<std::uint32_t>(al);
    }

    // Tensor infos.
    std::unordered_set<std::string> names;
    g.tensors_.reserve(static_cast<std::size_t>(n_tensors));
    for (std::int64_t i = 0; i < n_tensors; ++i) {
        GgufTensorInfo t;
        t.name = c.read_string(fmt::format("name of tensor {}", i));
        if (t.name.empty()) c.fail(fmt::format("tensor {} has an empty name", i));
        if (t.name.size() > kGgufMaxNameBytes)
            throw_input(c.file(), t.name, fmt::format("tensor name is {} bytes; llama.cpp allows at most {}", t.name.size(), kGgufMaxNameBytes));
        if (!names.insert(t.name).second) throw_input(c.file(), t.name, fmt::format("duplicate tensor name (tensor {})", i));
        const auto n_dims = c.read<std::uint32_t>("tensor dims");
        if (n_dims > kGgufMaxDims)
            throw_input(c.file(), t.name, fmt::format("{} dimensions; at most {} are allowed", n_dims, kGgufMaxDims));
        std::int64_t numel = 1;
        for (std::uint32_t d = 0; d < n_dims; ++d) {
            const auto ne = c.read<std::int64_t>("tensor shape");
            if (ne < 0) throw_input(c.file(), t.name, fmt::format("dimension {} is negative ({})", d, ne));
            if (ne > 1 && numel > std::numeric_limits<std::int64_t>::max() / ne)
                throw_input(c.file(), t.name, "element count overflows int64");
            numel *= ne;
            t.ne.push_back(ne);
        }
        t.type = c.read<std::uint32_t>("tensor type");
        const GgmlTypeTraits* tr = ggml_type_traits(t.type);
        if (!tr) throw_input(c.file(), t.name, fmt::format("invalid ggml type {} (defined: [0, {}) less removed ids)", t.type, kGgmlTypeCount));
        const std::int64_t ne0 = t.ne.empty() ? 1 : t.ne[0];
        if (ne0 % tr->block_size != 0)
            throw_input(c.file(), t.name, fmt::format("type {} has {} elements per row, not a multiple of its block size {}",
                                                      tr->name, ne0, tr->block_size));
        const auto blocks = static_cast<std::uint64_t>(numel / tr->block_size);
        if (blocks > std::numeric_limits<std::uint64_t>::max() / static_cast<std::uint64_t>(tr->type_size))
            throw_input(c.file(), t.name, "byte size overflows");
        t.nbytes = blocks * static_cast<std::uint64_t>(tr->type_size);
        t.offset = c.read<std::uint64_t>("tensor offset");
        g.tensors_.push_back(std::move(t));
    }

    // The data section starts at the next multiple of the alignment (only
    // when there are tensors, as ggml seeks there only then).
    g.data_offset_ = n_tensors > 0 ? gguf_pad(c.pos(), g.alignment_) : c.pos();
    if (n_tensors > 0 && g.data_offset_ > file_size)
        c.fail(fmt::format("truncated: the data section starts at byte {}, past the end of the {}-byte file", g.data_offset_, file_size));

    // Offsets must be exactly cumulative: each tensor at the padded end of the previous one.
    std::uint64_t expected = 0;
    for (const GgufTensorInfo& t : g.tensors_) {
        if (t.offset != expected) {
            std::string why = t.offset % g.alignment_ != 0 ? fmt::format("misaligned (alignment {})", g.alignment_)
                              : t.offset < expected       ? "overlaps the tensor before it"
                                                          : "leaves a gap after the tensor before it";
            throw_input(c.file(), t.name, fmt::format("data offset {} {}; expected {}", t.offset, why, expected));
        }
        if (t.nbytes > std::numeric_limits<std::uint64_t>::max() - expected - g.alignment_)
            throw_input(c.file(), t.name, "size overflows");
        const std::uint64_t end = g.data_offset_ + t.offset + t.nbytes;
        if (end > file_size)
            throw_input(c.file(), t.name, fmt::format("truncated: tensor data (shape {}, {} bytes) ends at byte {}, past the end of the {}-byte file",
                                                      shape_text(t.ne), t.nbytes, end, file_size));
        expected += gguf_pad(t.nbytes, g.alignment_);
    }
    g.data_size_ = expected;

    // Warnings.
    if (!g.find("general.architecture")) g.warnings_.push_back("no general.architecture: llama.cpp cannot load it as a model");
    else if (g.find("general.architecture")->type() != GgufType::String)
        g.warnings_.push_back("general.architecture is not a STRING");
    if (n_tensors > 0 && g.data_offset_ + g.data_size_ > file_size)
        g.warnings_.push_back(fmt::format("the last tensor is not padded to the alignment ({} bytes short): "
                                          "ggml's own reader (no_alloc=false) rejects it",
                                          g.data_offset_ + g.data_size_ - file_size));
    const bool any_quantized = std::any_of(g.tensors_.begin(), g.tensors_.end(),
                                           [](const GgufTensorInfo& t) { return ggml_type_traits(t.type)->quantized; });
    if (any_quantized && !g.find("general.quantization_version"))
        g.warnings_.push_back("quantized tensors but no general.quantization_version");
    for (const GgufTensorInfo& t : g.tensors_)
        if (t.type >= static_cast<std::uint32_t>(GgmlType::NVFP4)) {
            g.warnings_.push_back(fmt::format("tensor '{}' has type {}, which only llama.cpp from 2026 knows", t.name,
                                              ggml_type_traits(t.type)->name));
            break;
        }
    return g;
}

GgufFile GgufFile::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) throw_input(name, std::string("cannot open: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw_input(name, "not a regular file");
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < 24) {
        // Too small to map usefully; parse what is there for the precise message.
        std::vector<std::byte> head(size);
        if (FILE* f = std::fopen(name.c_str(), "rb")) {
            const std::size_t got = size ? std::fread(head.data(), 1, size, f) : 0;
            std::fclose(f);
            head.resize(got);
        }
        return parse(head, size, path);
    }
    auto map = std::make_shared<MappedFile>(path, size);
    GgufFile g = parse(std::span<const std::byte>(map->data(), size), size, path);
    g.map_ = std::move(map);
    return g;
}

const GgufValue* GgufFile::find(std::string_view key) const {
    for (const GgufKv& kv : kv_)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensorInfo& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

std::span<const std::byte> GgufFile::bytes(const GgufTensorInfo& t) const {
    if (!map_) throw std::logic_error("GgufFile::bytes: parsed from memory, no file to map");
    return {map_->data() + data_offset_ + t.offset, t.nbytes};
}

} // namespace moecut
