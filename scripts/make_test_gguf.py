#!/usr/bin/env python3
"""Writes tests/data/gguf/tiny-bigram-llama.gguf: a 2-layer llama-architecture GGUF
whose next token depends only on the last token, for the OpenAI-server tests
(tests/core/test_openai_backend.cpp, served by llama-cpp-python).

Design: every active token has its own one-hot embedding slot, the transformer
layers add only small noise (weights ~N(0, 0.01)), and output.weight maps slot(i)
to succ(i) with a logit of about +32, so sampling at temperature 1 follows
succ deterministically:
  a -> b -> ... -> k -> </s>        prompt ending in 'c' generates "defghijk" then EOS
  l -> m -> n -> l                  prompt ending in 'l' loops "mnl..." until max_tokens
  o..z and '▁' -> a                 (start the EOS chain)
Tokenizer: SentencePiece-style ("llama") vocab of <unk> <s> </s>, the 256 byte
tokens and the single letters plus '▁', no space prefix; chat template: the
message contents concatenated, so the last character of the last message picks
the continuation.

Usage: /opt/refvenv/bin/python scripts/make_test_gguf.py [OUT]   (needs gguf, numpy)
"""
import sys
from pathlib import Path

import gguf
import numpy as np

N_EMBD, N_FF, N_LAYER, N_HEAD, CTX = 64, 64, 2, 4, 512
LOGIT_SCALE = 4.0  # x sqrt(N_EMBD) after RMSNorm = +32


def vocab():
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL]
    types += [gguf.TokenType.BYTE] * 256
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["\u2581"]
    tokens += letters
    types += [gguf.TokenType.NORMAL] * len(letters)
    scores = [0.0] * len(tokens)
    return tokens, scores, types


def successors(tokens):
    ids = {t: i for i, t in enumerate(tokens)}
    succ = {}
    chain = "abcdefghijk"
    for x, y in zip(chain, chain[1:]):
        succ[ids[x]] = ids[y]
    succ[ids["k"]] = ids["</s>"]
    succ[ids["l"]], succ[ids["m"]], succ[ids["n"]] = ids["m"], ids["n"], ids["l"]
    for c in "opqrstuvwxyz\u2581":
        succ[ids[c]] = ids["a"]
    return succ


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parent.parent / "tests/data/gguf/tiny-bigram-llama.gguf"
    rng = np.random.default_rng(20261128)
    tokens, scores, types = vocab()
    n_vocab = len(tokens)
    succ = successors(tokens)
    assert len(succ) <= N_EMBD

    embd = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    output = np.zeros((n_vocab, N_EMBD), dtype=np.float32)
    for slot, (tok, nxt) in enumerate(sorted(succ.items())):
        embd[tok, slot] = 1.0
        output[nxt, slot] = LOGIT_SCALE

    def noise(*shape):
        return (rng.standard_normal(shape) * 0.01).astype(np.float32)

    w = gguf.GGUFWriter(str(out), "llama")
    w.add_name("moecut tiny bigram llama (test fixture)")
    w.add_context_length(CTX)
    w.add_embedding_length(N_EMBD)
    w.add_block_count(N_LAYER)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_vocab_size(n_vocab)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(0)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    w.add_chat_template("{% for message in messages %}{{ message['content'] }}{% endfor %}")

    w.add_tensor("token_embd.weight", embd)
    w.add_tensor("output_norm.weight", np.ones(N_EMBD, dtype=np.float32))
    w.add_tensor("output.weight", output)
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
            w.add_tensor(p + name + ".weight", noise(N_EMBD, N_EMBD))
        w.add_tensor(p + "ffn_norm.weight", np.ones(N_EMBD, dtype=np.float32))
        w.add_tensor(p + "ffn_gate.weight", noise(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_up.weight", noise(N_FF, N_EMBD))
        w.add_tensor(p + "ffn_down.weight", noise(N_EMBD, N_FF))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"{out}: {out.stat().st_size} bytes, vocab {n_vocab}")


if __name__ == "__main__":
    main()
