// Pre-tokenizers of tokenizer.json (tokenizers/src/pre_tokenizers/*.rs and the split
// behaviours of tokenizers/src/tokenizer/normalizer.rs). Each one rewrites and splits the
// pieces that are not added tokens; BPE then runs on every piece separately.
#include "tokenizer_parts.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace moecut::tok {

// ---- The GPT-2 byte-level alphabet ---------------------------------------------------------

namespace {

struct ByteTable {
    std::array<std::array<char, 4>, 256> utf8{};
    std::array<uint8_t, 256> len{};
    std::array<int16_t, 512> byte_of{}; // code point -> byte, -1 when not in the alphabet
    ByteTable() {
        byte_of.fill(-1);
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
            std::string s;
            append_utf8(s, cp);
            for (std::size_t k = 0; k < s.size(); ++k) utf8[b][k] = s[k];
            len[b] = static_cast<uint8_t>(s.size());
            byte_of[cp] = static_cast<int16_t>(b);
        }
    }
};

// Built at static initialization: nothing else uses it before main.
const ByteTable kByteTable;

} // namespace

std::string_view byte_level_char(unsigned char b) {
    return {kByteTable.utf8[b].data(), kByteTable.len[b]};
}

int byte_level_byte(char32_t cp) {
    return cp < 512 ? kByteTable.byte_of[cp] : -1;
}

// ---- Split behaviours ----------------------------------------------------------------------

void split_piece(Piece&& piece, std::vector<Span>& spans, SplitBehavior behavior, std::vector<Piece>& out) {
    // Fold the spans into (start, end, remove) parts, as NormalizedString::split.
    std::vector<Span> parts;
    parts.reserve(spans.size());
    bool previous_match = false;
    switch (behavior) {
    case SplitBehavior::Isolated:
        for (const Span& s : spans) parts.push_back({s.start, s.end, false});
        break;
    case SplitBehavior::Removed:
        parts = spans;
        break;
    case SplitBehavior::Contiguous:
        for (const Span& s : spans) {
            if (s.is_match == previous_match && !parts.empty()) parts.back().end = s.end;
            else parts.push_back({s.start, s.end, false});
            previous_match = s.is_match;
        }
        break;
    case SplitBehavior::MergedWithPrevious:
        for (const Span& s : spans) {
            if (s.is_match && !previous_match && !parts.empty()) parts.back().end = s.end;
            else parts.push_back({s.start, s.end, false});
            previous_match = s.is_match;
        }
        break;
    case SplitBehavior::MergedWithNext:
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
            if (it->is_match && !previous_match && !parts.empty()) parts.back().start = it->start;
            else parts.push_back({it->start, it->end, false});
            previous_match = it->is_match;
        }
        std::reverse(parts.begin(), parts.end());
        break;
    }
    // Span::is_match now means "remove".
    if (parts.size() == 1 && !parts[0].is_match && parts[0].start == 0 && parts[0].end == piece.text.size()) {
        if (!piece.text.empty()) out.push_back(std::move(piece));
        return;
    }
    for (const Span& p : parts) {
        if (p.is_match || p.end <= p.start) continue;
        Piece sub;
        sub.text.assign(piece.text, p.start, p.end - p.start);
        sub.at_origin = piece.at_origin && p.start == 0;
        out.push_back(std::move(sub));
    }
}

namespace {

// Spans covering text from regex matches (Pattern::find_matches for a regex).
void spans_from_regex(const Regex& re, std::string_view text, bool invert, std::vector<Span>& spans) {
    thread_local std::vector<Match> matches;
    spans.clear();
    if (text.empty()) {
        spans.push_back({0, 0, invert});
        return;
    }
    re.find_all(text, matches);
    std::size_t prev = 0;
    for (const Match& m : matches) {
        if (prev != m.start) spans.push_back({prev, m.start, invert});
        spans.push_back({m.start, m.end, !invert});
        prev = m.end;
    }
    if (prev != text.size()) spans.push_back({prev, text.size(), invert});
}

// Spans covering text where every character passing `pred` is a match of its own.
template <typename Pred>
void spans_from_chars(std::string_view text, Pred pred, std::vector<Span>& spans) {
    spans.clear();
    std::size_t last = 0, i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        const char32_t cp = next_code_point(text, i);
        if (pred(cp)) {
            if (last < start) spans.push_back({last, start, false});
            spans.push_back({start, i, true});
            last = i;
        }
    }
    if (text.size() > last) spans.push_back({last, text.size(), false});
    if (text.empty()) spans.push_back({0, 0, false});
}

