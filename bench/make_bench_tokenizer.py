#!/usr/bin/env python3
"""A realistic-size tokenizer and text for bench_tokenizer (not committed: made on demand).

    /opt/refvenv/bin/python bench/make_bench_tokenizer.py OUT_DIR [--vocab 65536]

Trains a byte-level BPE with the Qwen2/Qwen3 configuration of
scripts/make_tokenizer_fixtures.py (NFC, the Qwen2 Split regex, ByteLevel) on ~40 MB of the
Python sources installed with transformers, and writes OUT_DIR/tokenizer.json plus
OUT_DIR/bench.txt (~4 MB of other sources: torch._inductor, huggingface_hub) followed by the
fixture script's multilingual and emoji text. Then:

    build/bench/bench_tokenizer OUT_DIR OUT_DIR/bench.txt
    /opt/refvenv/bin/python bench/bench_tokenizer_reference.py OUT_DIR OUT_DIR/bench.txt
"""
import argparse
import glob
import sys
from pathlib import Path

import tokenizers
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import make_tokenizer_fixtures as fixtures  # noqa: E402


def concat(files, limit):
    out, n = [], 0
    for f in files:
        s = Path(f).read_text(encoding="utf-8", errors="replace")
        out.append(s)
        n += len(s.encode())
        if n > limit:
            break
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vocab", type=int, default=65536)
    a = ap.parse_args()
    site = Path(tokenizers.__file__).resolve().parent.parent
    train = sorted(glob.glob(f"{site}/transformers/models/**/*.py", recursive=True))
    bench = (sorted(glob.glob(f"{site}/torch/_inductor/**/*.py", recursive=True))
             + sorted(glob.glob(f"{site}/huggingface_hub/**/*.py", recursive=True)))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = concat(train, 40_000_000)
    text = concat(bench, 4_000_000) + (fixtures.MULTILINGUAL + fixtures.EMOJI) * 20

    tok = Tokenizer(fixtures.byte_level_bpe())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(fixtures.QWEN2_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=a.vocab, min_frequency=2, show_progress=False,
                                  special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus.splitlines(keepends=True), trainer=trainer)
    tok.save(str(out / "tokenizer.json"))
    (out / "bench.txt").write_text(text, encoding="utf-8")
    print(f"{out}/tokenizer.json: vocab {tok.get_vocab_size()}; {out}/bench.txt: {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
