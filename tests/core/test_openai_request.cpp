// Request bodies per server kind and the stream decoder's finish-reason
// mapping, token ids and error events (no network).
#include "moecut/error.h"
#include "moecut/openai_client.h"
#include "moecut/openai_stream.h"

#include <gtest/gtest.h>

using moecut::CompletionRequest;
using moecut::CompletionResult;
using moecut::FinishReason;
using moecut::ServerKind;
using nlohmann::json;

namespace {

CompletionRequest chat_request() {
    CompletionRequest r;
    r.id = "p1/s0";
    r.messages = json::array({{{"role", "user"}, {"content", "hi"}}});
    r.max_tokens = 777;
    r.seed = 0x123456789abcdefULL;
    r.sampler.temperature = 0.7;
    r.sampler.top_k = 20;
    r.sampler.top_p = 0.9;
    r.sampler.min_p = 0.05;
    return r;
}

} // namespace

TEST(OpenAIRequest, VllmChatSendsEveryFieldWithItsNamesAndTheCap) {
    CompletionRequest r = chat_request();
    r.sampler.repetition_penalty = 1.1;
    r.sampler.presence_penalty = 0.5;
    json b = moecut::build_request_body(ServerKind::vllm, "m", r);
    for (const char* k : {"temperature", "top_p", "top_k", "min_p", "repetition_penalty", "presence_penalty",
                          "frequency_penalty", "seed", "max_tokens", "max_completion_tokens", "messages"})
        EXPECT_TRUE(b.contains(k)) << k;
    EXPECT_FALSE(b.contains("repeat_penalty"));
    EXPECT_FALSE(b.contains("prompt"));
    EXPECT_EQ(b["model"], "m");
    EXPECT_EQ(b["max_tokens"], 777);
    EXPECT_EQ(b["max_completion_tokens"], 777);
    EXPECT_EQ(b["stream"], true);
    EXPECT_EQ(b["stream_options"]["include_usage"], true);
    EXPECT_EQ(b["return_token_ids"], true);
    EXPECT_DOUBLE_EQ(b["repetition_penalty"].get<double>(), 1.1);
    EXPECT_EQ(b["top_k"], 20);
    EXPECT_EQ(b["seed"].get<std::int64_t>(), 0x123456789abcdefLL);
    EXPECT_EQ(std::string(moecut::request_path(r)), "/v1/chat/completions");
}

TEST(OpenAIRequest, TopKOffIsMinusOneOnVllmAndSglangAndZeroOnLlamacpp) {
    CompletionRequest r = chat_request();
    r.sampler.top_k = 0;
    EXPECT_EQ(moecut::build_request_body(ServerKind::vllm, "m", r)["top_k"], -1);
    EXPECT_EQ(moecut::build_request_body(ServerKind::sglang, "m", r)["top_k"], -1);
    r.sampler.semantics = moecut::SamplerSemantics::llamacpp;
    r.sampler.temperature = 1;
    EXPECT_EQ(moecut::build_request_body(ServerKind::llamacpp, "m", r)["top_k"], 0);
}

