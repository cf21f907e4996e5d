// OpenAIBackend against a scripted loopback HTTP server: the bytes sent (every
// sampling field, the key header), SSE split across writes, retries only
// before the first token, timeouts, aborts, concurrency.
#include "loopback_http.h"
#include "moecut/openai_backend.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

using moecut::CompletionRequest;
using moecut::CompletionResult;
using moecut::FinishReason;
using moecut::OpenAIBackend;
using moecut::OpenAIBackendOptions;
using moecut::ServerKind;
using moecut::testing::CapturedRequest;
using moecut::testing::LoopbackServer;
using moecut::testing::sse_head;
using nlohmann::json;

namespace {

bool answer_models(const CapturedRequest& rq, LoopbackServer::Conn& c) {
    if (rq.method != "GET") return false;
    std::string body = R"({"object":"list","data":[{"id":"tiny","object":"model"}]})";
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body);
    return true;
}

std::string chunk(const std::string& text, const char* finish = nullptr) {
    json j = {{"object", "text_completion"}, {"choices", {{{"index", 0}, {"text", text}, {"finish_reason", nullptr}}}}};
    if (finish) j["choices"][0]["finish_reason"] = finish;
    return "data: " + j.dump() + "\r\n\r\n";
}

OpenAIBackendOptions options(const std::string& url, ServerKind kind = ServerKind::llamacpp) {
    OpenAIBackendOptions o;
    o.base_url = url;
    o.kind = kind;
    o.backoff_initial_s = 0.01;
    o.backoff_max_s = 0.05;
    o.api_key_env = "MOECUT_TEST_LOOPBACK_KEY";
    return o;
}

CompletionRequest prompt_request(const std::string& id, moecut::SamplerSemantics sem = moecut::SamplerSemantics::llamacpp) {
    CompletionRequest r;
    r.id = id;
    r.prompt = "abc";
    r.max_tokens = 64;
    r.seed = 7;
    r.sampler.semantics = sem;
    return r;
}

std::vector<CompletionResult> run_all(OpenAIBackend& b, const std::vector<CompletionRequest>& rs,
                                      const OpenAIBackend::DeltaFn& on_delta = {}) {
    std::vector<CompletionResult> out;
    b.run(rs, [&](CompletionResult&& r) { out.push_back(std::move(r)); }, on_delta);
    return out;
}

} // namespace

TEST(OpenAILoopback, SendsEveryFieldAndTheKeyAndParsesAStreamSplitAtOddBytes) {
    LoopbackServer srv([](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        std::string all = chunk("de") + ": ping\r\n\r\n" + chunk("fg") + chunk("", "stop") + "data: [DONE]\r\n\r\n";
        c.send(sse_head());
        for (std::size_t i = 0; i < all.size(); i += 5) {  // 5-byte writes: splits every line and CRLF
            c.send(all.substr(i, 5));
            c.wait(1);
        }
    });
    ::setenv("MOECUT_TEST_LOOPBACK_KEY", "sk-loopback-secret", 1);
    OpenAIBackend b(options(srv.url() + "/v1/"));
    std::vector<std::string> seen;
    auto res = run_all(b, {prompt_request("r0")}, [&](const std::string& id, std::string_view text, auto) {
        seen.push_back(id + ":" + std::string(text));
        return true;
    });
    ::unsetenv("MOECUT_TEST_LOOPBACK_KEY");
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].content, "defg");
    EXPECT_EQ(res[0].finish, FinishReason::eos);
    EXPECT_EQ(res[0].attempts, 1);
    EXPECT_GE(res[0].ttft_s, 0);
    EXPECT_GE(res[0].total_s, res[0].ttft_s);
    EXPECT_EQ(seen, (std::vector<std::string>{"r0:de", "r0:fg"}));
    EXPECT_EQ(b.probe().model, "tiny");  // from GET /v1/models
    auto reqs = srv.requests();
    ASSERT_EQ(reqs.size(), 3u);  // GET /props, GET /v1/models, POST
    EXPECT_EQ(reqs[0].path, "/props");
    EXPECT_EQ(reqs[2].path, "/v1/completions");
    EXPECT_NE(reqs[2].headers.find("Authorization: Bearer sk-loopback-secret"), std::string::npos);
    json body = json::parse(reqs[2].body);
    EXPECT_EQ(body, b.request_body(prompt_request("r0")));
    for (const char* k : {"temperature", "top_k", "top_p", "min_p", "typical_p", "repeat_penalty", "repeat_last_n",
                          "presence_penalty", "frequency_penalty", "dry_multiplier", "seed", "max_tokens", "n_predict"})
        EXPECT_TRUE(body.contains(k)) << k;
    EXPECT_EQ(body["model"], "tiny");
    EXPECT_EQ(body["max_tokens"], 64);
}

TEST(OpenAILoopback, RetriesOn503And429BeforeTheFirstTokenOnly) {
    std::atomic<int> posts{0};
    LoopbackServer srv([&](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        int n = ++posts;
        if (n == 1) c.send("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy");
        else if (n == 2) c.send("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        else c.send(sse_head() + chunk("ok") + chunk("", "length") + "data: [DONE]\n\n");
    });
    OpenAIBackend b(options(srv.url()));
    auto res = run_all(b, {prompt_request("r")});
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].attempts, 3);
    EXPECT_EQ(res[0].finish, FinishReason::length);
    EXPECT_EQ(moecut::outcome_of(res[0], false), moecut::Outcome::runaway);
    EXPECT_EQ(res[0].content, "ok");
}