// Runs `fn(piece, out)` on every piece that is not an added token.
template <typename Fn>
void for_each_free_piece(std::vector<Piece>& pieces, Fn&& fn) {
    std::vector<Piece> out;
    out.reserve(pieces.size() * 2);
    for (Piece& p : pieces) {
        if (p.added_id >= 0) out.push_back(std::move(p));
        else fn(std::move(p), out);
    }
    pieces = std::move(out);
}

class SplitPreTokenizer final : public PreTokenizer {
public:
    SplitPreTokenizer(Regex re, SplitBehavior behavior, bool invert)
        : re_(std::move(re)), behavior_(behavior), invert_(invert) {}
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        for_each_free_piece(pieces, [&](Piece&& p, std::vector<Piece>& out) {
            spans_from_regex(re_, p.text, invert_, spans);
            split_piece(std::move(p), spans, behavior_, out);
        });
    }

private:
    Regex re_;
    SplitBehavior behavior_;
    bool invert_;
};

const Regex& gpt2_regex() {
    static const Regex re = Regex::compile(
        R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", false, "GPT-2 regex");
    return re;
}

class ByteLevelPreTokenizer final : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
        : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        std::vector<Piece> out;
        out.reserve(pieces.size() * (use_regex_ ? 4 : 1));
        for (Piece& p : pieces) {
            if (p.added_id >= 0) {
                out.push_back(std::move(p));
                continue;
            }
            if (add_prefix_space_ && (p.text.empty() || p.text[0] != ' ')) p.text.insert(0, 1, ' ');
            const std::size_t first = out.size();
            if (use_regex_) {
                spans_from_regex(gpt2_regex(), p.text, false, spans);
                split_piece(std::move(p), spans, SplitBehavior::Isolated, out);
            } else if (!p.text.empty()) {
                out.push_back(std::move(p));
            }
            for (std::size_t k = first; k < out.size(); ++k) map_bytes(out[k].text);
        }
        pieces = std::move(out);
    }

private:
    static void map_bytes(std::string& s) {
        bool ascii_printable = true;
        for (unsigned char b : s)
            if (b <= ' ' || b >= 0x7F) {
                ascii_printable = false;
                break;
            }
        if (ascii_printable) return; // '!'..'~' map to themselves
        std::string out(s.size() * 2, '\0');
        std::size_t n = 0;
        for (unsigned char b : s) {
            const uint8_t len = kByteTable.len[b];
            std::memcpy(out.data() + n, kByteTable.utf8[b].data(), len);
            n += len;
        }
        out.resize(n);
        s = std::move(out);
    }
    bool add_prefix_space_, use_regex_;
};

class MetaspacePreTokenizer final : public PreTokenizer {
public:
    MetaspacePreTokenizer(char32_t replacement, PrependScheme scheme, bool split)
        : replacement_(replacement), scheme_(scheme), split_(split) {
        append_utf8(rep_, replacement);
    }
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        for_each_free_piece(pieces, [&](Piece&& p, std::vector<Piece>& out) {
            if (p.text.find(' ') != std::string::npos) {
                std::string s;
                s.reserve(p.text.size() + 8);
                for (char c : p.text) {
                    if (c == ' ') s.append(rep_);
                    else s.push_back(c);
                }
                p.text = std::move(s);
            }
            const bool starts = p.text.compare(0, rep_.size(), rep_) == 0;
            if (!starts && (scheme_ == PrependScheme::Always || (scheme_ == PrependScheme::First && p.at_origin)))
                p.text.insert(0, rep_);
            if (!split_) {
                if (!p.text.empty()) out.push_back(std::move(p));
                return;
            }
            spans_from_chars(p.text, [&](char32_t cp) { return cp == replacement_; }, spans);
            split_piece(std::move(p), spans, SplitBehavior::MergedWithNext, out);
        });
    }

