// Gloo and NCCL communicators. c10d's API moves between LibTorch releases
// (ProcessGroup vs Backend, Work's namespace); this file only uses what 1.13
// and 2.x share: TCPStore(host, TCPStoreOptions), ProcessGroupGloo(store,
// rank, size, options) and allreduce()/barrier() returning something with
// wait().
#include "moecut/engine/communicator.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#ifdef MOECUT_HAVE_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(MOECUT_HAVE_GLOO) || defined(MOECUT_HAVE_NCCL)
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

#ifdef MOECUT_HAVE_NCCL
#include <cuda_runtime.h>
#include <dlfcn.h>
#include <nccl.h>
#endif

namespace moecut::engine {
namespace {

constexpr auto kTimeout = std::chrono::minutes(30);

#if defined(MOECUT_HAVE_GLOO) || defined(MOECUT_HAVE_NCCL)
c10::intrusive_ptr<c10d::Store> make_store(const DistEnv& env) {
    c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(env.master_port);
    o.isServer = env.rank == 0;
    o.numWorkers = static_cast<std::size_t>(env.world);
    o.waitWorkers = true;
    o.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout);
    try {
        return c10::make_intrusive<c10d::TCPStore>(env.master_addr, o);
    } catch (const std::exception& e) {
        throw InputError(fmt::format("rendezvous at {}:{} (rank {} of {}) failed: {}", env.master_addr,
                                     env.master_port, env.rank, env.world, e.what()));
    }
}
#endif

#ifdef MOECUT_HAVE_GLOO
class GlooCommunicator final : public Communicator {
public:
    explicit GlooCommunicator(const DistEnv& env) : rank_(env.rank), world_(env.world) {
        auto store = make_store(env);
        auto opts = c10d::ProcessGroupGloo::Options::create(std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout));
        if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world, opts);
    }
    int rank() const override { return rank_; }
    int world() const override { return world_; }
    std::string backend() const override { return "gloo"; }
    void allreduce_sum(std::span<double> v) override { reduce(v, c10d::ReduceOp::SUM); }
    void allreduce_max(std::span<double> v) override { reduce(v, c10d::ReduceOp::MAX); }
    void barrier() override { pg_->barrier()->wait(); }

private:
    void reduce(std::span<double> v, c10d::ReduceOp op) {
        if (v.empty()) return;
        auto t = torch::from_blob(v.data(), {static_cast<std::int64_t>(v.size())}, torch::kDouble);
        std::vector<at::Tensor> ts = {t};
        c10d::AllreduceOptions o;
        o.reduceOp = op;
        pg_->allreduce(ts, o)->wait();
    }
    int rank_, world_;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> pg_;
};
#endif

#ifdef MOECUT_HAVE_NCCL
// NCCL, loaded with dlopen so that a CUDA build runs where NCCL is absent
// until a multi-GPU run needs it.
struct NcclApi {
    decltype(&ncclGetUniqueId) get_unique_id = nullptr;
    decltype(&ncclCommInitRank) init_rank = nullptr;
    decltype(&ncclAllReduce) all_reduce = nullptr;
    decltype(&ncclCommDestroy) destroy = nullptr;
    decltype(&ncclGetErrorString) error_string = nullptr;

    static const NcclApi& get() {
        static const NcclApi api = [] {
            NcclApi a;
            void* h = dlopen("libnccl.so.2", RTLD_NOW | RTLD_GLOBAL);
            if (!h) h = dlopen("libnccl.so", RTLD_NOW | RTLD_GLOBAL);
            if (!h) throw InputError("multi-GPU saliency needs NCCL: libnccl.so.2 was not found (set LD_LIBRARY_PATH)");
            auto sym = [&](auto& fn, const char* name) {
                fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
                if (!fn) throw InputError(fmt::format("libnccl.so.2 has no {}", name));
            };
            sym(a.get_unique_id, "ncclGetUniqueId");
            sym(a.init_rank, "ncclCommInitRank");
            sym(a.all_reduce, "ncclAllReduce");
            sym(a.destroy, "ncclCommDestroy");
            sym(a.error_string, "ncclGetErrorString");
            return a;
        }();
        return api;
    }
};

