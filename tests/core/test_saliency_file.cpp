// Saliency files: statistics from running sums, the on-disk form, and
// rejection of malformed files.
#include "moecut/error.h"
#include "moecut/safetensors.h"
#include "moecut/safetensors_writer.h"
#include "moecut/saliency_file.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace moecut {
namespace {

using test::TempDir;

// Two trunk MoE layers and one MTP layer, 4 experts, domains all and code.
SaliencyTable sample_table() {
    SaliencyTable t;
    t.layers = {1, 2, 5};
    t.mtp_layers = {5};
    t.experts = 4;
    t.model_type = "glm_moe_dsa";
    t.model_hash = "sha256:abc";
    t.data_hash = "sha256:def";
    t.top_k = 2;
    t.extra["gate"] = "model-faithful";
    SaliencySums s;
    s.resize(3, 4);
    for (std::size_t i = 0; i < 12; ++i) {
        s.count[i] = static_cast<double>(i % 4 == 3 ? 0 : 10 * (i + 1));  // expert 3 never routed
        s.gate_sum[i] = 0.5 * s.count[i];
        s.reap_sum[i] = 2.0 * static_cast<double>(i) * s.count[i];
        s.norm_sum[i] = 3.0 * s.count[i];
        s.norm_max[i] = s.count[i] > 0 ? 7.0 + static_cast<double>(i) : 0.0;
    }
    t.set_domain("code", s, 1000);
    for (auto& v : s.count) v *= 2;
    t.set_domain("all", s, 4000);
    return t;
}

TEST(SaliencyFile, StatisticsFromSums) {
    const SaliencyTable t = sample_table();
    ASSERT_EQ(t.domains, (std::vector<std::string>{"all", "code"}));  // "all" first
    // Row 1, expert 1: i = 5, count 60 (code) / 120 (all).
    EXPECT_FLOAT_EQ(t.at("count", "code", 1, 1), 60.0f);
    EXPECT_FLOAT_EQ(t.at("gate_sum", "code", 1, 1), 30.0f);
    EXPECT_FLOAT_EQ(t.at("reap", "code", 1, 1), 10.0f);       // 2 * 5 * 60 / 60
    EXPECT_FLOAT_EQ(t.at("frequency", "code", 1, 1), 0.06f);  // 60 / 1000
    EXPECT_FLOAT_EQ(t.at("ean", "code", 1, 1), 0.18f);        // 3 * 60 / 1000
    EXPECT_FLOAT_EQ(t.at("norm_max", "code", 1, 1), 12.0f);
    EXPECT_FLOAT_EQ(t.at("count", "all", 1, 1), 120.0f);
    EXPECT_FLOAT_EQ(t.at("frequency", "all", 1, 1), 0.03f);   // 120 / 4000
    // An expert never routed scores 0 everywhere.
    for (const auto& s : saliency_statistics()) EXPECT_EQ(t.at(s, "all", 2, 3), 0.0f) << s;
    EXPECT_EQ(t.tokens.at("all"), 4000u);
}

TEST(SaliencyFile, RoundTripAndOnDiskForm) {
    TempDir tmp;
    const auto path = tmp / "sal.safetensors";
    const SaliencyTable t = sample_table();
    write_saliency_file(path, t);

    // The file itself: F32 [rows, experts] tensors named <statistic>.<domain>.
    const SafetensorsFile f = SafetensorsFile::open(path);
    EXPECT_EQ(f.tensors().size(), 12u);
    for (const auto& s : saliency_statistics())
        for (const std::string d : {"all", "code"}) {
            const TensorInfo* ti = f.find(s + "." + d);
            ASSERT_NE(ti, nullptr) << s << "." << d;
            EXPECT_EQ(ti->dtype, DType::F32);
            EXPECT_EQ(ti->shape, (std::vector<std::int64_t>{3, 4}));
        }
    EXPECT_EQ(f.metadata().at("layers"), "[1,2,5]");
    EXPECT_EQ(f.metadata().at("mtp_layers"), "[5]");
    EXPECT_EQ(f.metadata().at("moecut.saliency"), "1");
    EXPECT_EQ(f.metadata().at("gate"), "model-faithful");

    const SaliencyTable r = read_saliency_file(path);
    EXPECT_EQ(r.layers, t.layers);
    EXPECT_EQ(r.mtp_layers, t.mtp_layers);
    EXPECT_EQ(r.experts, 4);
    EXPECT_EQ(r.domains, t.domains);
    EXPECT_EQ(r.tokens, t.tokens);
    EXPECT_EQ(r.model_type, "glm_moe_dsa");
    EXPECT_EQ(r.model_hash, "sha256:abc");
    EXPECT_EQ(r.data_hash, "sha256:def");
    EXPECT_EQ(r.top_k, 2);
    EXPECT_EQ(r.n_group, 1);
    EXPECT_EQ(r.extra.at("gate"), "model-faithful");
    EXPECT_EQ(r.values, t.values);
}

// A file written by hand with the given tensors and metadata.
void write_raw(const std::filesystem::path& path, std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes,
               std::map<std::string, std::string> meta, float fill = 1.0f) {
    std::vector<TensorToWrite> tensors;
    for (auto& [name, shape] : shapes) {
        std::int64_t n = 1;
        for (auto d : shape) n *= d;
        auto v = std::make_shared<std::vector<float>>(static_cast<std::size_t>(n), fill);
        tensors.push_back({name, DType::F32, shape,
                           [v](ByteSink& s) { s.write(std::as_bytes(std::span<const float>(v->data(), v->size()))); }});
    }
    write_safetensors_file(path, tensors, meta);
}

std::vector<std::pair<std::string, std::vector<std::int64_t>>> all_six(std::vector<std::int64_t> shape) {
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out;
    for (const auto& s : saliency_statistics()) out.push_back({s + ".all", shape});
    return out;
}

std::string read_error(const std::filesystem::path& p) {
    try {
        read_saliency_file(p);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(SaliencyFile, RejectsMalformedFiles) {
    TempDir tmp;
    const std::map<std::string, std::string> meta = {
        {"moecut.saliency", "1"}, {"layers", "[3,4]"}, {"domains", "[\"all\"]"}, {"top_k", "2"}};
    const auto ok = tmp / "ok.safetensors";
    write_raw(ok, all_six({2, 8}), meta);
    EXPECT_EQ(read_saliency_file(ok).experts, 8);

    const auto p = tmp / "bad.safetensors";
    auto shapes = all_six({2, 8});
    shapes.pop_back();  // no norm_max.all
    write_raw(p, shapes, meta);
    EXPECT_NE(read_error(p).find("norm_max.all: missing"), std::string::npos) << read_error(p);

    write_raw(p, all_six({3, 8}), meta);  // 3 rows, 2 layers
    EXPECT_NE(read_error(p).find("rows = 2"), std::string::npos) << read_error(p);

    auto no_format = meta;
    no_format.erase("moecut.saliency");
    write_raw(p, all_six({2, 8}), no_format);
    EXPECT_NE(read_error(p).find("not a moecut saliency file"), std::string::npos);

    auto no_all = meta;
    no_all["domains"] = "[\"code\"]";
    write_raw(p, all_six({2, 8}), no_all);
    EXPECT_NE(read_error(p).find("no domain \"all\""), std::string::npos) << read_error(p);

    write_raw(p, all_six({2, 8}), meta, std::numeric_limits<float>::quiet_NaN());
    EXPECT_NE(read_error(p).find("not a finite non-negative number"), std::string::npos) << read_error(p);

    auto bad_layers = meta;
    bad_layers["layers"] = "[3,3]";
    write_raw(p, all_six({2, 8}), bad_layers);
    EXPECT_NE(read_error(p).find("a layer appears in two rows"), std::string::npos) << read_error(p);

    // Writing refuses an invalid table too (no "all" domain).
    SaliencyTable t = sample_table();
    t.domains = {"code"};
    EXPECT_THROW(write_saliency_file(tmp / "w.safetensors", t), InputError);
    EXPECT_FALSE(std::filesystem::exists(tmp / "w.safetensors"));
}

TEST(SaliencyFile, DomainNames) {
    EXPECT_TRUE(valid_domain_name("all"));
    EXPECT_TRUE(valid_domain_name("tool-use_2"));
    EXPECT_FALSE(valid_domain_name(""));
    EXPECT_FALSE(valid_domain_name("a.b"));
    EXPECT_FALSE(valid_domain_name("a b"));
}

} // namespace
} // namespace moecut
