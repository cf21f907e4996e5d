// SseParser: framing rules of text/event-stream and events split at every byte.
#include "moecut/error.h"
#include "moecut/sse_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using moecut::SseEvent;
using moecut::SseParser;

namespace {

std::vector<std::string> parse_in_pieces(const std::string& stream, const std::vector<std::size_t>& cuts) {
    SseParser p;
    std::vector<std::string> out;
    auto cb = [&](const SseEvent& e) { out.push_back(e.data); };
    std::size_t prev = 0;
    for (std::size_t c : cuts) {
        p.feed(std::string_view(stream).substr(prev, c - prev), cb);
        prev = c;
    }
    p.feed(std::string_view(stream).substr(prev), cb);
    p.finish(cb);
    return out;
}

std::vector<std::string> parse_whole(const std::string& stream) { return parse_in_pieces(stream, {}); }

} // namespace

TEST(SseParser, DataWithAndWithoutSpaceCommentsAndDone) {
    std::string s = ": ping - 2026-11-28\n\ndata: {\"a\":1}\n\ndata:{\"b\":2}\n\n:keepalive\n\ndata: [DONE]\n\n";
    EXPECT_EQ(parse_whole(s), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "[DONE]"}));
}

TEST(SseParser, MultiLineDataJoinsWithNewlineAndKeepsSecondSpace) {
    std::string s = "data: line one\ndata:  two\ndata:\n\n";
    EXPECT_EQ(parse_whole(s), (std::vector<std::string>{"line one\n two\n"}));
}

TEST(SseParser, CrlfAndBareCrLineEnds) {
    std::string s = "data: a\r\n\r\ndata: b\r\rdata: c\n\n";
    EXPECT_EQ(parse_whole(s), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SseParser, EventAndIdFieldsAndUnknownFieldsIgnored) {
    SseParser p;
    std::vector<SseEvent> got;
    p.feed("event: error\nid: 7\nretry: 10\nfoo: bar\ndata: x\n\nevent\ndata\n\n", [&](const SseEvent& e) { got.push_back(e); });
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].event, "error");
    EXPECT_EQ(got[0].id, "7");
    EXPECT_EQ(got[0].data, "x");
    EXPECT_EQ(got[1].event, "");  // "event" with no colon: empty value, reset per event
    EXPECT_EQ(got[1].data, "");   // "data" with no colon: one empty data line
    EXPECT_EQ(got[1].id, "7");    // the last event id persists
}

TEST(SseParser, BlankLinesWithoutDataDispatchNothing) {
    EXPECT_TRUE(parse_whole("\n\n\r\n: c\n\nevent: x\n\n").empty());
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
    std::string s = "data: {\"choices\":[{\"delta\":{\"content\":\"h\\u00e9\"}}]}\r\n\r\n: ping\r\n\r\n"
                    "data:{\"x\":2}\r\rdata: multi\ndata: line\n\ndata: [DONE]\r\n\r\n";
    auto whole = parse_whole(s);
    ASSERT_EQ(whole.size(), 4u);
    for (std::size_t i = 0; i <= s.size(); ++i)
        for (std::size_t j = i; j <= s.size(); j += 7) ASSERT_EQ(parse_in_pieces(s, {i, j}), whole) << i << "," << j;
}

TEST(SseParser, OneByteAtATimeAndRandomPieces) {
    std::string s;
    std::vector<std::string> expect;
    for (int i = 0; i < 200; ++i) {
        std::string d = "{\"i\":" + std::to_string(i) + "}";
        s += (i % 3 == 0 ? "data:" : "data: ") + d + (i % 2 ? "\r\n\r\n" : "\n\n");
        if (i % 10 == 0) s += ": keep-alive\r\n\r\n";
        expect.push_back(d);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < s.size(); ++i) every.push_back(i);
    EXPECT_EQ(parse_in_pieces(s, every), expect);
    std::mt19937 rng(5);
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<std::size_t> cuts;
        for (std::size_t at = 0; at < s.size();) {
            at += 1 + rng() % 40;
            if (at < s.size()) cuts.push_back(at);
        }
        ASSERT_EQ(parse_in_pieces(s, cuts), expect) << trial;
    }
}

TEST(SseParser, FinishDispatchesAnUnterminatedLastEvent) {
    EXPECT_EQ(parse_whole("data: a\n\ndata: [DONE]"), (std::vector<std::string>{"a", "[DONE]"}));
    EXPECT_EQ(parse_whole("data: a\n\ndata: [DONE]\n"), (std::vector<std::string>{"a", "[DONE]"}));
}

TEST(SseParser, OverlongLineIsAnInputError) {
    SseParser p(16);
    auto cb = [](const SseEvent&) {};
    p.feed("data: 0123456", cb);
    EXPECT_THROW(p.feed("789abcdef", cb), moecut::InputError);
}
