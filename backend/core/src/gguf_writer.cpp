// Writing GGUF files (moecut/gguf_writer.h).
#include "moecut/gguf_writer.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace moecut {
namespace {

void put_bytes(std::vector<std::byte>& out, const void* p, std::size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    out.insert(out.end(), b, b + n);
}
template <class T>
void put(std::vector<std::byte>& out, T v) {
    put_bytes(out, &v, sizeof(T));
}
void put_string(std::vector<std::byte>& out, std::string_view s) {
    put<std::uint64_t>(out, s.size());
    put_bytes(out, s.data(), s.size());
}

void put_value(std::vector<std::byte>& out, const GgufValue& v) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(v.type()));
    if (v.type() == GgufType::String) {
        put_string(out, v.as_string());
    } else if (v.is_array()) {
        put<std::uint32_t>(out, static_cast<std::uint32_t>(v.element_type()));
        put<std::uint64_t>(out, v.array_size());
        if (v.element_type() == GgufType::String)
            for (const std::string& s : v.string_items()) put_string(out, s);
        else
            put_bytes(out, v.raw().data(), v.raw().size());
    } else {
        put_bytes(out, v.raw().data(), v.raw().size());
    }
}

std::uint64_t value_size(const GgufValue& v) {
    std::uint64_t n = 4;
    if (v.type() == GgufType::String) return n + 8 + v.as_string().size();
    if (v.is_array()) {
        n += 4 + 8;
        if (v.element_type() == GgufType::String)
            for (const std::string& s : v.string_items()) n += 8 + s.size();
        else
            n += v.raw().size();
        return n;
    }
    return n + v.raw().size();
}

} // namespace

GgufLayout::GgufLayout(std::uint32_t alignment) : alignment_(alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw std::invalid_argument(fmt::format("GGUF alignment {} is not a power of two", alignment));
    if (alignment != kGgufDefaultAlignment) kv_.push_back({"general.alignment", GgufValue::u32(alignment)});
}

