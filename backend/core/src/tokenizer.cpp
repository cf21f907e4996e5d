// The encode/decode pipeline of moecut::Tokenizer (tokenizers/src/tokenizer/mod.rs):
// added tokens -> normalizer -> pre-tokenizer -> BPE -> post-processor, and back through the
// decoder.
#include "tokenizer_parts.h"

namespace moecut {

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
    std::string repaired;
    if (!tok::is_valid_utf8(text)) {
        repaired = tok::utf8_lossy(text);
        text = repaired;
    }
    std::vector<tok::Piece> pieces;
    impl_->added.split(text, impl_->normalizer.get(), pieces);
    if (impl_->pre_tokenizer) impl_->pre_tokenizer->pre_tokenize(pieces);
    std::vector<int32_t> ids;
    ids.reserve(text.size() / 3 + 4);
    for (const tok::Piece& p : pieces) {
        if (p.added_id >= 0) ids.push_back(p.added_id);
        else impl_->model->tokenize(p.text, ids);
    }
    if (impl_->post_processor) impl_->post_processor->process(ids, add_special_tokens);
    return ids;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool skip_special_tokens) const {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        const std::string* token = impl_->added.surface(id);
        if (token == nullptr) token = impl_->model->id_to_token(id);
        if (token == nullptr) continue; // ids outside the vocabulary are dropped, as the reference
        if (skip_special_tokens && impl_->added.is_special_content(*token)) continue;
        tokens.push_back(*token);
    }
    if (!impl_->decoder) {
        std::string out;
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            if (k > 0) out.push_back(' ');
            out += tokens[k];
        }
        return out;
    }
    impl_->decoder->decode_chain(tokens);
    std::string out;
    for (const std::string& t : tokens) out += t;
    return out;
}

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
    if (const auto id = impl_->added.id_of(token)) return id;
    return impl_->model->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(int32_t id) const {
    if (const std::string* a = impl_->added.surface(id)) return *a;
    if (const std::string* t = impl_->model->id_to_token(id)) return *t;
    return std::nullopt;
}

std::size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return impl_->added.tokens(); }

bool Tokenizer::is_special(int32_t id) const {
    const AddedToken* a = impl_->added.by_id(id);
    return a != nullptr && a->special;
}

} // namespace moecut