TEST(OpenAILoopback, OtherHttpErrorsAreNotRetried) {
    LoopbackServer srv([](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        c.send("HTTP/1.1 400 Bad Request\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"error\":\"bad top\"}");
    });
    auto res = [&] { OpenAIBackend b(options(srv.url())); return run_all(b, {prompt_request("r")}); }();
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].attempts, 1);
    EXPECT_EQ(res[0].finish, FinishReason::error);
    EXPECT_EQ(res[0].http_status, 400);
    EXPECT_NE(res[0].error.find("bad top"), std::string::npos);
}

TEST(OpenAILoopback, ConnectionRefusedIsRetriedThenAnError) {
    auto o = options("http://127.0.0.1:" + std::to_string(moecut::testing::unused_port()));
    o.model = "m";
    o.max_retries = 3;
    OpenAIBackend b(o);
    auto res = run_all(b, {prompt_request("r")});
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].attempts, 4);
    EXPECT_EQ(res[0].finish, FinishReason::error);
    EXPECT_FALSE(res[0].error.empty());
    EXPECT_EQ(b.probe().models, nullptr);
    EXPECT_FALSE(b.probe().notes.empty());
}

TEST(OpenAILoopback, StreamCutAfterTokensIsAnErrorAndNeverRetried) {
    std::atomic<int> posts{0};
    LoopbackServer srv([&](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        ++posts;
        c.send(sse_head() + chunk("partial"));  // then the connection closes: no finish_reason
    });
    OpenAIBackend b(options(srv.url()));
    auto res = run_all(b, {prompt_request("r")});
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(posts.load(), 1);
    EXPECT_EQ(res[0].attempts, 1);
    EXPECT_EQ(res[0].finish, FinishReason::error);
    EXPECT_EQ(res[0].content, "partial");
}

TEST(OpenAILoopback, WallClockTimeoutIsItsOwnOutcomeAndNotRetried) {
    std::atomic<int> posts{0};
    LoopbackServer srv([&](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        ++posts;
        c.send(sse_head() + chunk("slow"));
        while (c.wait(50) && c.send(": still thinking\n\n")) {}
    });
    auto o = options(srv.url());
    o.request_timeout_s = 0.4;
    OpenAIBackend b(o);
    auto t0 = std::chrono::steady_clock::now();
    auto res = run_all(b, {prompt_request("r")});
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::timeout);
    EXPECT_EQ(moecut::outcome_of(res[0], false), moecut::Outcome::timeout);
    EXPECT_EQ(res[0].content, "slow");
    EXPECT_EQ(posts.load(), 1);
    EXPECT_GE(res[0].total_s, 0.35);
    EXPECT_LT(took, 5.0);
}

TEST(OpenAILoopback, OnDeltaFalseAbortsAndClosesTheConnection) {
    std::atomic<int> sent{0};
    LoopbackServer srv([&](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        if (!c.send(sse_head())) return;
        while (c.send(chunk("mnl")) && c.wait(1)) ++sent;  // an endless loop until the client hangs up
    });
    OpenAIBackend b(options(srv.url()));
    int calls = 0;
    auto res = run_all(b, {prompt_request("r")}, [&](const std::string&, std::string_view, auto) { return ++calls < 5; });
    ASSERT_EQ(res.size(), 1u);
    EXPECT_EQ(res[0].finish, FinishReason::aborted);
    EXPECT_EQ(res[0].content, "mnlmnlmnlmnlmnl");
    EXPECT_EQ(moecut::outcome_of(res[0], true), moecut::Outcome::loop);
    for (int i = 0; i < 500 && srv.closed_connections() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(srv.closed_connections(), 3);  // the server saw the hang-up and stopped streaming
}

TEST(OpenAILoopback, ConcurrencyLimitIsHonouredAndEveryRequestFinishesOnce) {
    std::atomic<int> now{0}, peak{0};
    LoopbackServer srv([&](const CapturedRequest& rq, LoopbackServer::Conn& c) {
        if (answer_models(rq, c)) return;
        int n = ++now;
        for (int p = peak; n > p && !peak.compare_exchange_weak(p, n);) {}
        json body = json::parse(rq.body);
        c.send(sse_head());
        c.wait(30);
        c.send(chunk(body["prompt"].get<std::string>()) + chunk("", "stop") + "data: [DONE]\n\n");
        --now;
    });
    auto o = options(srv.url());
    o.concurrency = 3;
    OpenAIBackend b(o);
    std::vector<CompletionRequest> rs;
    for (int i = 0; i < 10; ++i) {
        rs.push_back(prompt_request("r" + std::to_string(i)));
        rs.back().prompt = "p" + std::to_string(i);
    }
    auto res = run_all(b, rs);
    ASSERT_EQ(res.size(), 10u);
    std::map<std::string, std::string> by_id;
    for (auto& r : res) by_id[r.id] = r.content;
    for (int i = 0; i < 10; ++i) EXPECT_EQ(by_id["r" + std::to_string(i)], "p" + std::to_string(i));
    EXPECT_EQ(peak.load(), 3);
}
