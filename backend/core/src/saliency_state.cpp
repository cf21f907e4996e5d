#include "moecut/saliency_state.h"

#include "moecut/atomic_file.h"
#include "moecut/error.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace moecut {
namespace {
constexpr const char* kFormat = "moecut-saliency-state-1";
}

std::optional<SaliencyState> read_saliency_state(const std::filesystem::path& dir) {
    const auto path = dir / "state.json";
    if (!std::filesystem::exists(path)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        const auto j = nlohmann::json::parse(ss.str());
        if (j.at("format") != kFormat) throw_input(path.string(), "not a moecut saliency state (delete the folder to start over)");
        SaliencyState s;
        s.fingerprint = j.at("fingerprint").get<std::string>();
        s.done = j.at("done").get<int>();
        s.last_layer = j.at("last_layer").get<int>();
        s.hidden = j.at("hidden").get<std::string>();
        s.index = j.at("index").get<std::string>();
        s.index_bytes = j.at("index_bytes").get<std::vector<std::uint64_t>>();
        s.sums = j.at("sums").get<std::string>();
        for (const auto& f : {s.hidden, s.index, s.sums})
            if (!f.empty() && (f.find('/') != std::string::npos || !std::filesystem::exists(dir / f)))
                throw_input(path.string(), fmt::format("names \"{}\", which is missing (delete the folder to start over)", f));
        return s;
    } catch (const nlohmann::json::exception&) {
        throw_input(path.string(), "malformed saliency state (delete the folder to start over)");
    }
}

void write_saliency_state(const std::filesystem::path& dir, const SaliencyState& s) {
    nlohmann::json j = {{"format", kFormat},  {"fingerprint", s.fingerprint}, {"done", s.done},
                        {"last_layer", s.last_layer}, {"hidden", s.hidden}, {"index", s.index},
                        {"index_bytes", s.index_bytes}, {"sums", s.sums}};
    write_file_atomic(dir / "state.json", j.dump(1) + "\n");
}

void prune_saliency_state(const std::filesystem::path& dir, const SaliencyState& s) {
    const std::set<std::string> keep = {"state.json", s.hidden, s.index, s.sums};
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (!keep.count(name) && e.is_regular_file()) std::filesystem::remove(e.path());
    }
}

void write_doubles(const std::filesystem::path& path, std::span<const double> values) {
    AtomicFile f(path);
    f.write(std::as_bytes(values));
    f.commit();
}

std::vector<double> read_doubles(const std::filesystem::path& path, std::size_t count) {
    std::vector<double> v(count);
    read_chunk(path, 0, std::as_writable_bytes(std::span<double>(v)));
    return v;
}

void read_chunk(const std::filesystem::path& path, std::uint64_t offset, std::span<std::byte> dst) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw_input(path.string(), "cannot open saliency state file");
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(reinterpret_cast<char*>(dst.data()), static_cast<std::streamsize>(dst.size()));
    if (static_cast<std::size_t>(in.gcount()) != dst.size())
        throw_input(path.string(), "saliency state file is shorter than state.json says (delete the folder to start over)");
}

} // namespace moecut