TEST(OpenAIRequest, LlamacppUsesItsNamesAndNeutralisesItsOtherSamplers) {
    CompletionRequest r = chat_request();
    r.prompt = "abc";
    r.messages = nullptr;
    r.sampler.semantics = moecut::SamplerSemantics::llamacpp;
    r.sampler.repetition_penalty = 1.2;
    r.sampler.penalty_last_n = 128;
    json b = moecut::build_request_body(ServerKind::llamacpp, "m", r);
    EXPECT_EQ(std::string(moecut::request_path(r)), "/v1/completions");
    EXPECT_EQ(b["prompt"], "abc");
    EXPECT_DOUBLE_EQ(b["repeat_penalty"].get<double>(), 1.2);
    EXPECT_EQ(b["repeat_last_n"], 128);
    EXPECT_FALSE(b.contains("repetition_penalty"));
    EXPECT_FALSE(b.contains("max_completion_tokens"));  // completions endpoint
    EXPECT_EQ(b["max_tokens"], 777);
    EXPECT_EQ(b["n_predict"], 777);
    EXPECT_DOUBLE_EQ(b["typical_p"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(b["dry_multiplier"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ(b["xtc_probability"].get<double>(), 0.0);
    EXPECT_EQ(b["mirostat"], 0);
    EXPECT_EQ(b["n_probs"], 1);
    EXPECT_EQ(b["samplers"].back(), "temperature");
    std::uint64_t seed = b["seed"].get<std::uint64_t>();
    EXPECT_LT(seed, 0xffffffffULL);  // uint32 and never LLAMA_DEFAULT_SEED (random)
    r.seed = 0xffffffffULL;  // folds to 0xffffffff: must be moved off the "random" value
    EXPECT_EQ(moecut::build_request_body(ServerKind::llamacpp, "m", r)["seed"].get<std::uint64_t>(), 0xfffffffeULL);
}

TEST(OpenAIRequest, OpenAIGetsOnlyItsFieldsAndRefusesWhatItCannotExpress) {
    CompletionRequest r = chat_request();
    EXPECT_THROW(moecut::build_request_body(ServerKind::openai, "m", r), moecut::InputError);  // top_k, min_p
    r.sampler.top_k = 0;
    r.sampler.min_p = 0;
    json b = moecut::build_request_body(ServerKind::openai, "gpt", r);
    EXPECT_FALSE(b.contains("max_tokens"));  // chat: max_completion_tokens only
    EXPECT_EQ(b["max_completion_tokens"], 777);
    for (const char* k : {"top_k", "min_p", "repetition_penalty", "repeat_penalty", "return_token_ids"})
        EXPECT_FALSE(b.contains(k)) << k;
    r.sampler.repetition_penalty = 1.05;
    EXPECT_THROW(moecut::build_request_body(ServerKind::openai, "gpt", r), moecut::InputError);
}

TEST(OpenAIRequest, PenaltySemanticsMustMatchTheServer) {
    CompletionRequest r = chat_request();
    r.sampler.repetition_penalty = 1.1;  // vllm semantics (the default)
    EXPECT_THROW(moecut::build_request_body(ServerKind::llamacpp, "m", r), moecut::InputError);
    r.sampler.semantics = moecut::SamplerSemantics::hf;  // same ids counted as vLLM
    EXPECT_NO_THROW(moecut::build_request_body(ServerKind::vllm, "m", r));
    r.sampler.semantics = moecut::SamplerSemantics::llamacpp;
    EXPECT_THROW(moecut::build_request_body(ServerKind::vllm, "m", r), moecut::InputError);
    r.sampler.repetition_penalty = 1;  // min_p with T != 1: different order on llama.cpp
    EXPECT_THROW(moecut::build_request_body(ServerKind::vllm, "m", r), moecut::InputError);
    r.sampler.temperature = 1;
    EXPECT_NO_THROW(moecut::build_request_body(ServerKind::vllm, "m", r));
}

TEST(OpenAIRequest, BadRequestsAreInputErrors) {
    CompletionRequest r = chat_request();
    r.max_tokens = 0;
    EXPECT_THROW(moecut::build_request_body(ServerKind::vllm, "m", r), moecut::InputError);
    r = chat_request();
    r.prompt = "both";
    EXPECT_THROW(moecut::build_request_body(ServerKind::vllm, "m", r), moecut::InputError);
    r = chat_request();
    r.sampler.top_p = 0;
    EXPECT_THROW(moecut::build_request_body(ServerKind::vllm, "m", r), moecut::InputError);
    EXPECT_THROW(moecut::parse_server_kind("tgi", "--server"), moecut::InputError);
    EXPECT_EQ(moecut::parse_server_kind("sglang", "--server"), ServerKind::sglang);
}

namespace {

CompletionResult decode(const std::vector<std::string>& events, std::vector<std::string>* deltas = nullptr) {
    CompletionResult r;
    moecut::StreamDecoder d(r);
    moecut::StreamDelta delta;
    for (const auto& e : events)
        if (d.on_data(e, delta) && deltas) deltas->push_back(delta.text);
    d.end_of_stream();
    return r;
}

} // namespace

TEST(StreamDecoder, ChatReasoningContentUsageAndEos) {
    std::vector<std::string> deltas;
    auto r = decode({R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]})",
                     R"({"choices":[{"index":0,"delta":{"reasoning_content":"think "},"finish_reason":null}]})",
                     R"({"choices":[{"index":0,"delta":{"reasoning":"more"},"finish_reason":null}]})",
                     R"({"choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]})",
                     R"({"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":null}]})",
                     R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}})",
                     "[DONE]"},
                    &deltas);
    EXPECT_EQ(r.reasoning, "think more");
    EXPECT_EQ(r.content, "Hello");
    EXPECT_EQ(deltas, (std::vector<std::string>{"think ", "more", "Hello"}));
    EXPECT_EQ(r.finish, FinishReason::eos);
    ASSERT_TRUE(r.usage.has_value());
    EXPECT_EQ(r.usage->completion_tokens, 4);
    EXPECT_EQ(moecut::outcome_of(r, false), moecut::Outcome::eos);
    EXPECT_EQ(moecut::outcome_of(r, true), moecut::Outcome::loop);
}

