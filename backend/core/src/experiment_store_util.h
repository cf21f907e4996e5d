// Shared by the experiment store's files: row inserts (used by the API and by
// rebuild_project alike), the JSON of the folder files, name checks.
#pragma once

#include "moecut/experiment_store.h"

#include <sqlite3.h>

#include <string>

namespace moecut::store_util {

std::int64_t unix_ms_now();
// Text the store wrote as JSON; a cell that does not parse is an InputError.
nlohmann::json parse_json_text(const std::string& text);
// Folder-safe names: [A-Za-z0-9._-], not starting with '.', at most 100 bytes.
void check_name(const std::string& name, const char* what);
nlohmann::json paths_json(const std::vector<std::filesystem::path>& paths);
nlohmann::json strings_json(const std::vector<std::string>& v);
std::vector<std::string> json_strings(const nlohmann::json& j);

nlohmann::json experiment_json(const Experiment& e);
Experiment experiment_from_json(const nlohmann::json& j, const std::string& file);

std::int64_t insert_project(sqlite3* db, const std::string& file, const Project& p);
std::int64_t insert_experiment(sqlite3* db, const std::string& file, const Experiment& e);
// Inserts every field of j but id (a new one is returned).
std::int64_t insert_job(sqlite3* db, const std::string& file, const JobRecord& j);

// What ExperimentStore::record_events stores, without a transaction of its own.
void insert_events(sqlite3* db, const std::string& file, std::int64_t job_id,
                   const std::vector<nlohmann::json>& events, std::uint64_t offset);

// Reads a JSON object file; nullopt when missing or not an object.
std::optional<nlohmann::json> read_json_file(const std::filesystem::path& p);

} // namespace moecut::store_util
