// A project with one experiment in a temporary folder, a store over it and a
// LocalJobRunner whose supervisor is the built moecut binary; shell steps
// that append events to $MOECUT_EVENTS and wait for files the test creates.
#pragma once

#include "moecut/experiment_store.h"
#include "moecut/job_runner.h"

#include <QTemporaryDir>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>

namespace jobtest {

struct Project {
    QTemporaryDir tmp;
    std::filesystem::path dir{tmp.path().toStdString()};
    std::unique_ptr<moecut::ExperimentStore> store = std::make_unique<moecut::ExperimentStore>(dir / "project.sqlite");
    moecut::LocalJobRunner runner{std::chrono::milliseconds(300), MOECUT_BIN};
    qint64 experiment = 0;

    Project()
    {
        const auto p = store->add_project(dir / "proj", "test");
        moecut::Experiment e;
        e.name = "exp";
        e.model_dir = "/models/tiny";
        experiment = store->add_experiment(p, e);
    }
    std::filesystem::path file(const std::string& name) const { return dir / name; }
    void touch(const std::string& name) const { std::ofstream(dir / name) << "x\n"; }
};

// A /bin/sh step.
inline std::vector<std::string> sh(const std::string& script) { return {"/bin/sh", "-c", script}; }

// Shell that appends one log event with message m.
inline std::string logLine(const std::string& m)
{
    return "printf '{\"event\":\"log\",\"level\":\"info\",\"message\":\"" + m + "\"}\\n' >> \"$MOECUT_EVENTS\"; ";
}

// Shell that waits until file f exists.
inline std::string waitFor(const std::filesystem::path& f)
{
    return "while [ ! -e '" + f.string() + "' ]; do sleep 0.02; done; ";
}

} // namespace jobtest
