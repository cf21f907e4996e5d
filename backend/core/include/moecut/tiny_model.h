// The files of the embedded tiny GLM-5-layout model that `moecut train-tiny`
// trains (resources/models/tiny-glm5-moe): its config.json, tokenizer
// settings, chat template and generation config. The weights come from the
// engine's trainer (moecut/engine/tiny_trainer.h).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace moecut {

// Sizes of the tiny model (the defaults are the shipped model's).
struct TinyModelSpec {
    std::int64_t vocab_size = 2048;       // total, special tokens included
    std::int64_t hidden = 128;
    std::int64_t layers = 5;              // first one dense, the rest MoE
    std::int64_t experts = 32;
    std::int64_t top_k = 4;
    std::int64_t moe_intermediate = 64;   // one routed expert (and the shared one)
    std::int64_t dense_intermediate = 384;
    std::int64_t heads = 4;
    std::int64_t max_seq = 128;           // training length; also index_topk
};

// Special tokens, in id order (0 = <|endoftext|>, the end of a document).
const std::vector<std::string>& tiny_special_tokens();

// config.json (model_type glm_moe_dsa, GlmMoeDsaForCausalLM) with the DSA
// indexer schedule full/full/shared/full/shared..., one MTP layer and
// index_topk = max_seq (so the indexer keeps every key of a training sequence).
nlohmann::json tiny_model_config(const TinyModelSpec& spec);

// The GLM-style chat template: [gMASK]<sop><|system|>\n...<|user|>\n...<|assistant|>\n.
const std::string& tiny_chat_template();

// tokenizer_config.json (PreTrainedTokenizerFast, the chat template, eos/pad tokens).
nlohmann::json tiny_tokenizer_config(const TinyModelSpec& spec);

// generation_config.json: eos = <|endoftext|>, <|user|>, <|observation|> (as GLM does).
nlohmann::json tiny_generation_config();

} // namespace moecut
