#!/usr/bin/env python3
"""Golden fixtures for moecut's tokenizer (backend/core/src/tokenizer*.cpp and friends).

For each model family this script trains a small byte-level / SentencePiece-style BPE
tokenizer with the reference library (PyPI `tokenizers`), configured with that family's
normalizer, pre-tokenizer, post-processor, decoder and added tokens, and writes:

  tests/data/tokenizers/<family>/tokenizer.json   the trained tokenizer
  tests/data/tokenizers/<family>/expected.json    ids and decoded strings for a fixed text set

Run with the reference environment:  /opt/refvenv/bin/python scripts/make_tokenizer_fixtures.py
[FAMILY ...] (tokenizers 0.23.3). CI does not need Python: the outputs are committed. The
byte-level families train the same way every run; the SentencePiece-style ones (limit_alphabet)
may pick other pieces from run to run, but each run's two files agree with each other.

Where each family's configuration comes from (checked 2026; recorded here so a later change
upstream can be compared):
  glm          GLM-4.5 / 4.6 / 4.7 and GLM-5 / 5.1 / 5.2. llama.cpp convert_hf_to_gguf_update.py maps
               zai-org/GLM-4.5-Air and GLM-4.7-Flash to pre-tokenizer "glm4" (GLM-5's GlmMoeDsaModel
               uses the same _set_vocab_glm); llama-vocab.cpp gives "glm4" the CHATGLM4 regex, the
               tiktoken cl100k-style pattern also in transformers convert_slow_tokenizer.py
               TikTokenConverter: Split(Regex, Isolated) + ByteLevel(add_prefix_space=false,
               use_regex=false), ByteLevel decoder, no normalizer. GLM's tokenizer.json puts
               [gMASK]<sop> in front through a TemplateProcessing post-processor after ByteLevel.
  deepseek_v3  deepseek-ai/DeepSeek-V3 tokenizer.json: normalizer Sequence([]), pre-tokenizer
               Sequence of three Isolated Splits (\\p{N}{1,3}; CJK/kana runs; the main pattern with
               literal CR/LF) + ByteLevel(add_prefix_space=false, trim_offsets=true,
               use_regex=false), ByteLevel decoder (llama-vocab.cpp DEEPSEEK3_LLM lists the same
               three regexes). BOS <｜begin▁of▁sentence｜> is added by a TemplateProcessing here.
  qwen3        Qwen2 / Qwen2.5 / Qwen3: transformers models/qwen2/tokenization_qwen2.py
               (PRETOKENIZE_REGEX, NFC normalizer, ByteLevel with add_prefix_space=false and
               use_regex=false, ByteLevel decoder, no BOS); llama-vocab.cpp QWEN2 has the same
               regex. <think>/</think>/<tool_call> are added tokens that are not special.
  mixtral      mistralai/Mixtral-8x7B-v0.1 tokenizer.json (Llama-2 style conversion):
               normalizer Sequence[Prepend("▁"), Replace(" ", "▁")], no pre-tokenizer, BPE with
               byte_fallback and fuse_unk, decoder Sequence[Replace("▁"," "), ByteFallback, Fuse,
               Strip(" ", 1, 0)], TemplateProcessing "<s> $A".
  mixtral_metaspace  the same model as converted by transformers v5 (models/llama/
               tokenization_llama.py): Metaspace(prepend_scheme="first", split=false) pre-tokenizer
               instead of the Prepend/Replace normalizers.
Extra configurations that exercise the remaining components moecut supports:
  gpt2_roberta ByteLevel(add_prefix_space=true, use_regex=true) GPT-2 regex, RobertaProcessing,
               <mask> with lstrip.
  misc_splits  NFKD + StripAccents + Lowercase + Replace(Regex) normalizers, Split behaviours
               Removed / MergedWithPrevious / MergedWithNext / Contiguous / invert, Digits,
               normalized and single_word added tokens, ignore_merges, Sequence decoder.
  spm_unk      Metaspace(prepend_scheme="always", split=true), unk token without fusing or byte
               fallback, Metaspace decoder, NFKC normalizer.
  bpe_affixes  continuing_subword_prefix / end_of_word_suffix, Strip + Prepend normalizers,
               WhitespaceSplit + Digits(contiguous), BertProcessing, Replace + Strip decoders.
  whitespace_bytelevel  NFD + Strip + ByteLevel normalizers, Whitespace pre-tokenizer (Rust
               regex \\w), inverted MergedWithPrevious split, ByteLevel(add_prefix_space=true).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
from tokenizers import pre_tokenizers, processors, trainers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "tokenizers"

GLM4_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
              r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
               r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
# DeepSeek-V3's file carries CR and LF as the characters themselves in the third pattern.
DSV3_REGEXES = [
    r"\p{N}{1,3}",
    "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
    "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+"
    "| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+",
]

# ---------------------------------------------------------------------------------------------
# Training text: written for this script (prose, code in several languages, many scripts, emoji).

PROSE = """\
The quick brown fox jumps over the lazy dog while the committee debates the budget.
Mixture-of-experts models route every token to a few experts; pruning the experts that are
rarely chosen saves memory, but one must measure the damage honestly before shipping it.
It's not that we don't care: they'll measure it, we've seen the plots, and you'd agree.
In 1969, 600 million people watched the landing; by 2024 the archive held 12,345,678 frames.
Temperatures ranged from -40 degrees to 3.5e2 kelvin, a spread of roughly 313.15 units.
Reading, writing and arithmetic remain the foundation of a good education for everyone.
She said, "Measure twice, cut once." He replied: 'Only if the ruler is calibrated!'
Rivers carve valleys over thousands of years; glaciers do it faster, and wind does it slowly.
A tokenizer turns text into integers, and a decoder turns the integers back into text.
Experts specialise: some handle code, some handle mathematics, others handle languages.
"""

CODE = [
    '''def tokenize(text: str, vocab: dict[str, int]) -> list[int]:
    """Greedy longest match over a vocabulary."""
    ids = []
    i = 0
    while i < len(text):
        for j in range(len(text), i, -1):
            if text[i:j] in vocab:
                ids.append(vocab[text[i:j]])
                i = j
                break
        else:
            raise ValueError(f"no token for {text[i]!r} at {i}")
    return ids
''',
    '''#include <vector>
#include <string>

int count_experts(const std::vector<int>& routed, int num_experts) {
    std::vector<int> hits(num_experts, 0);
    for (int e : routed) {
        if (e >= 0 && e < num_experts) ++hits[e];
    }
    int used = 0;
    for (int h : hits) used += h > 0 ? 1 : 0;
    return used;
}
''',
    '''fn main() {
    let words = vec!["alpha", "beta", "gamma"];
    let total: usize = words.iter().map(|w| w.len()).sum();
    println!("total = {}", total);
    match total {
        0 => println!("empty"),
        n if n > 10 => println!("long: {n}"),
        _ => println!("short"),
    }
}
''',
    '''const experts = Array.from({ length: 8 }, (_, i) => ({ id: i, load: Math.random() }));
experts.sort((a, b) => b.load - a.load);
console.log(`top expert: ${experts[0].id} with load ${experts[0].load.toFixed(3)}`);
export default function prune(list, keep = 4) { return list.slice(0, keep); }
''',
    '''#!/usr/bin/env bash
set -euo pipefail
for f in ./models/*.safetensors; do
  echo "checking $f" && sha256sum "$f" >> sums.txt || exit 1
done
grep -c "ok" sums.txt | awk '{ print $1 * 2 }'
''',
    '''{"model": "tiny-moe", "layers": 4, "experts": [0, 1, 2, 3], "ratio": 0.25, "ok": true}
SELECT name, COUNT(*) AS n FROM experts WHERE layer >= 2 GROUP BY name ORDER BY n DESC;
<div class="result" id="main">&amp; 5 &lt; 7 &gt; 3</div>
''',
]

MULTILINGUAL = """\
Äpfel, Birnen und Öl kosten heute mehr als gestern; die Straße ist naß und grün.
Ça coûte 12 € : le café est déjà froid, mais l'élève préfère la crème brûlée.
Привет, мир! Эксперты обсуждают модель, а токенизатор считает слова и буквы.
Η γρήγορη καφέ αλεπού πηδά πάνω από τον σκύλο. ΟΔΥΣΣΕΥΣ και Ὀδυσσεύς.
我想在apple工作1314151天～今天天气很好，我们一起去公园散步吧。机器学习模型的专家混合。
こんにちは、世界！カタカナとひらがなを使った日本語の文章です。東京は大きい都市です。
안녕하세요 세계! 한국어 문장도 토크나이저가 처리해야 합니다.
مرحبا بالعالم، هذه جملة باللغة العربية للاختبار.
नमस्ते दुनिया, यह हिंदी में एक वाक्य है।
สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ
កាន់តែពិសេសអាច ភាសាខ្មែរ
Tiếng Việt có dấu: Cửa Việt, người Việt Nam.
"""

EMOJI = """\
🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ 🦙🦙 👨‍👩‍👧‍👦 family, 👍🏽 thumbs, 🇩🇪🇯🇵 flags, 1️⃣ keycap.
I ❤️ tokenizers 🤖🔥 and ☕ in the morning ☀️; 🎉🎉🎉 party!
"""


def training_text() -> list[str]:
    lines: list[str] = []
    for rep in range(6):
        lines += PROSE.splitlines()
        for c in CODE:
            lines += c.splitlines()
        lines += MULTILINGUAL.splitlines()
        lines += EMOJI.splitlines()
        # Varied numbers and identifiers so that digit merges and code merges are learnt.
        lines += [f"x_{rep}_{i} = {i * 37 + rep} + {i ** 3} * {rep + 0.5}" for i in range(40)]
        lines += [f"layer.{i}.mlp.experts.{(i * 7 + rep) % 64}.down_proj.weight" for i in range(20)]
    return lines


# ---------------------------------------------------------------------------------------------
# The fixed text set (shared by every family) and the family-specific texts with added tokens.

COMMON_TEXTS = [
    "",
    "Hello world",
    " Hello world",
    "Hello World!",
    "  leading spaces and trailing spaces  ",
    "Hello   world\t\ttabs\n\nnewlines\r\nwindows line end\n",
    "    indented\n        more indented\n\tand a tab",
    "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n",
    "I've been 'told he's there, 'RE you sure? 'M not sure I'll make it, 'D you like some tea? We'Ve a'lL",
    "3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 1,000,000 -42 0x1F 1e-9",
    "The year 2024 had 366 days; 12345678901234567890 is a long number.",
    CODE[0],
    CODE[1],
    CODE[2],
    CODE[3],
    CODE[4],
    CODE[5],
    "```python\nprint('hi')  # comment\n```\n",
    PROSE.splitlines()[1] + " " + PROSE.splitlines()[2],
    "Äpfel über Straße; Ça coûte 12 € — déjà vu.",
    "Привет, мир! Эксперты обсуждают модель.",
    "ΟΔΥΣΣΕΥΣ Ὀδυσσεύς ς σ Σ",
    "我想在apple工作1314151天～",
    "こんにちは、世界！カタカナとひらがな",
    "안녕하세요 세계",
    "مرحبا بالعالم नमस्ते दुनिया สวัสดีชาวโลก កាន់តែពិសេសអាច",
    "Cafe\u0301 vs Café, A\u030a vs Å, \u212b angstrom, \u1100\u1161 jamo, e\u0301\u0323 stacked",
    "\ufb01 ligature, \u2460 circled, \uff21\uff22 fullwidth, \u00bd half, x\u00b2",
    "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ 🦙🦙 3 33",
    "👨‍👩‍👧‍👦 👍🏽 🇩🇪🇯🇵 1️⃣ ❤️ 🏳️‍🌈",
    "nbsp\u00a0here, ideographic\u3000space, nel\u0085char, mvs\u180esep, zw\u200bsp, bom\ufeff",
    "control \u0000 \u0001 \u007f bell\u0007 end",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "!!!!!!?????? ......~~~~---===___ '''''' \"\"\"\"\"\"",
    "Tiếng Việt: Cửa Việt, người Việt Nam.",
    "<|im_start|>user <s> [INST] [gMASK] tokens of other families are plain text </s>",
    "mixed 123abc456 def_ghi-jkl.mno/pqr\\stu",
    " ",
    "\n",
    "\t",
    "x",
    "A very long line: " + " ".join(PROSE.split()) + " " + MULTILINGUAL.replace("\n", " "),
]

FAMILY_TEXTS = {
    "glm": [
        "[gMASK]<sop><|system|>\nYou are helpful.<|user|>\nHi there<|assistant|>\n<think>Let me think.</think>Hello!",
        "<|user|>What is 2+2?<|assistant|><think></think>4<|endoftext|>",
        "text before<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>Paris</arg_value>\n</tool_call>after",
        "<|observation|> <|user|>  spaced   <|assistant|>",
        "<|user|<|user|>>",
    ],
    "deepseek_v3": [
        "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi there<｜Assistant｜><think>hmm</think>Hello!<｜end▁of▁sentence｜>",
        "<｜User｜>1+1=?<｜Assistant｜>2<｜end▁of▁sentence｜>",
        "<｜fim▁begin｜>def f(x):<｜fim▁hole｜>\n    return y<｜fim▁end｜>",
        "a<think>b</think>c <think> d",
    ],
    "qwen3": [
        "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        "<think>\nreasoning here\n</think>\n\nThe answer is 42.<|im_end|><|endoftext|>",
        "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>",
        "<|im_start|><|im_start|>double<|im_end|>",
    ],
    "mixtral": [
        "<s>[INST] What is your favourite condiment? [/INST] Well, I'm quite partial to mustard.</s>",
        "[INST]no spaces[/INST]</s><s>again",
        " <s> spaced <s>  ",
    ],
    "mixtral_metaspace": [
        "<s>[INST] What is your favourite condiment? [/INST] Well, I'm quite partial to mustard.</s>",
        "[INST]no spaces[/INST]</s><s>again",
        " <s> spaced <s>  ",
    ],
    "gpt2_roberta": [
        "<s>Hello <mask> world</s>",
        "The capital of France is    <mask>.",
        "<mask><mask> x <pad>",
    ],
    "misc_splits": [
        "[MASK] Hello World [MASK]  x",
        "an <ent> here, not<ent>there, <ent>",
        "say HELLO WORLD loudly; hello world quietly",
        "Crème Brûlée costs 12.50 — co-operate, re-enter!",
    ],
    "spm_unk": [
        "<s>hello</s> <unk> unknown ⚗ glyphs ⚗⚗ here",
        "</s>",
    ],
    "bpe_affixes": [
        "[CLS] first [SEP] second [UNK] third",
        "unaffordable counterexamples 12345 x1y2",
    ],
    "whitespace_bytelevel": [
        "<|x|>glued<|x|> spaced <|x|> end",
        "aeiou bcdfg queueing ² ½ ³",
    ],
}

# ---------------------------------------------------------------------------------------------
# Family configurations.


def byte_level_bpe(**kw) -> models.BPE:
    return models.BPE(dropout=None, unk_token=None, continuing_subword_prefix="",
                      end_of_word_suffix="", fuse_unk=False, byte_fallback=False, **kw)


def train_byte_level(tok: Tokenizer, vocab_size: int, specials: list[str]) -> None:
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  special_tokens=specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(training_text(), trainer=trainer)


def make_glm() -> Tokenizer:
    tok = Tokenizer(byte_level_bpe())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(GLM4_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    specials = ["<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]", "<sop>", "<eop>", "<|system|>",
                "<|user|>", "<|assistant|>", "<|observation|>", "<|begin_of_image|>",
                "<|end_of_image|>", "<think>", "</think>", "<tool_call>", "</tool_call>",
                "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>"]
    train_byte_level(tok, 1500, [])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    g, s = tok.token_to_id("[gMASK]"), tok.token_to_id("<sop>")
    tok.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(single="[gMASK] <sop> $A", pair="[gMASK] <sop> $A $B",
                                      special_tokens=[("[gMASK]", g), ("<sop>", s)]),
    ])
    return tok


def make_deepseek_v3() -> Tokenizer:
    tok = Tokenizer(byte_level_bpe())
    tok.normalizer = normalizers.Sequence([])
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(r), behavior="isolated", invert=False) for r in DSV3_REGEXES]
        + [pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    specials = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>"]
    train_byte_level(tok, 1500, specials)
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in
                            ["<｜User｜>", "<｜Assistant｜>", "<｜fim▁hole｜>", "<｜fim▁begin｜>",
                             "<｜fim▁end｜>"]])
    tok.add_tokens([AddedToken(s, special=False, normalized=False) for s in ["<think>", "</think>"]])
    bos = tok.token_to_id("<｜begin▁of▁sentence｜>")
    tok.post_processor = processors.TemplateProcessing(
        single="<｜begin▁of▁sentence｜> $A", pair="<｜begin▁of▁sentence｜> $A <｜begin▁of▁sentence｜> $B",
        special_tokens=[("<｜begin▁of▁sentence｜>", bos)])
    return tok


def make_qwen3() -> Tokenizer:
    tok = Tokenizer(byte_level_bpe())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False,
                                              use_regex=False)
    train_byte_level(tok, 1500, ["<|endoftext|>"])
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False)
                            for s in ["<|im_start|>", "<|im_end|>"]])
    tok.add_tokens([AddedToken(s, special=False, normalized=False)
                    for s in ["<think>", "</think>", "<tool_call>", "</tool_call>"]])
    return tok


def train_spm_like(vocab_size: int, byte_tokens: bool, fuse_unk: bool) -> Tokenizer:
    """A SentencePiece-style BPE: ▁ marks word starts, <unk>/<s>/</s> at ids 0-2 and, when
    byte_tokens, <0x00>..<0xFF> at ids 3-258 as in Llama/Mistral vocabularies."""
    tok = Tokenizer(models.BPE(unk_token="<unk>", byte_fallback=byte_tokens, fuse_unk=fuse_unk))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  special_tokens=["<unk>", "<s>", "</s>"], limit_alphabet=120)
    tok.train_from_iterator(training_text(), trainer=trainer)
    if not byte_tokens:
        return tok
    # Re-number: specials, then the 256 byte tokens, then the learnt pieces.
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    ordered = sorted(vocab.items(), key=lambda kv: kv[1])
    new_vocab: dict[str, int] = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        new_vocab[f"<0x{b:02X}>"] = len(new_vocab)
    for piece, _ in ordered:
        if piece not in new_vocab:
            new_vocab[piece] = len(new_vocab)
    data["model"]["vocab"] = new_vocab
    for t in data["added_tokens"]:
        t["id"] = new_vocab[t["content"]]
    return Tokenizer.from_str(json.dumps(data))


def spm_decoder() -> decoders.Decoder:
    return decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                              decoders.Strip(content=" ", left=1, right=0)])


def bos_template(tok: Tokenizer) -> processors.TemplateProcessing:
    bos = tok.token_to_id("<s>")
    return processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B",
                                         special_tokens=[("<s>", bos)])


def make_mixtral() -> Tokenizer:
    tok = train_spm_like(1200, byte_tokens=True, fuse_unk=True)
    tok.pre_tokenizer = None
    tok.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    tok.decoder = spm_decoder()
    tok.post_processor = bos_template(tok)
    return tok


def make_mixtral_metaspace() -> Tokenizer:
    tok = train_spm_like(1200, byte_tokens=True, fuse_unk=True)
    tok.normalizer = None
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    tok.decoder = spm_decoder()
    tok.post_processor = bos_template(tok)
    return tok


def make_gpt2_roberta() -> Tokenizer:
    tok = Tokenizer(byte_level_bpe())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    train_byte_level(tok, 900, ["<s>", "<pad>", "</s>", "<unk>"])
    tok.add_special_tokens([AddedToken("<mask>", special=True, lstrip=True, normalized=False)])
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                      ("<s>", tok.token_to_id("<s>")))
    return tok


def make_misc_splits() -> Tokenizer:
    tok = Tokenizer(models.BPE(ignore_merges=True))
    tok.normalizer = normalizers.Sequence([
        normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase(),
        normalizers.Replace(Regex(r"[ ]{2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(r"\s+"), behavior="removed"),
        pre_tokenizers.Split("-", behavior="merged_with_previous"),
        pre_tokenizers.Split(Regex(r"[.,;:!?]"), behavior="merged_with_next"),
        pre_tokenizers.Split(Regex(r"\p{L}+"), behavior="contiguous", invert=True),
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.Sequence([decoders.ByteLevel(), decoders.Replace("-", " - ")])
    train_byte_level(tok, 700, [])
    tok.add_special_tokens([AddedToken("[MASK]", special=True, lstrip=True, rstrip=True,
                                       normalized=False)])
    tok.add_tokens([AddedToken("<ent>", special=False, single_word=True, normalized=False),
                    AddedToken("HELLO WORLD", special=False, normalized=True)])
    return tok


def make_spm_unk() -> Tokenizer:
    tok = train_spm_like(600, byte_tokens=False, fuse_unk=False)
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B </s>",
        special_tokens=[("<s>", tok.token_to_id("<s>")), ("</s>", tok.token_to_id("</s>"))])
    return tok


def make_bpe_affixes() -> Tokenizer:
    tok = Tokenizer(models.BPE(unk_token="[UNK]", continuing_subword_prefix="##", end_of_word_suffix="</w>"))
    tok.normalizer = normalizers.Sequence([normalizers.Strip(left=True, right=False), normalizers.Prepend("_"),
                                           normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                                 pre_tokenizers.Digits(individual_digits=False)])
    trainer = trainers.BpeTrainer(vocab_size=500, min_frequency=2, show_progress=False,
                                  special_tokens=["[UNK]", "[CLS]", "[SEP]"], limit_alphabet=150,
                                  continuing_subword_prefix="##", end_of_word_suffix="</w>")
    tok.train_from_iterator(training_text(), trainer=trainer)
    tok.post_processor = processors.BertProcessing(("[SEP]", tok.token_to_id("[SEP]")),
                                                   ("[CLS]", tok.token_to_id("[CLS]")))
    tok.decoder = decoders.Sequence([decoders.Replace("</w>", " "), decoders.Strip(" ", 0, 2)])
    return tok


def make_whitespace_bytelevel() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.Sequence([normalizers.NFD(), normalizers.Strip(), normalizers.ByteLevel()])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Whitespace(),
        pre_tokenizers.Split(Regex(r"[aeiou]"), behavior="merged_with_previous", invert=True),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    train_byte_level(tok, 500, [])
    tok.add_special_tokens([AddedToken("<|x|>", special=True, single_word=True, lstrip=True, rstrip=True,
                                       normalized=False)])
    return tok


FAMILIES = {
    "glm": make_glm,
    "deepseek_v3": make_deepseek_v3,
    "qwen3": make_qwen3,
    "mixtral": make_mixtral,
    "mixtral_metaspace": make_mixtral_metaspace,
    "gpt2_roberta": make_gpt2_roberta,
    "misc_splits": make_misc_splits,
    "spm_unk": make_spm_unk,
    "bpe_affixes": make_bpe_affixes,
    "whitespace_bytelevel": make_whitespace_bytelevel,
}


def expected_for(tok: Tokenizer, texts: list[str]) -> list[dict]:
    cases = []
    for text in texts:
        with_special = tok.encode(text, add_special_tokens=True).ids
        plain = tok.encode(text, add_special_tokens=False).ids
        cases.append({
            "text": text,
            "ids": with_special,
            "ids_no_special": plain,
            "decoded": tok.decode(with_special, skip_special_tokens=True),
            "decoded_keep_special": tok.decode(with_special, skip_special_tokens=False),
        })
    return cases


def main() -> int:
    import tokenizers
    only = set(sys.argv[1:])
    for name, make in FAMILIES.items():
        if only and name not in only:
            continue
        tok = make()
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        # Reload from the saved text so the expectations come from exactly the committed file.
        text = tok.to_str(pretty=True)
        (folder / "tokenizer.json").write_text(text + "\n", encoding="utf-8")
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        expected = {
            "generator": "scripts/make_tokenizer_fixtures.py",
            "tokenizers_version": tokenizers.__version__,
            "family": name,
            "vocab_size": tok.get_vocab_size(with_added_tokens=True),
            "cases": expected_for(tok, COMMON_TEXTS + FAMILY_TEXTS[name]),
        }
        (folder / "expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        size = sum(os.path.getsize(folder / f) for f in ("tokenizer.json", "expected.json"))
        print(f"{name}: {len(expected['cases'])} texts, vocab {expected['vocab_size']}, {size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
