// moecut job supervise RUN_DIR (hidden): the supervisor of a job that
// LocalJobRunner started. The runner execs this fresh process instead of
// forking itself, so nothing of a multithreaded app (moecut-studio) runs in a
// forked child. Not for users: it expects the stdio and ready pipe the runner
// sets up (moecut/job_runner.h).
#include "commands.h"

#include "moecut/job_runner.h"

#include <memory>
#include <string>

namespace moecut::cli {
namespace {

void register_job(CLI::App& root) {
    CLI::App* job = root.add_subcommand("job", "Internal: the side of a job that runs detached");
    job->group("");  // hidden from --help
    job->require_subcommand(1);
    auto run_dir = std::make_shared<std::string>();
    CLI::App* supervise = job->add_subcommand("supervise", "Supervise the job of RUN_DIR (started by the app)");
    supervise->add_option("RUN_DIR", *run_dir, "The job's run folder (holds job.json)")->required();
    supervise->callback([run_dir] { run_job_supervisor(*run_dir); });
}

} // namespace

const CommandRegistrar kRegisterJob{200, register_job};

} // namespace moecut::cli
