// Fuzzes what a server sends back: the SSE framing (SseParser) fed in pieces
// whose sizes come from the input, and every event's data through the stream
// decoder (StreamDecoder) that builds a CompletionResult. Any bytes must give
// events and a result (possibly an error one) or an InputError with a
// one-line message: no crash, no other exception, and the same events
// whatever the split.
#include "moecut/error.h"
#include "moecut/openai_stream.h"
#include "moecut/sse_parser.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string> events_of(std::string_view body, std::size_t piece) {
    moecut::SseParser sse(4096);
    std::vector<std::string> out;
    auto on = [&](const moecut::SseEvent& e) { out.push_back(e.data); };
    for (std::size_t i = 0; i < body.size(); i += piece) sse.feed(body.substr(i, piece), on);
    sse.finish(on);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t piece = 1 + data[0] % 17;
    const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string> a, b;
    try {
        a = events_of(body, piece);
        b = events_of(body, body.size() + 1);
    } catch (const moecut::InputError& e) {
        if (std::string_view(e.what()).find('\n') != std::string_view::npos) std::abort();
        return 0;
    }
    if (a != b) std::abort();  // the split must not change the events
    moecut::CompletionResult r;
    r.id = "fuzz";
    moecut::StreamDecoder dec(r);
    moecut::StreamDelta delta;
    for (const auto& d : a) {
        if (dec.done()) break;
        (void)dec.on_data(d, delta);
    }
    if (!dec.done()) dec.end_of_stream();
    (void)moecut::outcome_of(r, false);
    return 0;
}
