// Reading the embedded corpus (include/moecut/corpus.h).
#include "moecut/corpus.h"

#include "moecut/error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <system_error>

namespace moecut {

std::vector<CorpusRecord> read_corpus_jsonl(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open", file.string()));
    std::vector<CorpusRecord> out;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty()) continue;
        try {
            const auto j = nlohmann::json::parse(line);
            CorpusRecord r;
            r.text = j.contains("text") ? j.at("text").get<std::string>() : j.at("prompt").get<std::string>();
            r.source = j.value("source", "");
            r.id = j.value("id", "");
            out.push_back(std::move(r));
        } catch (const nlohmann::json::exception& e) {
            throw InputError(fmt::format("{}:{}: bad record: {}", file.string(), n, e.what()));
        }
    }
    return out;
}

std::filesystem::path find_corpus_dir(const std::filesystem::path& explicit_dir) {
    namespace fs = std::filesystem;
    if (!explicit_dir.empty()) {
        if (!fs::exists(explicit_dir / "train.jsonl"))
            throw InputError(fmt::format("{}: no train.jsonl (expected the corpus folder)", explicit_dir.string()));
        return explicit_dir;
    }
    std::vector<fs::path> roots = {fs::current_path()};
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (fs::path p = exe.parent_path(); !p.empty() && roots.size() < 6; p = p.parent_path()) {
            roots.push_back(p);
            if (p == p.root_path()) break;
        }
    for (const auto& r : roots)
        if (fs::exists(r / "resources" / "corpus" / "train.jsonl")) return r / "resources" / "corpus";
    throw InputError("resources/corpus/train.jsonl not found: run from the repository or pass --corpus DIR");
}

} // namespace moecut
