#include "moecut/checkpoint_hash.h"

#include "moecut/checkpoint.h"
#include "moecut/error.h"
#include "moecut/sha256.h"

#include <algorithm>
#include <fstream>
#include <vector>

namespace moecut {
namespace {

void hash_file_prefix(Sha256& h, const std::filesystem::path& p, std::uint64_t n) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw_input(p.string(), "cannot open");
    std::vector<char> buf(1 << 16);
    while (n > 0) {
        const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(n, buf.size()));
        in.read(buf.data(), want);
        const auto got = in.gcount();
        if (got <= 0) throw_input(p.string(), "read failed");
        h.update(std::string_view(buf.data(), static_cast<std::size_t>(got)));
        n -= static_cast<std::uint64_t>(got);
    }
}

void hash_whole_file(Sha256& h, const std::filesystem::path& p) {
    hash_file_prefix(h, p, std::filesystem::file_size(p));
}

} // namespace

std::string checkpoint_fingerprint(const Checkpoint& ckpt) {
    Sha256 h;
    h.update(std::string_view("config.json\n"));
    hash_whole_file(h, ckpt.config_path());
    const auto index = ckpt.dir() / "model.safetensors.index.json";
    const bool single = std::filesystem::is_regular_file(ckpt.dir() / "model.safetensors");
    if (!single && std::filesystem::is_regular_file(index)) {
        h.update(std::string_view("model.safetensors.index.json\n"));
        hash_whole_file(h, index);
    }
    std::vector<const SafetensorsFile*> shards;
    for (const auto& s : ckpt.shards()) shards.push_back(&s);
    std::sort(shards.begin(), shards.end(), [](const SafetensorsFile* a, const SafetensorsFile* b) {
        return a->path().filename() < b->path().filename();
    });
    for (const SafetensorsFile* s : shards) {
        h.update(s->path().filename().string() + "\n");
        hash_file_prefix(h, s->path(), s->data_offset());
    }
    return "sha256:" + h.hex_digest();
}

std::string checkpoint_fingerprint(const std::filesystem::path& dir) {
    return checkpoint_fingerprint(Checkpoint::open(dir));
}

} // namespace moecut
