// Reading safetensors files. The header is parsed with a SAX handler that
// builds TensorInfo entries directly (no JSON DOM, header order kept) and
// rejects anything the format does not allow; then the byte ranges are checked
// to tile the data section exactly, as the reference implementation requires.
#include "moecut/safetensors.h"

#include "mapped_file.h"
#include "text_sanitize.h"
#include "moecut/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <optional>
#include <system_error>

namespace moecut {
namespace {

// Builds the tensor list straight from the parser's events.
class HeaderSax {
public:
    using json = nlohmann::json;

    std::vector<TensorInfo> tensors;
    std::map<std::string, std::string> metadata;
    // Set when parsing stops on a problem.
    std::optional<std::string> error_tensor;
    std::string error;

    bool null() {
        if (state_ == State::TopValue && in_metadata_) return after_value();
        return unexpected("null");
    }
    bool boolean(bool) { return unexpected("a boolean"); }
    bool number_integer(json::number_integer_t v) {
        if (v >= 0) return number(static_cast<std::uint64_t>(v));
        if (state_ == State::Shape) return fail_tensor("shape has a negative dimension");
        if (state_ == State::Offsets) return fail_tensor("data_offsets has a negative offset");
        return unexpected("a number");
    }
    bool number_unsigned(json::number_unsigned_t v) { return number(v); }
    bool number_float(json::number_float_t, const std::string&) {
        if (state_ == State::Shape) return fail_tensor("shape must hold integers");
        if (state_ == State::Offsets) return fail_tensor("data_offsets must hold integers");
        return unexpected("a number");
    }
    bool string(std::string& s) {
        if (state_ == State::MetaValue) {
            metadata[meta_key_] = std::move(s);
            state_ = State::Meta;
            return true;
        }
        if (state_ == State::FieldValue && field_ == Field::Dtype) {
            auto t = dtype_from_name(s);
            if (!t) return fail_tensor(fmt::format("unknown dtype \"{}\"", printable(s)));
            tensors.back().dtype = *t;
            return true_field();
        }
        return unexpected("a string");
    }
    bool binary(json::binary_t&) { return unexpected("binary data"); }

    bool start_object(std::size_t) {
        switch (state_) {
        case State::Start: state_ = State::Top; return true;
        case State::TopValue:
            state_ = in_metadata_ ? State::Meta : State::Tensor;
            return true;
        default: return unexpected("an object");
        }
    }
    bool key(std::string& k) {
        if (state_ == State::Top) {
            if (k == "__metadata__") {
                if (seen_metadata_) return fail("duplicate key \"__metadata__\"");
                seen_metadata_ = true;
                in_metadata_ = true;
            } else {
                in_metadata_ = false;
                if (tensors.size() >= UINT32_MAX) return fail("too many tensors");
                tensors.emplace_back().name = std::move(k);
                fields_seen_ = 0;
            }
            state_ = State::TopValue;
            return true;
        }
        if (state_ == State::Meta) {
            if (metadata.contains(k)) return fail_named("__metadata__", fmt::format("duplicate key \"{}\"", printable(k)));
            meta_key_ = std::move(k);
            state_ = State::MetaValue;
            return true;
        }
        if (state_ == State::Tensor) {
            if (k == "dtype") field_ = Field::Dtype;
            else if (k == "shape") field_ = Field::Shape;
            else if (k == "data_offsets") field_ = Field::Offsets;
            else return fail_tensor(fmt::format("unexpected field \"{}\"", printable(k)));
            unsigned bit = 1u << static_cast<unsigned>(field_);
            if (fields_seen_ & bit) return fail_tensor(fmt::format("duplicate field \"{}\"", k));
            fields_seen_ |= bit;
            state_ = State::FieldValue;
            return true;
        }
        return unexpected("a key");  // not reachable: keys only come inside objects
    }
    bool end_object() {
        switch (state_) {
        case State::Top: state_ = State::Done; return true;
        case State::Meta: return after_value();
        case State::Tensor:
            if (!(fields_seen_ & 1u)) return fail_tensor("missing field \"dtype\"");
            if (!(fields_seen_ & 2u)) return fail_tensor("missing field \"shape\"");
            if (!(fields_seen_ & 4u)) return fail_tensor("missing field \"data_offsets\"");
            return after_value();
        default: return unexpected("the end of an object");
        }
    }
    bool start_array(std::size_t) {
        if (state_ == State::FieldValue && field_ == Field::Shape) {
            state_ = State::Shape;
            return true;
        }
        if (state_ == State::FieldValue && field_ == Field::Offsets) {
            state_ = State::Offsets;
            offsets_seen_ = 0;
            return true;
        }
        return unexpected("an array");
    }
    bool end_array() {
        if (state_ == State::Shape) return true_field();
        if (state_ == State::Offsets) {
            if (offsets_seen_ != 2) return fail_tensor("data_offsets must hold exactly two offsets [begin, end]");
            return true_field();
        }
        return unexpected("the end of an array");
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
        error = "header is not valid JSON: " + json_error_reason(ex.what());
        return false;
    }

private:
    enum class State { Start, Top, TopValue, Meta, MetaValue, Tensor, FieldValue, Shape, Offsets, Done };
    enum class Field : unsigned { Dtype = 0, Shape = 1, Offsets = 2 };

