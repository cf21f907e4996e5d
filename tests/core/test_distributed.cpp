// Rank and world from torchrun- and Slurm-style environments.
#include "moecut/distributed.h"
#include "moecut/error.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace moecut {
namespace {

DistEnv parse(const std::map<std::string, std::string>& vars) {
    return dist_env_from_environment([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
}

TEST(DistEnv, NoVariablesIsOneProcess) {
    const auto e = parse({});
    EXPECT_EQ(e.world, 1);
    EXPECT_EQ(e.rank, 0);
    EXPECT_EQ(e.source, "single");
}

TEST(DistEnv, Torchrun) {
    const auto e = parse({{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"},
                          {"MASTER_PORT", "29611"}});
    EXPECT_EQ(e.source, "torchrun");
    EXPECT_EQ(e.rank, 3);
    EXPECT_EQ(e.world, 8);
    EXPECT_EQ(e.local_rank, 1);
    EXPECT_EQ(e.master_addr, "node7");
    EXPECT_EQ(e.master_port, 29611);
}

TEST(DistEnv, SlurmWithNodeList) {
    const auto e = parse({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "16"}, {"SLURM_LOCALID", "5"},
                          {"SLURM_JOB_NODELIST", "gpu-a[03-05,9],gpu-b1"}});
    EXPECT_EQ(e.source, "slurm");
    EXPECT_EQ(e.rank, 5);
    EXPECT_EQ(e.world, 16);
    EXPECT_EQ(e.local_rank, 5);
    EXPECT_EQ(e.master_addr, "gpu-a03");
    EXPECT_EQ(e.master_port, 29500);
    // torchrun variables win over Slurm's (torchrun inside srun).
    EXPECT_EQ(parse({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "16"}, {"RANK", "0"}, {"WORLD_SIZE", "2"}}).world, 2);
}

TEST(DistEnv, FirstSlurmHost) {
    EXPECT_EQ(first_slurm_host("node1"), "node1");
    EXPECT_EQ(first_slurm_host("node1,node2"), "node1");
    EXPECT_EQ(first_slurm_host("c[7-9]"), "c7");
    EXPECT_EQ(first_slurm_host("compute-b2[1-3,5-6,8],compute-a1"), "compute-b21");
}

TEST(DistEnv, BadValuesAreInputErrors) {
    EXPECT_THROW(parse({{"RANK", "2"}, {"WORLD_SIZE", "2"}}), InputError);
    EXPECT_THROW(parse({{"RANK", "x"}, {"WORLD_SIZE", "2"}}), InputError);
    EXPECT_THROW(parse({{"RANK", "0"}}), InputError);
    EXPECT_THROW(parse({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}}), InputError);
}

TEST(Communicator, SingleProcessIsIdentity) {
    auto c = single_process_communicator();
    std::vector<double> v = {1.5, -2.0};
    c->allreduce_sum(v);
    c->allreduce_max(v);
    c->barrier();
    EXPECT_EQ(v, (std::vector<double>{1.5, -2.0}));
    EXPECT_EQ(c->world(), 1);
}

} // namespace
} // namespace moecut
