// Calibration data for saliency: JSONL files turned into token sequences,
// each tagged with a domain.
//
// Each non-blank line is a JSON object with exactly one of
//   "text": "..."                      encoded with the model's tokenizer
//                                      (special tokens added, as transformers does)
//   "messages": [{"role", "content"}]  rendered with the model's chat template
//                                      (add_generation_prompt false; a "tools"
//                                      array on the line is passed along), then
//                                      encoded without added special tokens
//   "tokens": [ids]                    used as is (ids checked against the vocabulary)
// and optionally "domain": "name" ([A-Za-z0-9_-]{1,64}, not "all"). A line
// without a domain belongs to the file's domain: the file's stem with other
// characters replaced by '_' ("calib_code.jsonl" -> "calib_code"), or the
// name given as DOMAIN=FILE, which then also overrides the lines' own tags.
// A bad line throws InputError "FILE:LINE: problem".
//
// Selection is deterministic: each domain's documents are visited in an
// order fixed by a hash of (seed, domain, document index), and a domain
// takes documents until its share of the token budget is used. The budget
// (max_tokens, 0 = everything) is split equally between the domains; what a
// domain cannot use goes to the others. The document that crosses a
// domain's budget is cut to fit.
//
// Sequences: with packing (the default, as REAP), a domain's selected
// documents are concatenated in visit order and cut into sequences of
// seq_len tokens (the last may be shorter); a document may continue into
// the next sequence. Without packing, each document is one sequence,
// truncated to seq_len. Sequences never mix domains.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace moecut {

class Tokenizer;
class ChatTemplate;

struct CalibrationSource {
    std::filesystem::path path;
    std::string domain;  // forced domain for every line; empty = line tag, else the file's stem
};

// Parses a --data argument: "FILE" or "DOMAIN=FILE" (DOMAIN a valid domain
// name; otherwise the whole argument is the file name).
CalibrationSource parse_calibration_arg(std::string_view arg);

// The default domain of a file: its stem, sanitised to [A-Za-z0-9_-], at most 64 characters.
std::string file_domain(const std::filesystem::path& path);

struct CalibrationOptions {
    std::int64_t seq_len = 2048;
    std::uint64_t max_tokens = 0;  // 0 = no budget
    bool pack = true;
    std::uint64_t seed = 0;
    std::int64_t vocab_size = 0;   // token ids must be below it (0 = unchecked)
    const Tokenizer* tokenizer = nullptr;         // needed by "text" and "messages" lines
    const ChatTemplate* chat_template = nullptr;  // needed by "messages" lines
    std::string tokenizer_origin;                 // named in "needs a tokenizer" errors
};

struct CalibrationSequence {
    int domain = 0;  // index into CalibrationSet::domains
    std::vector<std::int32_t> tokens;
};

struct CalibrationSet {
    std::vector<std::string> domains;                    // in order of first appearance
    std::vector<CalibrationSequence> sequences;          // domain by domain
    std::map<std::string, std::uint64_t> tokens;         // per domain
    std::uint64_t total_tokens = 0;
    // "sha256:<hex>" of the sequences (domain names, lengths and ids): the
    // same data gives the same hash whatever file format carried it.
    std::string hash;
};

CalibrationSet load_calibration(const std::vector<CalibrationSource>& sources, const CalibrationOptions& options);

} // namespace moecut
