// Evaluation probes: the held-out prompts a loop-rate evaluation samples from.
//
//   auto all = load_probes("resources/corpus/probes.jsonl");
//   auto chosen = select_probes(all, 500, /*seed=*/0);
//
// A probe file is JSONL, one object per line with `prompt` (a string, sent as
// a plain completion) or `messages` (a chat, [{role, content}, ...], sent
// through the chat template or the server's chat endpoint), and `source` (the
// group it is reported under). `id` names the probe; without one the id is
// "<source>-<line number>". Ids must be unique. Anything else is an
// InputError naming FILE:LINE.
//
// Selection is deterministic and nested: probes are ranked by a hash of
// (seed, id) and the first n are taken, so the same file, n and seed always
// give the same probes, and a larger n extends a smaller one (a run can grow
// without redoing what it has).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace moecut {

struct Probe {
    std::string id;
    std::string source;
    std::optional<std::string> prompt;       // a completion prompt, or
    nlohmann::ordered_json messages;          // a chat (an array), null when prompt is set
};

std::vector<Probe> load_probes(const std::filesystem::path& file);

// The first n probes in (seed, id)-hash order; all of them when n is 0 or
// larger than the file. The result is in that order.
std::vector<Probe> select_probes(const std::vector<Probe>& probes, std::size_t n, std::uint64_t seed);

// The probe's text for a completion, or its messages as JSON text: what the
// run records to tell whether a stored sample came from the same prompt.
std::string probe_fingerprint(const Probe& probe);

} // namespace moecut