private:
    char32_t replacement_;
    std::string rep_;
    PrependScheme scheme_;
    bool split_;
};

class DigitsPreTokenizer final : public PreTokenizer {
public:
    explicit DigitsPreTokenizer(bool individual) : individual_(individual) {}
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        for_each_free_piece(pieces, [&](Piece&& p, std::vector<Piece>& out) {
            spans_from_chars(p.text, is_numeric, spans);
            split_piece(std::move(p), spans, individual_ ? SplitBehavior::Isolated : SplitBehavior::Contiguous, out);
        });
    }

private:
    bool individual_;
};

// Keeps the runs of word characters and the runs of other non-space characters: the
// reference's \w+|[^\w\s]+, written with the Rust regex crate, so \w is Rust's (see
// is_word_char), not Oniguruma's.
class WhitespacePreTokenizer final : public PreTokenizer {
public:
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        for_each_free_piece(pieces, [&](Piece&& p, std::vector<Piece>& out) {
            spans.clear();
            int run = -1; // 0 word, 1 other, -1 none
            std::size_t run_start = 0;
            for (std::size_t i = 0; i < p.text.size();) {
                const std::size_t start = i;
                const char32_t cp = next_code_point(p.text, i);
                const int kind = is_word_char(cp) ? 0 : is_white_space(cp) ? -1 : 1;
                if (kind == run) continue;
                if (run >= 0) spans.push_back({run_start, start, false});
                run = kind;
                run_start = start;
            }
            if (run >= 0) spans.push_back({run_start, p.text.size(), false});
            split_piece(std::move(p), spans, SplitBehavior::Isolated, out);
        });
    }
};

class WhitespaceSplitPreTokenizer final : public PreTokenizer {
public:
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        thread_local std::vector<Span> spans;
        for_each_free_piece(pieces, [&](Piece&& p, std::vector<Piece>& out) {
            spans_from_chars(p.text, is_white_space, spans);
            split_piece(std::move(p), spans, SplitBehavior::Removed, out);
        });
    }
};

class SequencePreTokenizer final : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<PreTokenizerPtr> parts) : parts_(std::move(parts)) {}
    void pre_tokenize(std::vector<Piece>& pieces) const override {
        for (const auto& p : parts_) p->pre_tokenize(pieces);
    }

private:
    std::vector<PreTokenizerPtr> parts_;
};

} // namespace

PreTokenizerPtr make_split_pre_tokenizer(Regex pattern, SplitBehavior behavior, bool invert) {
    return std::make_unique<SplitPreTokenizer>(std::move(pattern), behavior, invert);
}
PreTokenizerPtr make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex) {
    return std::make_unique<ByteLevelPreTokenizer>(add_prefix_space, use_regex);
}
PreTokenizerPtr make_metaspace_pre_tokenizer(char32_t replacement, PrependScheme scheme, bool split) {
    return std::make_unique<MetaspacePreTokenizer>(replacement, scheme, split);
}
PreTokenizerPtr make_digits_pre_tokenizer(bool individual_digits) {
    return std::make_unique<DigitsPreTokenizer>(individual_digits);
}
PreTokenizerPtr make_whitespace_pre_tokenizer() { return std::make_unique<WhitespacePreTokenizer>(); }
PreTokenizerPtr make_whitespace_split_pre_tokenizer() { return std::make_unique<WhitespaceSplitPreTokenizer>(); }
PreTokenizerPtr make_sequence_pre_tokenizer(std::vector<PreTokenizerPtr> parts) {
    return std::make_unique<SequencePreTokenizer>(std::move(parts));
}

} // namespace moecut::tok
