// Helpers shared by the test executables.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace moecut::test {

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the built moecut binary with args (no shell), capturing both streams.
CliResult run_moecut(const std::vector<std::string>& args);
// Runs any program with args.
CliResult run_program(const std::string& program, const std::vector<std::string>& args);

// A fresh empty folder under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path& p);
void write_text(const std::filesystem::path& p, const std::string& text);
std::filesystem::path source_dir();    // the repository root
std::filesystem::path test_data_dir(); // tests/data
// 64-bit FNV-1a of a file's bytes as 16 hex digits: the fingerprint the fixture
// scripts record of the checkpoints they ran the reference on.
std::string file_fnv1a64(const std::filesystem::path& p);

} // namespace moecut::test