    bool number(std::uint64_t v) {
        if (state_ == State::Shape) {
            if (v > static_cast<std::uint64_t>(INT64_MAX)) return fail_tensor("shape dimension is too large");
            tensors.back().shape.push_back(static_cast<std::int64_t>(v));
            return true;
        }
        if (state_ == State::Offsets) {
            if (offsets_seen_ == 0) tensors.back().begin = v;
            else if (offsets_seen_ == 1) tensors.back().end = v;
            else return fail_tensor("data_offsets must hold exactly two offsets [begin, end]");
            ++offsets_seen_;
            return true;
        }
        return unexpected("a number");
    }
    bool true_field() {
        state_ = State::Tensor;
        return true;
    }
    bool after_value() {
        state_ = State::Top;
        return true;
    }
    // A value of the wrong JSON type for where it stands.
    bool unexpected(std::string_view what) {
        switch (state_) {
        case State::Start: return fail("header must be a JSON object");
        case State::TopValue:
            if (in_metadata_) return fail_named("__metadata__", "must be an object of strings");
            return fail_tensor(fmt::format("must be an object with dtype, shape and data_offsets, not {}", what));
        case State::Meta:
        case State::MetaValue: return fail_named("__metadata__", "values must be strings");
        case State::FieldValue:
            switch (field_) {
            case Field::Dtype: return fail_tensor("dtype must be a string");
            case Field::Shape: return fail_tensor("shape must be an array of non-negative integers");
            case Field::Offsets: return fail_tensor("data_offsets must be an array of two non-negative integers");
            }
            break;
        case State::Shape: return fail_tensor("shape must be an array of non-negative integers");
        case State::Offsets: return fail_tensor("data_offsets must be an array of two non-negative integers");
        default: break;
        }
        return fail(fmt::format("unexpected {} in the header", what));
    }
    bool fail(std::string problem) {
        error = std::move(problem);
        return false;
    }
    bool fail_named(std::string_view tensor, std::string problem) {
        error_tensor = printable(tensor);
        return fail(std::move(problem));
    }
    bool fail_tensor(std::string problem) { return fail_named(tensors.back().name, std::move(problem)); }

