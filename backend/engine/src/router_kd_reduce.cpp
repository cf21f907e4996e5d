// moecut kd: summing the gate gradients of a batch over the ranks, with a
// result that does not depend on how many ranks there are.
//
// Floating-point sums depend on their order, and a communicator's all-reduce
// chooses its own. So each sequence's gradient is first put on an integer
// grid: per gate row r, q = round(g * 2^s_r) with 2^s_r chosen from the row's
// largest magnitude over the whole batch (one all-reduce of maxima) so that
// |q| < 2^(52 - c), c = ceil(log2(sequences in the batch)). Every partial sum
// of such integers is an integer below 2^52, exact in a double, so the local
// sums and the all-reduce are exact in any order and on any number of ranks.
// The grid step is 2^-(52 - c) of the row's largest entry: finer than float32
// for every entry within 2^(28 - c) of it.
#include "router_kd_internal.h"

#include <cmath>

namespace moecut::engine::kd {

GradReducer::GradReducer(std::vector<torch::Tensor> params, Communicator& comm)
    : params_(std::move(params)), comm_(comm) {}

void GradReducer::add_sequence() {
    std::vector<torch::Tensor> g;
    g.reserve(params_.size());
    for (auto& p : params_) {
        g.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::zeros_like(p));
        if (p.grad().defined()) p.mutable_grad().zero_();
    }
    grads_.push_back(std::move(g));
}

void GradReducer::reduce(std::size_t global_sequences, double divisor) {
    torch::NoGradGuard ng;
    // Row maxima over the local sequences, then over the ranks.
    std::vector<torch::Tensor> row_max;
    std::int64_t rows = 0;
    for (std::size_t p = 0; p < params_.size(); ++p) {
        auto m = torch::zeros({params_[p].size(0)}, torch::TensorOptions().dtype(torch::kFloat64));
        for (const auto& g : grads_)
            m = torch::maximum(m, std::get<0>(g[p].abs().reshape({g[p].size(0), -1}).max(1)).to(torch::kCPU, torch::kFloat64));
        rows += m.size(0);
        row_max.push_back(m);
    }
    std::vector<double> mx(static_cast<std::size_t>(rows));
    for (std::size_t p = 0, o = 0; p < params_.size(); o += static_cast<std::size_t>(row_max[p].size(0)), ++p)
        std::copy_n(row_max[p].data_ptr<double>(), row_max[p].size(0), mx.begin() + static_cast<std::ptrdiff_t>(o));
    comm_.allreduce_max(mx);

    int c = 0;
    while ((std::size_t{1} << c) < global_sequences) ++c;
    // Scales (powers of two) per row, and the local integer sums.
    std::vector<double> flat;
    std::vector<torch::Tensor> scale;
    for (std::size_t p = 0, o = 0; p < params_.size(); ++p) {
        const auto R = params_[p].size(0);
        auto s = torch::empty({R}, torch::kFloat64);
        for (std::int64_t r = 0; r < R; ++r) {
            const double m = mx[o + static_cast<std::size_t>(r)];
            int e = 0;
            if (m > 0) std::frexp(m, &e);  // m < 2^e
            s[r] = m > 0 ? std::ldexp(1.0, 52 - c - e) : 1.0;
        }
        o += static_cast<std::size_t>(R);
        const auto dev = params_[p].device();
        auto s_dev = s.to(dev);
        std::vector<std::int64_t> shape(static_cast<std::size_t>(params_[p].dim()), 1);
        shape[0] = R;
        s_dev = s_dev.view(shape);
        auto q = torch::zeros(params_[p].sizes(), torch::TensorOptions().dtype(torch::kFloat64).device(dev));
        for (const auto& g : grads_) q += torch::round(g[p].to(torch::kFloat64) * s_dev);
        auto qc = q.to(torch::kCPU).contiguous();
        flat.insert(flat.end(), qc.data_ptr<double>(), qc.data_ptr<double>() + qc.numel());
        scale.push_back(s_dev);
    }
    comm_.allreduce_sum(flat);
    std::size_t o = 0;
    for (std::size_t p = 0; p < params_.size(); ++p) {
        auto& param = params_[p];
        const auto n = param.numel();
        auto q = torch::from_blob(flat.data() + o, param.sizes(), torch::kFloat64).to(param.device());
        o += static_cast<std::size_t>(n);
        auto g = (q / scale[p] / divisor).to(param.scalar_type());
        if (param.grad().defined()) param.mutable_grad().copy_(g);
        else param.mutable_grad() = g;
    }
    grads_.clear();
}

} // namespace moecut::engine::kd
