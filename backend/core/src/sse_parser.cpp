// Incremental Server-Sent Events parsing (see moecut/sse_parser.h).
#include "moecut/sse_parser.h"

#include "moecut/error.h"

#include <string>

namespace moecut {

void SseParser::feed(std::string_view bytes, const Callback& on_event) {
    std::size_t i = 0;
    if (after_cr_ && !bytes.empty()) {
        after_cr_ = false;
        if (bytes[0] == '\n') i = 1;  // the LF of a CRLF split across reads
    }
    while (i < bytes.size()) {
        std::size_t end = bytes.find_first_of("\r\n", i);
        if (end == std::string_view::npos) {
            if (partial_.size() + (bytes.size() - i) > max_line_)
                throw InputError("SSE stream: line longer than " + std::to_string(max_line_) + " bytes");
            partial_.append(bytes.substr(i));
            return;
        }
        std::string_view piece = bytes.substr(i, end - i);
        if (partial_.empty()) {
            line(piece, on_event);
        } else {
            partial_.append(piece);
            std::string whole;
            whole.swap(partial_);
            line(whole, on_event);
        }
        if (bytes[end] == '\r') {
            if (end + 1 < bytes.size()) {
                i = end + (bytes[end + 1] == '\n' ? 2 : 1);
            } else {
                after_cr_ = true;
                i = end + 1;
            }
        } else {
            i = end + 1;
        }
    }
}

void SseParser::finish(const Callback& on_event) {
    if (!partial_.empty()) {
        std::string whole;
        whole.swap(partial_);
        line(whole, on_event);
    }
    after_cr_ = false;
    dispatch(on_event);
}

void SseParser::line(std::string_view text, const Callback& on_event) {
    if (text.empty()) {
        dispatch(on_event);
        return;
    }
    if (text[0] == ':') return;  // comment / keep-alive
    std::string_view field = text, value;
    if (auto colon = text.find(':'); colon != std::string_view::npos) {
        field = text.substr(0, colon);
        value = text.substr(colon + 1);
        if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) current_.data.push_back('\n');
        current_.data.append(value);
        has_data_ = true;
    } else if (field == "event") {
        current_.event.assign(value);
    } else if (field == "id") {
        current_.id.assign(value);
    }  // "retry" and unknown fields: ignored
}

void SseParser::dispatch(const Callback& on_event) {
    if (has_data_) {
        ++events_;
        on_event(current_);
    }
    current_.data.clear();
    current_.event.clear();
    has_data_ = false;
}

} // namespace moecut
