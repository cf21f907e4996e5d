#include "moecut/distributed.h"

#include "moecut/error.h"

#include <fmt/core.h>

#include <charconv>
#include <cstdlib>

namespace moecut {
namespace {

class SingleProcess final : public Communicator {
public:
    int rank() const override { return 0; }
    int world() const override { return 1; }
    std::string backend() const override { return "single"; }
    void allreduce_sum(std::span<double>) override {}
    void allreduce_max(std::span<double>) override {}
    void barrier() override {}
};

int parse_int(const char* name, const char* value, int lo, int hi) {
    int v = 0;
    const std::string_view s(value);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
        throw InputError(fmt::format("environment: {}={} is not an integer in [{}, {}]", name, value, lo, hi));
    return v;
}

} // namespace

std::unique_ptr<Communicator> single_process_communicator() { return std::make_unique<SingleProcess>(); }

std::string first_slurm_host(const std::string& list) {
    // Up to the first comma outside brackets; a bracket range keeps its first element.
    std::string host;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const char c = list[i];
        if (c == ',') break;
        if (c == '[') {
            std::size_t j = i + 1;
            while (j < list.size() && list[j] != '-' && list[j] != ',' && list[j] != ']') host += list[j++];
            break;
        }
        host += c;
    }
    return host;
}

DistEnv dist_env_from_environment(const std::function<const char*(const char*)>& get_fn) {
    auto get = [&](const char* name) -> const char* {
        const char* v = get_fn ? get_fn(name) : std::getenv(name);
        return v && *v ? v : nullptr;
    };
    DistEnv e;
    constexpr int kMaxWorld = 1 << 20;
    if (get("WORLD_SIZE") || get("RANK")) {
        if (!get("WORLD_SIZE") || !get("RANK"))
            throw InputError("environment: RANK and WORLD_SIZE must be set together (torchrun style)");
        e.source = "torchrun";
        e.world = parse_int("WORLD_SIZE", get("WORLD_SIZE"), 1, kMaxWorld);
        e.rank = parse_int("RANK", get("RANK"), 0, kMaxWorld);
        e.local_rank = get("LOCAL_RANK") ? parse_int("LOCAL_RANK", get("LOCAL_RANK"), 0, kMaxWorld) : e.rank;
    } else if (get("SLURM_PROCID") && get("SLURM_NTASKS")) {
        e.source = "slurm";
        e.world = parse_int("SLURM_NTASKS", get("SLURM_NTASKS"), 1, kMaxWorld);
        e.rank = parse_int("SLURM_PROCID", get("SLURM_PROCID"), 0, kMaxWorld);
        e.local_rank = get("SLURM_LOCALID") ? parse_int("SLURM_LOCALID", get("SLURM_LOCALID"), 0, kMaxWorld) : 0;
        const char* nodes = get("SLURM_STEP_NODELIST") ? get("SLURM_STEP_NODELIST") : get("SLURM_JOB_NODELIST");
        if (nodes) e.master_addr = first_slurm_host(nodes);
    } else {
        return e;
    }
    if (e.rank >= e.world)
        throw InputError(fmt::format("environment: rank {} is outside [0, {}) ({})", e.rank, e.world, e.source));
    if (const char* a = get("MASTER_ADDR")) e.master_addr = a;
    if (const char* p = get("MASTER_PORT")) e.master_port = parse_int("MASTER_PORT", p, 1, 65535);
    return e;
}

} // namespace moecut
