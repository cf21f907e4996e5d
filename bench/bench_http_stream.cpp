// Client overhead per streamed token of the OpenAI-compatible backend.
//
// A loopback server (tests/core/loopback_http.h) answers each request with N
// pre-formatted SSE chunks, one token each (vLLM-style completions chunks with
// token_ids, ~230 bytes), written in 64 KiB blocks as fast as the socket takes
// them, so the figures measure our side: libcurl receive, SSE framing, JSON
// chunk decoding, the on_delta callback. Reported per token:
//   decode   CPU time of SseParser + StreamDecoder on an in-memory stream (no sockets)
//   client   CPU time of the thread that called run() (curl + parse + callbacks)
//   wall     elapsed time / tokens (server and client share the machine)
//
//   bench_http_stream [tokens_per_request=200000]
#include "loopback_http.h"
#include "moecut/openai_backend.h"
#include "moecut/sse_parser.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

using namespace moecut;

namespace {

std::string make_stream(std::size_t tokens) {
    std::string s;
    s.reserve(tokens * 240 + 64);
    for (std::size_t i = 0; i < tokens; ++i) {
        bool last = i + 1 == tokens;
        s += fmt::format(
            "data: {{\"id\":\"cmpl-8f2c1d\",\"object\":\"text_completion\",\"created\":1764300000,\"model\":\"bench\","
            "\"choices\":[{{\"index\":0,\"text\":\" tok{}\",\"token_ids\":[{}],\"logprobs\":null,\"finish_reason\":{},"
            "\"stop_reason\":null}}],\"usage\":null}}\n\n",
            i % 1000, 1000 + i % 50000, last ? "\"length\"" : "null");
    }
    s += "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":" + std::to_string(tokens) + "}}\n\n";
    s += "data: [DONE]\n\n";
    return s;
}

double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double now_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

void decode_only(const std::string& stream, std::size_t tokens) {
    double best = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
        double t0 = thread_cpu_s();
        CompletionResult r;
        StreamDecoder dec(r);
        StreamDelta d;
        SseParser sse;
        std::size_t deltas = 0;
        auto cb = [&](const SseEvent& e) { deltas += dec.on_data(e.data, d); };
        for (std::size_t off = 0; off < stream.size(); off += 16384)
            sse.feed(std::string_view(stream).substr(off, 16384), cb);
        sse.finish(cb);
        dec.end_of_stream();
        best = std::min(best, thread_cpu_s() - t0);
        if (deltas != tokens || r.finish != FinishReason::length) std::abort();
    }
    fmt::print("decode only (SSE + JSON chunk, in memory): CPU {:6.0f} ns/token\n", best / static_cast<double>(tokens) * 1e9);
}

void over_http(const std::string& stream, std::size_t tokens, int concurrency) {
    testing::LoopbackServer srv([&](const testing::CapturedRequest& rq, testing::LoopbackServer::Conn& c) {
        if (rq.method == "GET") {
            std::string body = R"({"data":[{"id":"bench"}]})";
            c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
            return;
        }
        c.send(testing::sse_head());
        for (std::size_t off = 0; off < stream.size(); off += 65536)
            if (!c.send(stream.substr(off, 65536))) return;
    });
    OpenAIBackendOptions o;
    o.base_url = srv.url();
    o.kind = ServerKind::vllm;
    o.concurrency = concurrency;
    OpenAIBackend backend(o);
    backend.probe();
    std::vector<CompletionRequest> rs(static_cast<std::size_t>(concurrency));
    for (int i = 0; i < concurrency; ++i) {
        rs[static_cast<std::size_t>(i)].id = "r" + std::to_string(i);
        rs[static_cast<std::size_t>(i)].prompt = "bench";
        rs[static_cast<std::size_t>(i)].max_tokens = static_cast<std::int64_t>(tokens);
    }
    std::size_t seen = 0, ids = 0;
    double cpu0 = thread_cpu_s(), t0 = now_s();
    backend.run(
        rs, [&](CompletionResult&& r) { if (r.finish != FinishReason::length) std::abort(); },
        [&](const std::string&, std::string_view text, std::span<const std::int64_t> new_ids) {
            seen += !text.empty();
            ids += new_ids.size();
            return true;
        });
    double wall = now_s() - t0, cpu = thread_cpu_s() - cpu0;
    std::size_t total = tokens * static_cast<std::size_t>(concurrency);
    if (seen != total || ids != total) std::abort();
    fmt::print("HTTP, {} stream(s) x {} tokens:   client CPU {:6.0f} ns/token, wall {:6.0f} ns/token ({:.2f} M tokens/s)\n",
               concurrency, tokens, cpu / static_cast<double>(total) * 1e9, wall / static_cast<double>(total) * 1e9,
               static_cast<double>(total) / wall * 1e-6);
}

} // namespace

int main(int argc, char** argv) {
    std::size_t tokens = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
    std::string stream = make_stream(tokens);
    fmt::print("stream: {} tokens, {:.1f} MB, {:.0f} bytes/chunk\n", tokens, static_cast<double>(stream.size()) / 1e6,
               static_cast<double>(stream.size()) / static_cast<double>(tokens));
    decode_only(stream, tokens);
    over_http(stream, tokens, 1);
    std::string quarter = make_stream(tokens / 4);
    over_http(quarter, tokens / 4, 4);
    return 0;
}