const GgufValue* GgufLayout::find(std::string_view key) const {
    for (const GgufKv& kv : kv_)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

void GgufLayout::set(std::string key, GgufValue value) {
    if (key.empty()) throw std::invalid_argument("GGUF key is empty");
    if (key == "general.alignment") throw std::invalid_argument("general.alignment is set by the GgufLayout constructor");
    if (find(key)) throw std::invalid_argument(fmt::format("GGUF key '{}' set twice", key));
    if (value.is_array() && value.element_type() == GgufType::Array)
        throw std::invalid_argument(fmt::format("GGUF key '{}': nested arrays are not allowed", key));
    kv_.push_back({std::move(key), std::move(value)});
}

void GgufLayout::replace(std::string key, GgufValue value) {
    for (GgufKv& kv : kv_)
        if (kv.key == key) {
            kv.value = std::move(value);
            return;
        }
    set(std::move(key), std::move(value));
}

const GgufTensorInfo& GgufLayout::add_tensor(std::string name, GgmlType type, std::vector<std::int64_t> ne) {
    if (name.empty()) throw std::invalid_argument("GGUF tensor name is empty");
    if (name.size() > kGgufMaxNameBytes)
        throw std::invalid_argument(fmt::format("GGUF tensor name '{}' is {} bytes; at most {}", name, name.size(), kGgufMaxNameBytes));
    if (ne.size() > kGgufMaxDims) throw std::invalid_argument(fmt::format("GGUF tensor '{}' has {} dims; at most 4", name, ne.size()));
    for (auto d : ne)
        if (d < 0) throw std::invalid_argument(fmt::format("GGUF tensor '{}' has a negative dim", name));
    for (const GgufTensorInfo& t : tensors_)
        if (t.name == name) throw std::invalid_argument(fmt::format("GGUF tensor '{}' added twice", name));
    const GgmlTypeTraits& tr = ggml_type_traits(type);
    const std::int64_t ne0 = ne.empty() ? 1 : ne[0];
    if (ne0 % tr.block_size != 0)
        throw std::invalid_argument(fmt::format("GGUF tensor '{}': {} elements per row is not a multiple of {}'s block size {}",
                                                name, ne0, tr.name, tr.block_size));
    GgufTensorInfo t;
    t.name = std::move(name);
    t.type = static_cast<std::uint32_t>(type);
    t.nbytes = ggml_nbytes(type, ne);
    t.ne = std::move(ne);
    t.offset = data_size_;
    data_size_ += gguf_pad(t.nbytes, alignment_);
    tensors_.push_back(std::move(t));
    return tensors_.back();
}

std::uint64_t GgufLayout::header_size() const {
    std::uint64_t n = 4 + 4 + 8 + 8;
    for (const GgufKv& kv : kv_) n += 8 + kv.key.size() + value_size(kv.value);
    for (const GgufTensorInfo& t : tensors_) n += 8 + t.name.size() + 4 + 8 * t.ne.size() + 4 + 8;
    return tensors_.empty() ? n : gguf_pad(n, alignment_);
}

std::vector<std::byte> GgufLayout::header() const {
    std::vector<std::byte> out;
    out.reserve(header_size());
    put<std::uint32_t>(out, kGgufMagic);
    put<std::uint32_t>(out, kGgufVersion);
    put<std::uint64_t>(out, tensors_.size());
    put<std::uint64_t>(out, kv_.size());
    for (const GgufKv& kv : kv_) {
        put_string(out, kv.key);
        put_value(out, kv.value);
    }
    for (const GgufTensorInfo& t : tensors_) {
        put_string(out, t.name);
        put<std::uint32_t>(out, static_cast<std::uint32_t>(t.ne.size()));
        for (auto d : t.ne) put<std::int64_t>(out, d);
        put<std::uint32_t>(out, t.type);
        put<std::uint64_t>(out, t.offset);
    }
    if (!tensors_.empty()) out.resize(gguf_pad(out.size(), alignment_), std::byte{0});
    return out;
}

GgufStreamWriter::GgufStreamWriter(const std::filesystem::path& path, const GgufLayout& layout)
    : layout_(layout), file_(path) {
    file_.write(layout_.header());
    // Zero-size tensors at the start take no bytes.
    while (index_ < layout_.tensors().size() && layout_.tensors()[index_].nbytes == 0) ++index_;
}

GgufStreamWriter::~GgufStreamWriter() = default;

void GgufStreamWriter::pad_to_next() {
    static constexpr std::array<std::byte, 4096> kZeros{};
    const GgufTensorInfo& t = layout_.tensors()[index_];
    std::uint64_t pad = gguf_pad(t.nbytes, layout_.alignment()) - t.nbytes;
    while (pad > 0) {
        const auto n = std::min<std::uint64_t>(pad, kZeros.size());
        file_.write(std::span<const std::byte>(kZeros.data(), n));
        pad -= n;
    }
    ++index_;
    written_in_tensor_ = 0;
    while (index_ < layout_.tensors().size() && layout_.tensors()[index_].nbytes == 0) ++index_;
}

void GgufStreamWriter::append(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
        if (index_ >= layout_.tensors().size())
            throw std::logic_error("GgufStreamWriter::append: more bytes than the layout's tensors hold");
        const GgufTensorInfo& t = layout_.tensors()[index_];
        const auto n = std::min<std::uint64_t>(bytes.size(), t.nbytes - written_in_tensor_);
        file_.write(bytes.first(n));
        written_in_tensor_ += n;
        bytes = bytes.subspan(n);
        if (written_in_tensor_ == t.nbytes) pad_to_next();
    }
}

void GgufStreamWriter::commit() {
    if (index_ < layout_.tensors().size())
        throw std::logic_error(fmt::format("GgufStreamWriter::commit: tensor '{}' is incomplete ({} of {} bytes)",
                                           layout_.tensors()[index_].name, written_in_tensor_,
                                           layout_.tensors()[index_].nbytes));
    if (file_.size() != layout_.file_size())
        throw std::logic_error(fmt::format("GgufStreamWriter::commit: wrote {} bytes, layout says {}", file_.size(),
                                           layout_.file_size()));
    file_.commit();
}

void write_gguf(const std::filesystem::path& path, const GgufLayout& layout,
                const std::vector<std::span<const std::byte>>& tensor_data) {
    if (tensor_data.size() != layout.tensors().size())
        throw std::invalid_argument("write_gguf: one span per tensor expected");
    GgufStreamWriter w(path, layout);
    for (std::size_t i = 0; i < tensor_data.size(); ++i) {
        if (tensor_data[i].size() != layout.tensors()[i].nbytes)
            throw std::invalid_argument(fmt::format("write_gguf: tensor '{}' has {} bytes, expected {}",
                                                    layout.tensors()[i].name, tensor_data[i].size(),
                                                    layout.tensors()[i].nbytes));
        w.append(tensor_data[i]);
    }
    w.commit();
}

} // namespace moecut
