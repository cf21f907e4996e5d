// CPU reference twin of the GGUF quantisation kernel: the shared per-block
// code (gguf_quantize_ref.h) over every block, in order.
#include "moecut/kernels/gguf_quantize.h"

#include "gguf_quantize_ref.h"

#include <stdexcept>
#include <string>

namespace moecut::kernels {

bool gguf_quant_supported(int t) {
    switch (t) {
    case 2: case 8: case 10: case 11: case 12: case 13: case 14: return true;
    default: return false;
    }
}

std::int64_t gguf_quant_block_size(GgufQuantType type) {
    return type == GgufQuantType::Q4_0 || type == GgufQuantType::Q8_0 ? 32 : 256;
}

std::size_t gguf_quant_block_bytes(GgufQuantType type) {
    switch (type) {
    case GgufQuantType::Q4_0: return 18;
    case GgufQuantType::Q8_0: return 34;
    case GgufQuantType::Q2_K: return 84;
    case GgufQuantType::Q3_K: return 110;
    case GgufQuantType::Q4_K: return 144;
    case GgufQuantType::Q5_K: return 176;
    case GgufQuantType::Q6_K: return 210;
    }
    throw std::invalid_argument("gguf_quant_block_bytes: unsupported type " + std::to_string(static_cast<int>(type)));
}

std::size_t gguf_quant_nbytes(GgufQuantType type, std::int64_t n) {
    const std::size_t bytes = gguf_quant_block_bytes(type);
    const std::int64_t bs = gguf_quant_block_size(type);
    if (n < 0 || n % bs != 0)
        throw std::invalid_argument("gguf quantize: " + std::to_string(n) + " values is not a multiple of the block size " +
                                    std::to_string(bs));
    return static_cast<std::size_t>(n / bs) * bytes;
}

void gguf_quantize_cpu(GgufQuantType type, const float* x, std::int64_t n, std::uint8_t* out) {
    const std::size_t bytes = gguf_quant_block_bytes(type);
    const std::int64_t bs = gguf_quant_block_size(type);
    const std::int64_t blocks = static_cast<std::int64_t>(gguf_quant_nbytes(type, n) / bytes);
    for (std::int64_t b = 0; b < blocks; ++b)
        gguf_ref::quantize_block(static_cast<int>(type), x + b * bs, out + static_cast<std::size_t>(b) * bytes);
}

} // namespace moecut::kernels
