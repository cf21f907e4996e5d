// Fuzzes ArchDescriptor::from_config: any JSON document must give either a
// descriptor or an InputError, nothing else (no nlohmann type_error, no crash).
#include "moecut/arch.h"
#include "moecut/error.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto config = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (config.is_discarded()) return 0;
    try {
        (void)moecut::ArchDescriptor::from_config(config, "config.json");
    } catch (const moecut::InputError& e) {
        std::string_view msg = e.what();
        if (msg.find('\n') != std::string_view::npos) std::abort();
    }
    return 0;
}
