#!/usr/bin/env python3
"""Golden fixtures for the shipped tiny model (resources/models/tiny-glm5-moe).

1. tests/data/tokenizers/tiny_glm5_moe/expected.json: ids and decodings of a
   fixed text set by PyPI `tokenizers` with the shipped tokenizer.json (which
   moecut's own BPE trainer wrote); checked by tests/core/test_bpe_trainer.cpp.
2. tests/data/tiny_model/expected.safetensors: transformers (float32, eager)
   on the shipped checkpoint for two fixed token sequences (held-out probe
   text tokenized with the shipped tokenizer), checked by
   tests/engine/test_tiny_model.cpp against moecut's Model::forward:
     input_ids              [B, T] int64
     logits_slice           [B, T, 256] f32   logits of token ids 0..255
     logits_topk_idx        [B, T, 10] int64  the 10 best token ids per position
     logits_topk            [B, T, 10] f32    their logits
     moe.<L>.topk_idx       [N, K] int64      selected experts (compare as sets)
     moe.<L>.topk_weight    [N, K] f32
     mtp.next_ids, mtp.logits_slice [B, T, 256], mtp.logits_topk_idx
   The MTP layer runs as in scripts/make_runtime_goldens.py (vLLM deepseek_mtp
   semantics around transformers' decoder layer). Inputs whose router top-k
   has a near-tie at its boundary are skipped (next candidate window).

Run:  /opt/refvenv/bin/python scripts/make_tiny_model_goldens.py
"""
import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import make_runtime_goldens as rg  # noqa: E402

MODEL = os.path.join(ROOT, "resources", "models", "tiny-glm5-moe")
B, T, SLICE, TOPK = 2, 24, 256, 10

TEXTS = [
    "", "Hello world", " leading space", "trailing space ", "two  spaces", "tab\tseparated\tvalues",
    "line one\nline two\r\nline three\n\n\n", "def f(x):\n    return x * 2\n", "int main(void) { return 0; }",
    "for i in $(seq 1 10); do echo \"$i\"; done", "const add = (a, b) => a + b;", "x = [1, 22, 333, 4444, 55555]",
    "Ünïcödé: naïve café, Straße, ΑΒΓ, Кириллица", "日本語のテキストと中文", "emoji 😀🎉 and symbols ©®™",
    "<|endoftext|>", "<|user|>\nhi<|assistant|>\nhello", "[gMASK]<sop><|system|>\nYou are terse.",
    "<think>reasoning</think>answer", "don't won't it's we're they've I'm you'll he'd",
    "CamelCaseIdentifier snake_case_name SCREAMING_CASE", "    indented\n\tmixed \t whitespace",
    "https://example.com/path?query=1&x=y#frag", "3.14159 2.71828 1e-10 0x1F 0b1010",
    "a" * 50, "!!!???...,,,;;;", "\x00\x01\x02 control", "#include <stdio.h>\n", "# comment\nimport os, sys",
    "The Rust programming language helps you write faster, more reliable software.",
]


def tokenizer_fixture(tok_path, probes):
    tok = Tokenizer.from_file(tok_path)
    texts = list(TEXTS)
    by_source = {}
    for p in probes:
        by_source.setdefault(p["source"], []).append(p["prompt"])
    for src in sorted(by_source):
        texts += by_source[src][:6]
    cases = []
    for t in texts:
        enc = tok.encode(t, add_special_tokens=True)
        cases.append({
            "text": t, "ids": enc.ids,
            "ids_no_special": tok.encode(t, add_special_tokens=False).ids,
            "decoded": tok.decode(enc.ids, skip_special_tokens=True),
            "decoded_keep_special": tok.decode(enc.ids, skip_special_tokens=False),
        })
    import tokenizers
    return {"generator": "scripts/make_tiny_model_goldens.py", "tokenizers_version": tokenizers.__version__,
            "family": "tiny_glm5_moe", "vocab_size": tok.get_vocab_size(with_added_tokens=True), "cases": cases}


