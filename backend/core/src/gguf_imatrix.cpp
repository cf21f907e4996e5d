// Importance matrices for GGUF quantization (moecut/gguf_imatrix.h).
#include "moecut/gguf_imatrix.h"

#include "moecut/error.h"
#include "moecut/gguf_export.h"
#include "moecut/gguf_quants.h"
#include "moecut/gguf_reader.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

namespace moecut {
namespace {

bool is_gguf(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in && std::memcmp(magic, "GGUF", 4) == 0;
}

bool remove_suffix(std::string& s, std::string_view suffix) {
    if (s.size() < suffix.size() || s.compare(s.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    s.resize(s.size() - suffix.size());
    return true;
}

std::vector<float> floats(const GgufFile& g, const GgufTensorInfo& t) {
    const auto b = g.bytes(t);
    std::vector<float> v(b.size() / 4);
    std::memcpy(v.data(), b.data(), v.size() * 4);
    return v;
}

int layer_of(const std::string& name) {
    int il = -1;
    if (std::sscanf(name.c_str(), "blk.%d.", &il) != 1) return -1;
    return il;
}

} // namespace

GgufImatrix GgufImatrix::load(const std::filesystem::path& path) {
    GgufImatrix im;
    im.path_ = path;
    const std::string file = path.string();
    if (!std::filesystem::is_regular_file(path)) throw_input(file, "no such imatrix file");
    if (is_gguf(path)) {
        const GgufFile g = GgufFile::open(path);
        const GgufValue* ds = g.find("imatrix.datasets");
        const GgufValue* cc = g.find("imatrix.chunk_count");
        const GgufValue* cs = g.find("imatrix.chunk_size");
        // llama-quantize: "missing imatrix metadata" unless all three are there.
        if (!ds || !cc || !cs) throw_input(file, "missing imatrix metadata (imatrix.datasets, chunk_count, chunk_size): not an imatrix file");
        if (ds->is_array() && ds->element_type() == GgufType::String) im.datasets_ = ds->string_items();
        im.chunk_count_ = static_cast<std::int64_t>(cc->as_u64());
        std::map<std::string, std::pair<const GgufTensorInfo*, const GgufTensorInfo*>> pairs;
        for (const GgufTensorInfo& t : g.tensors()) {
            std::string n = t.name;
            if (remove_suffix(n, ".in_sum2")) pairs[n].first = &t;
            else if (remove_suffix(n, ".counts")) pairs[n].second = &t;
        }
        if (pairs.empty()) throw_input(file, "no <name>.in_sum2 / <name>.counts tensors");
        for (const auto& [name, sc] : pairs) {
            if (!sc.first || !sc.second) throw_input(file, name, "mismatched sums and counts (one of .in_sum2 / .counts is missing)");
            if (sc.first->ggml_type() != GgmlType::F32 || sc.second->ggml_type() != GgmlType::F32)
                throw_input(file, name, "sums and counts must be F32");
            const std::vector<float> sums = floats(g, *sc.first), counts = floats(g, *sc.second);
            if (counts.empty() || sums.size() % counts.size() != 0)
                throw_input(file, name, fmt::format("{} sums do not split into {} matrices", sums.size(), counts.size()));
            const std::size_t ne0 = sums.size() / counts.size();
            std::vector<float>& e = im.entries_[name];
            e.resize(sums.size());
            for (std::size_t j = 0; j < counts.size(); ++j) {
                // common_imatrix_load keeps lround(count) as int64; load_imatrix divides by it as float.
                const auto count = static_cast<float>(std::lround(counts[j]));
                for (std::size_t i = 0; i < ne0; ++i) e[j * ne0 + i] = count > 0.0f ? sums[j * ne0 + i] / count : 1.0f;
            }
        }
        return im;
    }
    // Legacy .dat (common_imatrix_load_legacy).
    im.legacy_ = true;
    std::ifstream in(path, std::ios::binary);
    auto i32 = [&](const char* what) {
        std::int32_t v = 0;
        in.read(reinterpret_cast<char*>(&v), 4);
        if (!in) throw_input(file, fmt::format("truncated legacy imatrix ({})", what));
        return v;
    };
    const std::int32_t n = i32("entry count");
    if (n < 1) throw_input(file, "no data in the legacy imatrix");
    for (std::int32_t k = 0; k < n; ++k) {
        const std::int32_t len = i32("name length");
        if (len < 0 || len > 4096) throw_input(file, fmt::format("entry {}: bad name length {}", k + 1, len));
        std::string name(static_cast<std::size_t>(len), '\0');
        in.read(name.data(), len);
        name.resize(std::strlen(name.c_str()));
        const std::int32_t ncall = i32("ncall");
        const std::int32_t nval = i32("value count");
        if (nval < 1) throw_input(file, fmt::format("entry {} ({}): bad value count {}", k + 1, name, nval));
        std::vector<float> v(static_cast<std::size_t>(nval));
        in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
        if (!in) throw_input(file, fmt::format("entry {} ({}): truncated values", k + 1, name));
        // load_imatrix: sums / ncall (int64 ncall converted to float), as stored when ncall <= 0.
        if (ncall > 0)
            for (float& x : v) x = x / static_cast<float>(static_cast<std::int64_t>(ncall));
        im.entries_[name] = std::move(v);
    }
    std::int32_t chunks = 0;
    if (in.read(reinterpret_cast<char*>(&chunks), 4)) {
        im.chunk_count_ = chunks;
        std::int32_t len = 0;
        if (in.read(reinterpret_cast<char*>(&len), 4) && len > 0 && len < (1 << 20)) {
            std::string ds(static_cast<std::size_t>(len), '\0');
            if (in.read(ds.data(), len)) im.datasets_.push_back(ds.c_str());
        }
    }
    return im;
}

const std::vector<float>* GgufImatrix::find(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
}

std::map<int, std::vector<int>> expert_origins(const std::filesystem::path& dir) {
    std::map<int, std::vector<int>> out;
    const auto prov_path = dir / "moecut_provenance.json";
    if (!std::filesystem::is_regular_file(prov_path)) return out;
    nlohmann::json prov;
    try {
        std::ifstream in(prov_path);
        prov = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw_input(prov_path.string(), fmt::format("not JSON: {}", e.what()));
    }
    // Newest prune first; each earlier one maps its output ids to its input ids.
    for (const nlohmann::json* p = &prov; p && p->is_object() && p->contains("plan"); p = p->contains("previous") ? &(*p)["previous"] : nullptr) {
        const nlohmann::json& keep = (*p)["plan"].value("keep", nlohmann::json::object());
        if (!keep.is_object()) throw_input(prov_path.string(), "plan.keep is not an object");
        for (const auto& [layer, ids] : keep.items()) {
            const int il = std::stoi(layer);
            const std::vector<int> k = ids.get<std::vector<int>>();
            auto it = out.find(il);
            if (it == out.end()) {
                out[il] = k;
                continue;
            }
            for (int& id : it->second) {
                if (id < 0 || static_cast<std::size_t>(id) >= k.size())
                    throw_input(prov_path.string(), fmt::format("layer {}: expert {} outside the earlier plan's {} kept", il, id, k.size()));
                id = k[static_cast<std::size_t>(id)];
            }
        }
    }
    return out;
}

std::vector<float> imatrix_for_tensor(const GgufImatrix& im, const std::string& name, const std::vector<std::int64_t>& ne,
                                      const std::map<int, std::vector<int>>& origins, std::string& note) {
    note.clear();
    const std::vector<float>* e = im.find(name);
    if (!e || ne.size() < 2) return {};
    const std::int64_t ne0 = ne[0], nmat = ne.size() > 2 ? ne[2] : 1;
    const auto have = static_cast<std::int64_t>(e->size());
    if (have == ne0 * nmat) return *e;
    if (nmat > 1 && have % ne0 == 0 && have / ne0 > nmat) {
        // A pruned expert tensor: gather the kept experts' slices.
        const int il = layer_of(name);
        const auto it = origins.find(il);
        if (it != origins.end() && static_cast<std::int64_t>(it->second.size()) == nmat) {
            std::vector<float> out(static_cast<std::size_t>(ne0 * nmat));
            for (std::int64_t j = 0; j < nmat; ++j) {
                const std::int64_t orig = it->second[static_cast<std::size_t>(j)];
                if (orig < 0 || orig >= have / ne0)
                    throw_input(im.path().string(), name, fmt::format("expert {} (original id {}) outside the imatrix's {} experts", j, orig, have / ne0));
                std::copy_n(e->begin() + orig * ne0, ne0, out.begin() + j * ne0);
            }
            note = fmt::format("experts mapped to the unpruned model's ids ({} of {})", nmat, have / ne0);
            return out;
        }
    }
    if (name == "token_embd.weight") {  // llama-quantize lets the embedding go without, too
        note = fmt::format("imatrix size {} is different from tensor size {}: not used", have, ne0 * nmat);
        return {};
    }
    throw_input(im.path().string(), name,
                fmt::format("imatrix size {} is different from tensor size {} (ne[0] {} x {} matrices){}", have, ne0 * nmat, ne0, nmat,
                            nmat > 1 && have % ne0 == 0 ? "; no moecut_provenance.json expert map fits" : ""));
}

void quantize_export_rows(const GgufExportTensor& t, std::int64_t first_row, const float* x, std::int64_t nrows, std::byte* out) {
    const std::int64_t ne0 = t.ne.empty() ? 1 : t.ne[0];
    if (t.imatrix.empty()) {
        quantize_row(t.type, x, nrows * ne0, out);
        return;
    }
    // llama_tensor_quantize_impl: chunks never cross an expert boundary; rows per expert = ne[1].
    const std::int64_t per_expert = t.ne.size() > 1 ? t.ne[1] : 1;
    const std::size_t row_bytes = ggml_nbytes(t.type, std::vector<std::int64_t>{ne0});
    for (std::int64_t r = 0; r < nrows;) {
        const std::int64_t g = first_row + r;
        const std::int64_t n = std::min(nrows - r, per_expert - g % per_expert);
        quantize_rows(t.type, x + r * ne0, n, ne0, t.imatrix.data() + (g / per_expert) * ne0, out + static_cast<std::size_t>(r) * row_bytes);
        r += n;
    }
}

} // namespace moecut
