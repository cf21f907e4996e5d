#!/usr/bin/env python3
"""Scale a `moecut make-tiny --family qwen3_moe` checkpoint up for bench_gguf_export.

Usage: make_bench_gguf_checkpoint.py TINY_DIR OUT_DIR [--hidden 1024] [--expert-width 512]
           [--experts 16] [--layers 2] [--head-dim 128]
Writes OUT_DIR/config.json (TINY_DIR's, with the new sizes) and one BF16
model.safetensors with every tensor of the qwen3_moe layout at those sizes.
Values: gaussian (sigma 0.02) from a 1 Mi-value pool, tiled at a shifting
offset (quantisation costs the same on repeated data). Standard library only.
"""
import argparse
import json
import random
import struct
from pathlib import Path


def bf16_pool(n, seed=1):
    rng = random.Random(seed)
    out = bytearray()
    for _ in range(n):
        b = struct.pack('<f', rng.gauss(0.0, 0.02))
        out += b[2:4]  # truncate to bf16 (good enough for a benchmark)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('tiny')
    ap.add_argument('out')
    ap.add_argument('--hidden', type=int, default=1024)
    ap.add_argument('--expert-width', type=int, default=512)
    ap.add_argument('--experts', type=int, default=16)
    ap.add_argument('--layers', type=int, default=2)
    ap.add_argument('--head-dim', type=int, default=128)
    a = ap.parse_args()
    cfg = json.loads((Path(a.tiny) / 'config.json').read_text())
    if cfg.get('model_type') != 'qwen3_moe':
        raise SystemExit(f'{a.tiny}: expected a qwen3_moe make-tiny checkpoint')
    cfg.update(hidden_size=a.hidden, moe_intermediate_size=a.expert_width, intermediate_size=a.expert_width * 2,
               num_experts=a.experts, num_hidden_layers=a.layers, head_dim=a.head_dim, dtype='bfloat16')
    H, I, E, hd = a.hidden, a.expert_width, a.experts, a.head_dim
    nh, nkv, V = cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg['vocab_size']
    shapes = {'model.embed_tokens.weight': [V, H], 'lm_head.weight': [V, H], 'model.norm.weight': [H]}
    for l in range(a.layers):
        p = f'model.layers.{l}.'
        shapes.update({p + 'input_layernorm.weight': [H], p + 'post_attention_layernorm.weight': [H],
                       p + 'self_attn.q_proj.weight': [nh * hd, H], p + 'self_attn.k_proj.weight': [nkv * hd, H],
                       p + 'self_attn.v_proj.weight': [nkv * hd, H], p + 'self_attn.o_proj.weight': [H, nh * hd],
                       p + 'self_attn.q_norm.weight': [hd], p + 'self_attn.k_norm.weight': [hd],
                       p + 'mlp.gate.weight': [E, H]})
        for e in range(E):
            q = f'{p}mlp.experts.{e}.'
            shapes.update({q + 'gate_proj.weight': [I, H], q + 'up_proj.weight': [I, H], q + 'down_proj.weight': [H, I]})
    header, offset = {}, 0
    for name, shape in shapes.items():
        n = 1
        for d in shape:
            n *= d
        header[name] = {'dtype': 'BF16', 'shape': shape, 'data_offsets': [offset, offset + 2 * n]}
        offset += 2 * n
    hb = json.dumps(header).encode()
    hb += b' ' * (-len(hb) % 8)
    out = Path(a.out)
    out.mkdir(parents=True)
    (out / 'config.json').write_text(json.dumps(cfg, indent=2))
    for extra in ('generation_config.json', 'tokenizer.json', 'tokenizer_config.json'):
        if (Path(a.tiny) / extra).exists():
            (out / extra).write_bytes((Path(a.tiny) / extra).read_bytes())
    pool = bf16_pool(1 << 20)
    with open(out / 'model.safetensors', 'wb') as f:
        f.write(struct.pack('<Q', len(hb)) + hb)
        shift = 0
        for name, shape in shapes.items():
            left = header[name]['data_offsets'][1] - header[name]['data_offsets'][0]
            if len(shape) == 1:  # norms: ones
                f.write(struct.pack('<H', 0x3F80) * (left // 2))
                continue
            while left:
                start = (shift * 2 * 7919) % len(pool)
                chunk = pool[start:start + left]
                f.write(chunk)
                left -= len(chunk)
                shift += 1
    print(f'wrote {out}: {offset / 2**20:.1f} MB of BF16 tensors')


if __name__ == '__main__':
    main()