def main():
    global MODEL
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--out-root", default=os.path.join(ROOT, "tests", "data"), help="where tokenizers/ and tiny_model/ go")
    a = ap.parse_args()
    MODEL = a.model
    probes = [json.loads(l) for l in open(os.path.join(ROOT, "resources", "corpus", "probes.jsonl"))]
    tok_path = os.path.join(MODEL, "tokenizer.json")
    fx = tokenizer_fixture(tok_path, probes)
    dst = os.path.join(a.out_root, "tokenizers", "tiny_glm5_moe")
    os.makedirs(dst, exist_ok=True)
    with open(os.path.join(dst, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(fx, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"tokenizer: {len(fx['cases'])} cases")

    cfg = json.load(open(os.path.join(MODEL, "config.json")))
    tensors = rg.read_tensors(os.path.join(MODEL, "model.safetensors"))
    model, info = transformers.AutoModelForCausalLM.from_pretrained(
        MODEL, dtype=torch.float32, attn_implementation="eager", experts_implementation="eager",
        output_loading_info=True)
    model.eval()
    L = cfg["num_hidden_layers"]
    if info["missing_keys"] or info.get("mismatched_keys"):
        raise SystemExit(f"transformers did not load every weight: {info}")
    unexpected = [k for k in info["unexpected_keys"] if not k.startswith(f"model.layers.{L}.")]
    if unexpected:
        raise SystemExit(f"unexpected keys {unexpected[:5]}")

    tok = Tokenizer.from_file(tok_path)
    # Candidate sequences: <|endoftext|> + the tokens of long probes, T tokens each.
    stream = [[0] + tok.encode(p["prompt"], add_special_tokens=False).ids for p in probes]
    stream = [s[:T] for s in stream if len(s) >= T]
    for attempt in range(0, len(stream) - B, B):
        ids = torch.tensor(stream[attempt:attempt + B], dtype=torch.long)
        rec = rg.Recorder()
        for i, layer in enumerate(model.model.layers):
            rec.attach(i, layer.mlp)
        final = {}
        hk = model.model.norm.register_forward_hook(lambda m, a, o: final.__setitem__("h", o.detach().clone()))
        with torch.no_grad():
            logits = model(input_ids=ids, use_cache=False).logits.float()
        hk.remove()
        nxt = torch.cat([ids[:, 1:], logits[:, -1].argmax(-1, keepdim=True)], 1)
        mtp_logits = rg.mtp_forward(model, cfg, tensors, "per-expert", final["h"], nxt, rec).float()
        for h in rec.handles:
            h.remove()
        if not rec.ties:
            break
    else:
        raise SystemExit("no candidate without near-ties")

    out = {"input_ids": ids.contiguous(), "logits_slice": logits[..., :SLICE].contiguous()}
    top = logits.topk(TOPK, -1)
    out["logits_topk_idx"], out["logits_topk"] = top.indices.contiguous(), top.values.contiguous()
    for layer, r in rec.layers.items():
        out[f"moe.{layer}.topk_idx"] = r["topk_idx"].contiguous()
        out[f"moe.{layer}.topk_weight"] = r["topk_weight"].contiguous()
    out["mtp.next_ids"] = nxt.contiguous()
    out["mtp.logits_slice"] = mtp_logits[..., :SLICE].contiguous()
    out["mtp.logits_topk_idx"] = mtp_logits.topk(TOPK, -1).indices.contiguous()
    meta = {"model": "resources/models/tiny-glm5-moe", "weights_fnv1a64": rg.fnv1a64(os.path.join(MODEL, "model.safetensors")),
            "batch": str(B), "tokens": str(T), "candidate": str(attempt),
            "transformers": transformers.__version__, "torch": torch.__version__}
    dst = os.path.join(a.out_root, "tiny_model")
    os.makedirs(dst, exist_ok=True)
    save_file(out, os.path.join(dst, "expected.safetensors"), metadata=meta)
    print(f"model: candidate {attempt}, moe layers {sorted(rec.layers)}")


if __name__ == "__main__":
    sys.exit(main())
