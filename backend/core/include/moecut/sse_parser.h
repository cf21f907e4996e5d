// Incremental Server-Sent Events parser (the text/event-stream framing of
// OpenAI-compatible streaming APIs, WHATWG HTML §9.2.6).
//
// Feed it the response body in whatever pieces the socket delivers; an event
// may be split at any byte, including between the CR and LF of a CRLF. Each
// complete event (terminated by a blank line) is handed to the callback:
//
//   SseParser sse;
//   sse.feed(bytes, [&](const SseEvent& e) {
//       if (e.data == "[DONE]") return;            // OpenAI end-of-stream marker
//       handle(nlohmann::json::parse(e.data));
//   });
//   sse.finish(on_event);                           // at end of body
//
// Rules: lines end in LF, CRLF or CR; "field:value" with one optional space
// after the colon ("data:x" == "data: x"); several data lines join with '\n';
// lines starting with ':' are comments (keep-alive pings) and are ignored;
// unknown fields are ignored; an event with no data line is not dispatched.
// A line longer than max_line_bytes throws InputError (a broken server must
// not make the client buffer without bound).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace moecut {

struct SseEvent {
    std::string event;  // "event:" field; empty = "message"
    std::string data;   // data lines joined with '\n'
    std::string id;     // "id:" field
};

class SseParser {
public:
    using Callback = std::function<void(const SseEvent&)>;

    explicit SseParser(std::size_t max_line_bytes = std::size_t{64} << 20)
        : max_line_(max_line_bytes) {}

    // Consumes bytes; calls on_event once per complete event, in order.
    void feed(std::string_view bytes, const Callback& on_event);
    // End of stream: a last event that has data but lacks its blank line is
    // dispatched (servers that close right after "data: [DONE]\n" exist).
    void finish(const Callback& on_event);
    // Events dispatched so far.
    std::size_t events() const { return events_; }

private:
    void line(std::string_view text, const Callback& on_event);
    void dispatch(const Callback& on_event);

    std::size_t max_line_;
    std::string partial_;      // bytes of the current unfinished line
    bool after_cr_ = false;    // last byte fed was CR: a following LF belongs to it
    bool has_data_ = false;
    SseEvent current_;
    std::size_t events_ = 0;
};

} // namespace moecut