class NcclCommunicator final : public Communicator {
public:
    NcclCommunicator(const DistEnv& env, int device) : rank_(env.rank), world_(env.world), device_(device) {
        const auto& api = NcclApi::get();
        store_ = make_store(env);
        ncclUniqueId id;
        if (rank_ == 0) {
            check(api.get_unique_id(&id), "ncclGetUniqueId");
            store_->set("moecut/nccl_id", std::vector<std::uint8_t>(reinterpret_cast<std::uint8_t*>(&id),
                                                                     reinterpret_cast<std::uint8_t*>(&id) + sizeof(id)));
        }
        const auto bytes = store_->get("moecut/nccl_id");
        if (bytes.size() != sizeof(id)) throw std::runtime_error("NCCL: bad unique id from the store");
        std::memcpy(&id, bytes.data(), sizeof(id));
        cuda(cudaSetDevice(device_), "cudaSetDevice");
        check(api.init_rank(&comm_, world_, id, rank_), "ncclCommInitRank");
    }
    ~NcclCommunicator() override {
        if (comm_) NcclApi::get().destroy(comm_);
    }
    int rank() const override { return rank_; }
    int world() const override { return world_; }
    std::string backend() const override { return "nccl"; }
    void allreduce_sum(std::span<double> v) override { reduce(v, ncclSum); }
    void allreduce_max(std::span<double> v) override { reduce(v, ncclMax); }
    void barrier() override {
        double x = 0;
        reduce({&x, 1}, ncclSum);
    }

private:
    void reduce(std::span<double> v, ncclRedOp_t op) {
        if (v.empty()) return;
        cuda(cudaSetDevice(device_), "cudaSetDevice");
        void* d = nullptr;
        const std::size_t n = v.size_bytes();
        cuda(cudaMalloc(&d, n), "cudaMalloc");
        try {
            cuda(cudaMemcpy(d, v.data(), n, cudaMemcpyHostToDevice), "cudaMemcpy");
            check(NcclApi::get().all_reduce(d, d, v.size(), ncclFloat64, op, comm_, nullptr), "ncclAllReduce");
            cuda(cudaStreamSynchronize(nullptr), "cudaStreamSynchronize");
            cuda(cudaMemcpy(v.data(), d, n, cudaMemcpyDeviceToHost), "cudaMemcpy");
        } catch (...) {
            cudaFree(d);
            throw;
        }
        cudaFree(d);
    }
    static void check(ncclResult_t r, const char* what) {
        if (r != ncclSuccess) throw std::runtime_error(fmt::format("{}: {}", what, NcclApi::get().error_string(r)));
    }
    static void cuda(cudaError_t e, const char* what) {
        if (e != cudaSuccess) throw std::runtime_error(fmt::format("{}: {}", what, cudaGetErrorString(e)));
    }
    int rank_, world_, device_;
    c10::intrusive_ptr<c10d::Store> store_;
    ncclComm_t comm_ = nullptr;
};
#endif

} // namespace

std::string communicator_backends() {
    std::string s = "single";
#ifdef MOECUT_HAVE_GLOO
    s += ", gloo";
#endif
#ifdef MOECUT_HAVE_NCCL
    s += ", nccl";
#endif
    return s;
}

std::unique_ptr<Communicator> make_communicator(const DistEnv& env, torch::Device device) {
    if (env.world == 1) return single_process_communicator();
    if (device.is_cuda()) {
#ifdef MOECUT_HAVE_NCCL
        return std::make_unique<NcclCommunicator>(env, device.has_index() ? device.index() : env.local_rank);
#else
        throw InputError(fmt::format("{} processes on CUDA need NCCL, which this build lacks (backends: {})", env.world,
                                     communicator_backends()));
#endif
    }
#ifdef MOECUT_HAVE_GLOO
    return std::make_unique<GlooCommunicator>(env);
#else
    throw InputError(fmt::format("{} processes on CPU need Gloo, which this build lacks (install libgloo-dev; backends: {})",
                                 env.world, communicator_backends()));
#endif
}

} // namespace moecut::engine
