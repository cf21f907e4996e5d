// Post-processors of tokenizer.json (tokenizers/src/processors/*.rs), reduced to what encode()
// of one sequence does with ids: TemplateProcessing's "single" template, Roberta/Bert
// processing ([cls] A [sep]) and ByteLevel (offsets only, so nothing here) all come down to
// ids before and after the sequence, added only when add_special_tokens is set.
#include "tokenizer_parts.h"

namespace moecut::tok {

namespace {

class TemplatePostProcessor final : public PostProcessor {
public:
    TemplatePostProcessor(std::vector<int32_t> before, std::vector<int32_t> after)
        : before_(std::move(before)), after_(std::move(after)) {}
    void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
        if (!add_special_tokens) return;
        ids.insert(ids.begin(), before_.begin(), before_.end());
        ids.insert(ids.end(), after_.begin(), after_.end());
    }

private:
    std::vector<int32_t> before_, after_;
};

class SequencePostProcessor final : public PostProcessor {
public:
    explicit SequencePostProcessor(std::vector<PostProcessorPtr> parts) : parts_(std::move(parts)) {}
    void process(std::vector<int32_t>& ids, bool add_special_tokens) const override {
        for (const auto& p : parts_) p->process(ids, add_special_tokens);
    }

private:
    std::vector<PostProcessorPtr> parts_;
};

} // namespace

PostProcessorPtr make_template_post_processor(std::vector<int32_t> before, std::vector<int32_t> after) {
    return std::make_unique<TemplatePostProcessor>(std::move(before), std::move(after));
}

PostProcessorPtr make_sequence_post_processor(std::vector<PostProcessorPtr> parts) {
    return std::make_unique<SequencePostProcessor>(std::move(parts));
}

} // namespace moecut::tok
