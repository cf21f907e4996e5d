#!/usr/bin/env python3
"""The reference `tokenizers` library measured as bench_tokenizer.cpp measures moecut.

    /opt/refvenv/bin/python bench/bench_tokenizer_reference.py TOKENIZER TEXT_FILE [--repeat N]

Single-threaded calls (Tokenizer.encode on the whole text, then line by line), so the
figures compare with bench_tokenizer's; encode_batch would use every core.
"""
import argparse
import time
from pathlib import Path

from tokenizers import Tokenizer


def measure(repeat, fn):
    t0 = time.perf_counter()
    tokens = fn()
    cold = time.perf_counter() - t0
    warm = cold
    for i in range(repeat):
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        warm = dt if i == 0 else min(warm, dt)
    return tokens, cold, warm


def report(what, res, nbytes):
    tokens, cold, warm = res
    print(f"{what:<22} {tokens:>9} tokens  cold {cold:8.3f} s {tokens / cold:>12.0f} tok/s   "
          f"warm {warm:8.3f} s {tokens / warm:>12.0f} tok/s {nbytes / warm / 1e6:7.2f} MB/s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tokenizer")
    ap.add_argument("text")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    path = Path(a.tokenizer)
    if path.is_dir():
        path = path / "tokenizer.json"
    t0 = time.perf_counter()
    tok = Tokenizer.from_file(str(path))
    load = time.perf_counter() - t0
    data = Path(a.text).read_bytes()
    text = data.decode("utf-8", errors="replace")
    parts = text.split("\n")  # as bench_tokenizer.cpp: on LF only, keeping it
    lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    print(f"tokenizer {a.tokenizer} (vocab {tok.get_vocab_size(with_added_tokens=True)}) loaded in {load:.3f} s")
    print(f"text {len(data)} bytes, {len(lines)} lines")
    holder = {}

    def whole():
        holder["ids"] = tok.encode(text, add_special_tokens=False).ids
        return len(holder["ids"])

    report("encode whole text", measure(a.repeat, whole), len(data))
    fresh = Tokenizer.from_file(str(path))
    report("encode line by line",
           measure(a.repeat, lambda: sum(len(fresh.encode(l, add_special_tokens=False).ids) for l in lines)),
           len(data))
    report("decode", measure(a.repeat, lambda: len(tok.decode(holder["ids"], skip_special_tokens=False)) and
                             len(holder["ids"])), len(data))


if __name__ == "__main__":
    main()
