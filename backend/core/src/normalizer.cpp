// Normalizers of tokenizer.json (tokenizers/src/normalizers/*.rs). They rewrite the text
// between added tokens before pre-tokenization; alignments are not tracked because moecut
// needs ids, not offsets.
#include "tokenizer_parts.h"

namespace moecut::tok {

namespace {

class UnicodeNormalizer final : public Normalizer {
public:
    explicit UnicodeNormalizer(UnicodeForm form) : form_(form) {}
    void normalize(std::string& s) const override { normalize_unicode(s, form_); }

private:
    UnicodeForm form_;
};

class LowercaseNormalizer final : public Normalizer {
public:
    void normalize(std::string& s) const override {
        std::string out;
        out.reserve(s.size());
        for (std::size_t i = 0; i < s.size();) append_lowercase(out, next_code_point(s, i));
        s = std::move(out);
    }
};

// Strips Unicode whitespace (char::is_whitespace) from either end.
class StripNormalizer final : public Normalizer {
public:
    StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
    void normalize(std::string& s) const override {
        std::size_t begin = 0, end = s.size();
        if (left_) {
            while (begin < end) {
                std::size_t i = begin;
                if (!is_white_space(next_code_point(s, i))) break;
                begin = i;
            }
        }
        if (right_) {
            while (end > begin) {
                std::size_t start = end - 1;
                while (start > begin && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
                std::size_t i = start;
                if (!is_white_space(next_code_point(s, i))) break;
                end = start;
            }
        }
        s = s.substr(begin, end - begin);
    }

private:
    bool left_, right_;
};

// Removes combining marks, all of Mn, Mc and Me (usually after NFD/NFKD).
class StripAccentsNormalizer final : public Normalizer {
public:
    void normalize(std::string& s) const override {
        std::string out;
        out.reserve(s.size());
        for (std::size_t i = 0; i < s.size();) {
            const std::size_t start = i;
            const char32_t cp = next_code_point(s, i);
            if (!is_combining_mark(cp)) out.append(s, start, i - start);
        }
        s = std::move(out);
    }
};

class ReplaceNormalizer final : public Normalizer {
public:
    ReplaceNormalizer(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
    void normalize(std::string& s) const override {
        thread_local std::vector<Match> matches;
        pattern_.find_all(s, matches);
        if (matches.empty()) return;
        std::string out;
        out.reserve(s.size());
        std::size_t last = 0;
        for (const Match& m : matches) {
            out.append(s, last, m.start - last);
            out.append(content_);
            last = m.end;
        }
        out.append(s, last, std::string::npos);
        s = std::move(out);
    }

private:
    Regex pattern_;
    std::string content_;
};

class PrependNormalizer final : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
    void normalize(std::string& s) const override {
        if (!s.empty()) s.insert(0, prefix_);
    }

private:
    std::string prefix_;
};

// Every byte written as its GPT-2 byte-level character.
class ByteLevelNormalizer final : public Normalizer {
public:
    void normalize(std::string& s) const override {
        std::string out;
        out.reserve(s.size() * 2);
        for (unsigned char b : s) out.append(byte_level_char(b));
        s = std::move(out);
    }
};

class SequenceNormalizer final : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<NormalizerPtr> parts) : parts_(std::move(parts)) {}
    void normalize(std::string& s) const override {
        for (const auto& p : parts_) p->normalize(s);
    }

private:
    std::vector<NormalizerPtr> parts_;
};

} // namespace

NormalizerPtr make_unicode_normalizer(UnicodeForm form) { return std::make_unique<UnicodeNormalizer>(form); }
NormalizerPtr make_lowercase_normalizer() { return std::make_unique<LowercaseNormalizer>(); }
NormalizerPtr make_strip_normalizer(bool left, bool right) { return std::make_unique<StripNormalizer>(left, right); }
NormalizerPtr make_strip_accents_normalizer() { return std::make_unique<StripAccentsNormalizer>(); }
NormalizerPtr make_replace_normalizer(Regex pattern, std::string content) {
    return std::make_unique<ReplaceNormalizer>(std::move(pattern), std::move(content));
}
NormalizerPtr make_prepend_normalizer(std::string prefix) { return std::make_unique<PrependNormalizer>(std::move(prefix)); }
NormalizerPtr make_byte_level_normalizer() { return std::make_unique<ByteLevelNormalizer>(); }
NormalizerPtr make_sequence_normalizer(std::vector<NormalizerPtr> parts) {
    return std::make_unique<SequenceNormalizer>(std::move(parts));
}

} // namespace moecut::tok