TEST(StreamDecoder, FinishReasonMapping) {
    auto fin = [](const std::string& reason, const std::string& stop_reason = "null") {
        return decode({R"({"choices":[{"text":"x","finish_reason":")" + reason + R"(","stop_reason":)" + stop_reason + "}]}"});
    };
    EXPECT_EQ(fin("stop").finish, FinishReason::eos);
    EXPECT_EQ(fin("stop", "151645").finish, FinishReason::eos);  // a stop token id (e.g. <|im_end|>)
    EXPECT_EQ(fin("stop", "\"END\"").finish, FinishReason::stop_sequence);
    EXPECT_EQ(fin("length").finish, FinishReason::length);
    EXPECT_EQ(moecut::outcome_of(fin("length"), false), moecut::Outcome::runaway);
    EXPECT_EQ(fin("repetition", "\"repetition_detected\"").finish, FinishReason::repetition);
    EXPECT_EQ(moecut::outcome_of(fin("repetition"), false), moecut::Outcome::loop);
    EXPECT_EQ(fin("tool_calls").finish, FinishReason::eos);
    EXPECT_EQ(fin("abort").finish, FinishReason::error);
    EXPECT_EQ(fin("content_filter").finish, FinishReason::error);
    EXPECT_EQ(decode({R"({"choices":[{"text":"x","finish_reason":null}]})"}).finish, FinishReason::error);
}

TEST(StreamDecoder, TokenIdsFromVllmAndFromLlamacppLogprobs) {
    auto v = decode({R"({"choices":[{"text":"ab","token_ids":[5,6],"finish_reason":null}]})",
                     R"({"choices":[{"text":"c","token_ids":[7],"finish_reason":"length"}]})"});
    EXPECT_EQ(v.token_ids, (std::vector<std::int64_t>{5, 6, 7}));
    auto l = decode({R"({"choices":[{"delta":{"content":"a"},"logprobs":{"content":[{"id":42,"token":"a","logprob":-0.1}]}}]})",
                     R"({"choices":[{"delta":{},"finish_reason":"stop"}]})"});
    EXPECT_EQ(l.token_ids, (std::vector<std::int64_t>{42}));
    EXPECT_EQ(l.content, "a");
}

TEST(StreamDecoder, ErrorEventKeepsPartialTextAndIgnoresTheRest) {
    auto r = decode({R"({"choices":[{"delta":{"content":"par"}}]})", R"({"choices":[{"delta":{"content":"tial"}}]})",
                     R"({"error":{"message":"CUDA out of\nmemory","code":500}})",
                     R"({"choices":[{"delta":{"content":"late"},"finish_reason":"stop"}]})"});
    EXPECT_EQ(r.content, "partial");
    EXPECT_EQ(r.finish, FinishReason::error);
    EXPECT_NE(r.error.find("CUDA out of memory"), std::string::npos);  // one line
    EXPECT_EQ(moecut::outcome_of(r, false), moecut::Outcome::error);
    EXPECT_EQ(decode({"not json"}).finish, FinishReason::error);
}
