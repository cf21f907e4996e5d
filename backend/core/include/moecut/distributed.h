// Data-parallel runs: where this process stands in the job, and the small
// communication interface the saliency pass combines its statistics through.
//
// Rank and world size come from torchrun-style variables (RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT) or, when those are absent, from
// Slurm's (SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID; the master is the
// first host of SLURM_STEP_NODELIST / SLURM_JOB_NODELIST unless MASTER_ADDR
// is set). Neither: one process. The implementations that talk to other
// processes (Gloo, NCCL) live in the engine (engine/communicator.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace moecut {

struct DistEnv {
    int rank = 0;
    int world = 1;
    int local_rank = 0;
    std::string master_addr = "127.0.0.1";
    int master_port = 29500;
    std::string source = "single";  // "torchrun", "slurm" or "single"
};

// Reads the variables through `get` (default: std::getenv). InputError on
// malformed or inconsistent values (rank outside [0, world), port not 1-65535).
DistEnv dist_env_from_environment(const std::function<const char*(const char*)>& get = {});

// The first host of a Slurm host list: "gpu-a[03-05,9],gpu-b1" -> "gpu-a03".
std::string first_slurm_host(const std::string& nodelist);

class Communicator {
public:
    virtual ~Communicator() = default;
    virtual int rank() const = 0;
    virtual int world() const = 0;
    virtual std::string backend() const = 0;  // "single", "gloo", "nccl"
    // In place, element-wise over every rank's buffer (same length everywhere).
    virtual void allreduce_sum(std::span<double> values) = 0;
    virtual void allreduce_max(std::span<double> values) = 0;
    virtual void barrier() = 0;
};

// The one-process communicator: every collective is the identity.
std::unique_ptr<Communicator> single_process_communicator();

} // namespace moecut
