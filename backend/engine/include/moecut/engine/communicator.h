// The Communicator implementations that talk to other processes: Gloo (CPU,
// through LibTorch's c10d) and NCCL (GPU; NCCL loaded at run time, its
// unique id exchanged through a c10d TCPStore). All c10d use is in
// communicator.cpp, so LibTorch API differences stay in one file.
#pragma once

#include "moecut/distributed.h"

#include <torch/types.h>

#include <memory>
#include <string>

namespace moecut::engine {

// One process: single_process_communicator(). Otherwise Gloo on CPU, NCCL on
// CUDA devices. Rendezvous at env.master_addr:env.master_port (rank 0 hosts
// the store). InputError when the build lacks the backend the device needs.
std::unique_ptr<Communicator> make_communicator(const DistEnv& env, torch::Device device);

// Which backends this build has ("gloo", "nccl"), for --help and errors.
std::string communicator_backends();

} // namespace moecut::engine
