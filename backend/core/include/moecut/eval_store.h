// The per-sample records of one evaluation run, in SQLite (RUNDIR/samples.sqlite).
//
//   EvalStore store(rundir / "samples.sqlite", run_identity);   // creates or reopens
//   if (!store.has(probe_id, sample_index)) ... generate ...
//   store.put({record, ...});                                    // one transaction
//
// The run identity (model, sampler, cap, detector, seed: everything that
// decides what a sample is) is kept in the file. Reopening with a different
// identity is an InputError naming the file and the first differing field:
// a resumed run never mixes samples of two settings. Each put() is one
// transaction with synchronous=FULL, so a killed process leaves every record
// it reported as stored and none half-written.
#pragma once

#include "moecut/eval_record.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct sqlite3;

namespace moecut {

class EvalStore {
public:
    EvalStore(const std::filesystem::path& file, const nlohmann::ordered_json& identity);
    ~EvalStore();
    EvalStore(const EvalStore&) = delete;
    EvalStore& operator=(const EvalStore&) = delete;

    bool has(const std::string& probe_id, std::uint32_t sample_index) const;
    void put(std::span<const SampleRecord> records);
    std::vector<SampleRecord> all() const;  // ordered by probe id, then sample index
    std::size_t size() const;
    const nlohmann::ordered_json& identity() const { return identity_; }
    // Opens an existing store read-only and returns its records and identity
    // (for reports and comparisons against a baseline run).
    static std::pair<nlohmann::ordered_json, std::vector<SampleRecord>> read(const std::filesystem::path& file);

private:
    std::filesystem::path file_;
    nlohmann::ordered_json identity_;
    sqlite3* db_ = nullptr;
};

} // namespace moecut
