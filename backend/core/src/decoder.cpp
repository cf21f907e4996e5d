// Decoders of tokenizer.json (tokenizers/src/decoders/*.rs and the decoder halves of
// pre_tokenizers/{byte_level,metaspace}.rs). Each rewrites the list of token strings; the
// tokenizer joins what is left.
#include "tokenizer_parts.h"

namespace moecut::tok {

namespace {

// Byte-level characters back to bytes, all tokens fused, then read as lossy UTF-8. A token
// holding any character outside the 256 is taken as its own bytes.
class ByteLevelDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens) const override {
        std::string bytes;
        std::string tmp;
        for (const std::string& t : tokens) {
            tmp.clear();
            bool all = true;
            for (std::size_t i = 0; i < t.size();) {
                const int b = byte_level_byte(next_code_point(t, i));
                if (b < 0) {
                    all = false;
                    break;
                }
                tmp.push_back(static_cast<char>(b));
            }
            bytes.append(all ? tmp : t);
        }
        tokens.assign(1, utf8_lossy(bytes));
    }
};

class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(char32_t replacement, bool strip_first) : replacement_(replacement), strip_first_(strip_first) {}
    void decode_chain(std::vector<std::string>& tokens) const override {
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            const std::string& t = tokens[k];
            std::string out;
            out.reserve(t.size());
            for (std::size_t i = 0; i < t.size();) {
                const std::size_t start = i;
                if (next_code_point(t, i) != replacement_) out.append(t, start, i - start);
                else if (!(k == 0 && strip_first_)) out.push_back(' ');
            }
            tokens[k] = std::move(out);
        }
    }

private:
    char32_t replacement_;
    bool strip_first_;
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "<0xAB>" tokens become bytes; a run of them becomes its UTF-8 text, or one U+FFFD per byte
// when the run is not valid UTF-8.
class ByteFallbackDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        out.reserve(tokens.size());
        std::string run;
        auto flush = [&] {
            if (run.empty()) return;
            if (is_valid_utf8(run)) {
                out.push_back(run);
            } else {
                for (std::size_t k = 0; k < run.size(); ++k) out.emplace_back("\xEF\xBF\xBD");
            }
            run.clear();
        };
        for (std::string& t : tokens) {
            int byte = -1;
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
                // Rust's u8::from_str_radix(.., 16) on the two characters: "+F" is 15 too.
                const int hi = hex_value(t[3]), lo = hex_value(t[4]);
                if (hi >= 0 && lo >= 0) byte = hi * 16 + lo;
                else if (t[3] == '+' && lo >= 0) byte = lo;
            }
            if (byte >= 0) {
                run.push_back(static_cast<char>(byte));
            } else {
                flush();
                out.push_back(std::move(t));
            }
        }
        flush();
        tokens = std::move(out);
    }
};

class FuseDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, std::move(all));
    }
};

// Removes up to `start` leading and `stop` trailing `content` characters from each token.
class StripDecoder final : public Decoder {
public:
    StripDecoder(char32_t content, std::size_t start, std::size_t stop) : content_(content), start_(start), stop_(stop) {}
    void decode_chain(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::vector<std::size_t> bounds; // byte offset of each character, then the end
            for (std::size_t i = 0; i < t.size();) {
                bounds.push_back(i);
                next_code_point(t, i);
            }
            const std::size_t chars = bounds.size();
            bounds.push_back(t.size());
            auto char_at = [&](std::size_t k) {
                std::size_t i = bounds[k];
                return next_code_point(t, i);
            };
            std::size_t first = 0;
            while (first < start_ && first < chars && char_at(first) == content_) ++first;
            std::size_t last = chars; // exclusive
            for (std::size_t k = 0; k < stop_ && last > first && char_at(last - 1) == content_; ++k) --last;
            t = t.substr(bounds[first], bounds[last] - bounds[first]);
        }
    }

private:
    char32_t content_;
    std::size_t start_, stop_;
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
    void decode_chain(std::vector<std::string>& tokens) const override {
        std::vector<Match> matches;
        for (std::string& t : tokens) {
            pattern_.find_all(t, matches);
            if (matches.empty()) continue;
            std::string out;
            std::size_t last = 0;
            for (const Match& m : matches) {
                out.append(t, last, m.start - last);
                out.append(content_);
                last = m.end;
            }
            out.append(t, last, std::string::npos);
            t = std::move(out);
        }
    }

private:
    Regex pattern_;
    std::string content_;
};

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<DecoderPtr> parts) : parts_(std::move(parts)) {}
    void decode_chain(std::vector<std::string>& tokens) const override {
        for (const auto& p : parts_) p->decode_chain(tokens);
    }

private:
    std::vector<DecoderPtr> parts_;
};

} // namespace

DecoderPtr make_byte_level_decoder() { return std::make_unique<ByteLevelDecoder>(); }
DecoderPtr make_metaspace_decoder(char32_t replacement, bool strip_first) {
    return std::make_unique<MetaspaceDecoder>(replacement, strip_first);
}
DecoderPtr make_byte_fallback_decoder() { return std::make_unique<ByteFallbackDecoder>(); }
DecoderPtr make_fuse_decoder() { return std::make_unique<FuseDecoder>(); }
DecoderPtr make_strip_decoder(char32_t content, std::size_t start, std::size_t stop) {
    return std::make_unique<StripDecoder>(content, start, stop);
}
DecoderPtr make_replace_decoder(Regex pattern, std::string content) {
    return std::make_unique<ReplaceDecoder>(std::move(pattern), std::move(content));
}
DecoderPtr make_sequence_decoder(std::vector<DecoderPtr> parts) {
    return std::make_unique<SequenceDecoder>(std::move(parts));
}

} // namespace moecut::tok
