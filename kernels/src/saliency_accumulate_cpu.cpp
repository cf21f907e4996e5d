// The CPU reference twin of kernels/src/saliency_accumulate.cu.
#include "moecut/kernels/saliency_accumulate.h"

#include <algorithm>
#include <stdexcept>

namespace moecut::kernels {

std::int64_t accumulate_saliency_cpu(const RoutingTapsView& t, const SaliencyAccumView& a) {
    if (t.tokens < 0 || t.top_k < 0 || a.groups < 0 || a.experts < 0)
        throw std::invalid_argument("accumulate_saliency_cpu: negative size");
    if (t.tokens > 0 && (!t.idx || !t.weight || !t.norm || !t.group))
        throw std::invalid_argument("accumulate_saliency_cpu: null taps");
    std::int64_t skipped = 0;
    for (std::int64_t n = 0; n < t.tokens; ++n) {
        const std::int32_t g = t.group[n];
        if (g < 0) continue;
        if (g >= a.groups) {
            skipped += t.top_k;
            continue;
        }
        for (std::int64_t k = 0; k < t.top_k; ++k) {
            const std::int64_t i = n * t.top_k + k;
            const std::int64_t e = t.idx[i];
            if (e < 0 || e >= a.experts) {
                ++skipped;
                continue;
            }
            const std::int64_t s = static_cast<std::int64_t>(g) * a.experts + e;
            const double w = t.weight[i], f = t.norm[i];
            a.count[s] += 1.0;
            a.gate_sum[s] += w;
            a.reap_sum[s] += w * f;
            a.norm_sum[s] += f;
            a.norm_max[s] = std::max(a.norm_max[s], f);
        }
    }
    return skipped;
}

} // namespace moecut::kernels