    State state_ = State::Start;
    Field field_ = Field::Dtype;
    bool in_metadata_ = false;
    bool seen_metadata_ = false;
    unsigned fields_seen_ = 0;
    int offsets_seen_ = 0;
    std::string meta_key_;
};

std::string read_exact(int fd, std::uint64_t offset, std::uint64_t n, const std::string& name) {
    std::string buf(n, '\0');
    std::uint64_t done = 0;
    while (done < n) {
        ssize_t r = ::pread(fd, buf.data() + done, n - done, static_cast<off_t>(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw_input(name, fmt::format("read failed: {}", std::strerror(errno)));
        if (r == 0) throw_input(name, "file is shorter than it was a moment ago");
        done += static_cast<std::uint64_t>(r);
    }
    return buf;
}

} // namespace

std::int64_t TensorInfo::numel() const {
    std::int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
    const std::string name = path.string();
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) throw_input(name, "no such file");
        throw_input(name, fmt::format("cannot open: {}", std::strerror(errno)));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_input(name, fmt::format("cannot stat: {}", std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) throw_input(name, "is a folder, not a safetensors file");
    if (!S_ISREG(st.st_mode)) throw_input(name, "is not a regular file");
    auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < 8) throw_input(name, fmt::format("file of {} bytes is too short for a safetensors header", size));
    std::string len_bytes = read_exact(fd, 0, 8, name);
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(len_bytes[static_cast<std::size_t>(i)]);
    if (n > kMaxHeaderBytes)
        throw_input(name, fmt::format("header length {} exceeds the limit of {} bytes", n, kMaxHeaderBytes));
    if (8 + n > size)
        throw_input(name, fmt::format("header length {} runs past the end of the file ({} bytes)", n, size));
    std::string header = read_exact(fd, 8, n, name);
    return parse_header(header, size, path);
}

SafetensorsFile SafetensorsFile::parse_header(std::string_view header_json, std::uint64_t file_size,
                                              const std::filesystem::path& path_for_messages) {
    const std::string name = path_for_messages.string();
    const std::uint64_t n = header_json.size();
    if (n > kMaxHeaderBytes)
        throw_input(name, fmt::format("header length {} exceeds the limit of {} bytes", n, kMaxHeaderBytes));
    if (8 + n > file_size)
        throw_input(name, fmt::format("header length {} runs past the end of the file ({} bytes)", n, file_size));
    const std::uint64_t data_size = file_size - 8 - n;

    // nlohmann's lexer takes a NUL byte for the end of the input; JSON text
    // never holds one.
    if (auto z = header_json.find('\0'); z != std::string_view::npos)
        throw_input(name, fmt::format("header is not valid JSON: NUL byte at offset {}", z));

    HeaderSax sax;
    sax.tensors.reserve(header_json.size() / 96);
    bool ok = nlohmann::json::sax_parse(header_json.begin(), header_json.end(), &sax, nlohmann::json::input_format_t::json,
                                        /*strict=*/true);
    if (!ok) {
        if (sax.error_tensor) throw_input(name, *sax.error_tensor, sax.error);
        throw_input(name, sax.error.empty() ? std::string("header is not valid JSON") : sax.error);
    }

    // Names are unique.
    std::vector<std::uint32_t> by_name(sax.tensors.size());
    std::iota(by_name.begin(), by_name.end(), 0u);
    auto name_less = [&](std::uint32_t a, std::uint32_t b) { return sax.tensors[a].name < sax.tensors[b].name; };
    if (!std::is_sorted(by_name.begin(), by_name.end(), name_less)) std::sort(by_name.begin(), by_name.end(), name_less);
    for (std::size_t i = 1; i < by_name.size(); ++i)
        if (sax.tensors[by_name[i - 1]].name == sax.tensors[by_name[i]].name)
            throw_input(name, printable(sax.tensors[by_name[i]].name), "tensor name appears twice in the header");

    // Sizes: each tensor's byte range is inside the data section and holds
    // exactly numel * dtype_size bytes.
    for (const auto& t : sax.tensors) {
        if (t.begin > t.end)
            throw_input(name, printable(t.name), fmt::format("data_offsets [{}, {}] end before they begin", t.begin, t.end));
        if (t.end > data_size)
            throw_input(name, printable(t.name),
                        fmt::format("data_offsets [{}, {}] run past the end of the data section ({} bytes)", t.begin,
                                    t.end, data_size));
        std::uint64_t bytes = dtype_size(t.dtype);
        for (auto d : t.shape) {
            if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(d), &bytes))
                throw_input(name, printable(t.name), "shape has more elements than any file can hold");
        }
        if (bytes != t.end - t.begin)
            throw_input(name, printable(t.name),
                        fmt::format("{} [{}] needs {} bytes but data_offsets [{}, {}] hold {}", dtype_name(t.dtype),
                                    fmt::join(t.shape, ", "), bytes, t.begin, t.end, t.end - t.begin));
    }

    // The ranges, in offset order, must tile the data section: no overlap, no
    // gap, nothing left over (the reference implementation's rule; a
    // zero-size tensor must sit where the previous one ends).
    std::vector<std::uint32_t> order(sax.tensors.size());
    std::iota(order.begin(), order.end(), 0u);
    auto by_offset = [&](std::uint32_t a, std::uint32_t b) {
        const auto& x = sax.tensors[a];
        const auto& y = sax.tensors[b];
        return x.begin != y.begin ? x.begin < y.begin : x.end < y.end;
    };
    if (!std::is_sorted(order.begin(), order.end(), by_offset)) std::stable_sort(order.begin(), order.end(), by_offset);
    std::uint64_t pos = 0;
    const TensorInfo* prev = nullptr;
    for (auto i : order) {
        const auto& t = sax.tensors[i];
        if (t.begin < pos)
            throw_input(name, printable(t.name),
                        fmt::format("data_offsets [{}, {}] overlap tensor {} [{}, {}]", t.begin, t.end,
                                    printable(prev->name), prev->begin, prev->end));
        if (t.begin > pos)
            throw_input(name, printable(t.name),
                        fmt::format("data_offsets [{}, {}] leave bytes [{}, {}) of the data section unused", t.begin,
                                    t.end, pos, t.begin));
        pos = t.end;
        prev = &t;
    }
    if (pos != data_size)
        throw_input(name, fmt::format("data section has {} bytes after the last tensor's end", data_size - pos));

    SafetensorsFile f;
    f.path_ = path_for_messages;
    f.file_size_ = file_size;
    f.data_offset_ = 8 + n;
    f.tensors_ = std::move(sax.tensors);
    f.by_name_ = std::move(by_name);
    f.metadata_ = std::move(sax.metadata);
    f.map_ = std::make_unique<MappedFile>(f.path_, file_size);
    return f;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
    auto it = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                               [this](std::uint32_t i, std::string_view n) { return tensors_[i].name < n; });
    if (it == by_name_.end() || tensors_[*it].name != name) return nullptr;
    return &tensors_[*it];
}

std::span<const std::byte> SafetensorsFile::bytes(const TensorInfo& t) const {
    if (t.nbytes() == 0) return {};
    const std::byte* base = map_->data();
    return {base + data_offset_ + t.begin, static_cast<std::size_t>(t.nbytes())};
}

} // namespace moecut
