// Fuzzes SafetensorsFile::parse_header: any header text and any file size
// must give either a valid file description or an InputError, nothing else.
//
// Input layout: 8 bytes (little-endian) of extra data-section size, then the
// header text. The file size passed is 8 + header + extra.
#include "moecut/error.h"
#include "moecut/safetensors.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint64_t extra = 0;
    std::size_t skip = 0;
    if (size >= 8) {
        for (int i = 7; i >= 0; --i) extra = (extra << 8) | data[i];
        extra &= (1ull << 48) - 1;  // up to 256 TB of data
        skip = 8;
    }
    std::string_view header(reinterpret_cast<const char*>(data + skip), size - skip);
    try {
        auto f = moecut::SafetensorsFile::parse_header(header, 8 + header.size() + extra, "fuzz.safetensors");
        // What was accepted must hold together.
        std::uint64_t covered = 0;
        for (const auto& t : f.tensors()) {
            if (t.end < t.begin || t.end > f.file_size() - f.data_offset()) std::abort();
            if (f.find(t.name) != &t) std::abort();
            covered += t.nbytes();
            (void)t.numel();
        }
        if (covered != f.file_size() - f.data_offset()) std::abort();
    } catch (const moecut::InputError& e) {
        std::string_view msg = e.what();
        if (!msg.starts_with("fuzz.safetensors: ") || msg.find('\n') != std::string_view::npos) std::abort();
    }
    return 0;
}
