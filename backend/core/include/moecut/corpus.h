// The embedded corpus (resources/corpus): JSON-lines records with a text (or
// a probe's prompt) and a source.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace moecut {

struct CorpusRecord {
    std::string text;    // "text", or "prompt" for probes
    std::string source;  // "python", "c", "shell", "javascript", "docs", ...
    std::string id;      // probes only
};

// Reads a JSONL file (InputError naming the file and line on a bad record).
std::vector<CorpusRecord> read_corpus_jsonl(const std::filesystem::path& file);

// The corpus folder: `explicit_dir` if given, else resources/corpus under the
// working directory or above the running executable (up to 4 levels).
// InputError if none holds train.jsonl.
std::filesystem::path find_corpus_dir(const std::filesystem::path& explicit_dir = {});

} // namespace moecut
