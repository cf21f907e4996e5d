// The tiny trained model's non-weight files (moecut/tiny_model.h) and the
// PNG writer of its loss plot (moecut/png_plot.h).
#include "moecut/arch.h"
#include "moecut/chat_template.h"
#include "moecut/png_plot.h"
#include "moecut/tiny_model.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace {

using namespace moecut;
using nlohmann::ordered_json;

TEST(TinyModelFiles, ConfigIsAGlm5LayoutWithEveryFeature) {
    const TinyModelSpec spec;
    const auto arch = ArchDescriptor::from_config(tiny_model_config(spec), "config.json");
    EXPECT_EQ(arch.family, Family::GlmMoeDsa);
    EXPECT_EQ(arch.attention.kind, AttentionKind::Mla);
    EXPECT_EQ(arch.router.scoring, Scoring::Sigmoid);
    EXPECT_TRUE(arch.router.correction_bias);
    EXPECT_EQ(arch.router.n_experts, 32);
    EXPECT_EQ(arch.router.top_k, 4);
    EXPECT_EQ(arch.n_shared_experts, 1);
    EXPECT_EQ(arch.dense_layers(), std::vector<int>{0});
    EXPECT_EQ(arch.moe_layers().size(), 4u);
    EXPECT_EQ(arch.num_mtp_layers, 1);
    ASSERT_TRUE(arch.indexer.has_value());
    EXPECT_EQ(arch.indexer->topk, spec.max_seq);  // training lengths never exceed it
    EXPECT_EQ(arch.indexer_full_layers(), (std::vector<int>{0, 1, 3}));
    EXPECT_EQ(arch.indexer_shared_layers(), (std::vector<int>{2, 4}));
    // eos ids name the special tokens.
    const auto& sp = tiny_special_tokens();
    EXPECT_EQ(sp.at(static_cast<std::size_t>(arch.eos_token_ids.at(0))), "<|endoftext|>");
    EXPECT_EQ(sp.at(static_cast<std::size_t>(arch.eos_token_ids.at(1))), "<|user|>");
    EXPECT_EQ(tiny_generation_config().at("eos_token_id"), tiny_model_config(spec).at("eos_token_id"));
}

TEST(TinyModelFiles, ChatTemplateRendersGlmStyle) {
    const auto cfg = tiny_tokenizer_config(TinyModelSpec{});
    ChatTemplate t(cfg.at("chat_template").get<std::string>(), std::nullopt, cfg.at("eos_token").get<std::string>());
    const ordered_json messages = ordered_json::array(
        {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", "Hi"}},
         {{"role", "assistant"}, {"content", "Hello."}}, {{"role", "user"}, {"content", "Bye"}}});
    EXPECT_EQ(t.render(messages, nullptr, true),
              "[gMASK]<sop><|system|>\nBe brief.<|user|>\nHi<|assistant|>\nHello.<|user|>\nBye<|assistant|>\n");
    EXPECT_EQ(t.render(ordered_json::array({{{"role", "user"}, {"content", "x"}}}), nullptr, false),
              "[gMASK]<sop><|user|>\nx");
}

TEST(PngPlot, ChecksumsAndStoredDeflate) {
    const std::string abc = "abc";
    const auto* p = reinterpret_cast<const std::uint8_t*>(abc.data());
    EXPECT_EQ(crc32(p, 3), 0x352441C2u);   // CRC-32 of "abc"
    EXPECT_EQ(adler32(p, 3), 0x024D0127u); // Adler-32 of "abc"

    RgbImage im(300, 300);  // 300 * 901 bytes of rows: two stored blocks
    im.set(1, 2, 10, 20, 30);
    const std::string png = encode_png(im);
    ASSERT_GT(png.size(), 300u * 901u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_EQ(png.substr(png.size() - 8, 4), "IEND");
    // The IHDR chunk's CRC covers its type and data.
    const auto* b = reinterpret_cast<const std::uint8_t*>(png.data());
    const std::uint32_t crc = (std::uint32_t{b[29]} << 24) | (std::uint32_t{b[30]} << 16) | (std::uint32_t{b[31]} << 8) | b[32];
    EXPECT_EQ(crc, crc32(b + 12, 17));
    EXPECT_EQ(encode_png(im), png);  // deterministic
}

} // namespace
