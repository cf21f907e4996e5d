#!/usr/bin/env python3
"""Checks moecut's GGUF quantization with an importance matrix against llama.cpp's own
llama-quantize (llama_model_quantize from llama-cpp-python's libllama, through its ctypes
bindings), end to end, on a qwen3_moe checkpoint whose widths are all multiples of 256.

  ~/.cache/moecut/test-venv/bin/python scripts/check_gguf_vs_llama_quantize.py MOECUT WORKDIR

1. `moecut make-tiny --family qwen3_moe` gives the config and tokenizer; the config is widened
   (hidden 256, 2 heads of 128, 1 KV head, 4 experts of 256, 2 layers) and random weights written.
2. `moecut export gguf --type f32` -> f32.gguf, the input of llama-quantize.
3. A legacy llama-imatrix file (im.dat, ncall 1) with random importance for every matrix
   (experts: one vector per expert).
4. Pure types (llama-quantize --pure: every matrix the ftype's base type): llama_model_quantize
   with the imatrix vs `moecut export gguf --type T --imatrix im.dat`: every tensor byte-identical,
   for q4_0, q2_k, q3_k, q4_k, q5_k, q6_k (and without the imatrix for q4_k).
5. Q4_K_M: llama-quantize's per-tensor types vs `--type q4_k_m`: moecut differs only where
   docs/export.md says (routed experts at the base type, the rest at least Q5_K); tensors of
   equal type are byte-identical.
Prints one line per check; exits 1 on any difference.
"""
import ctypes
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import llama_cpp

H, HD, NH, NKV, E, I, L = 256, 128, 2, 1, 4, 256, 2
BPW = {"f32": 32, "f16": 16, "q4_0": 4.5, "q8_0": 8.5, "q2_K": 2.625, "q3_K": 3.4375, "q4_K": 4.5, "q5_K": 5.5, "q6_K": 6.5625}


def write_safetensors(path: Path, tensors: dict):
    header, blobs, off = {}, [], 0
    for name, a in tensors.items():
        b = np.ascontiguousarray(a, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    path.write_bytes(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def make_model(moecut: str, work: Path) -> Path:
    d = work / "model"
    subprocess.run([moecut, "make-tiny", "--family", "qwen3_moe", "--out", str(d)], check=True, capture_output=True)
    cfg = json.loads((d / "config.json").read_text())
    cfg.update(hidden_size=H, head_dim=HD, num_attention_heads=NH, num_key_value_heads=NKV, num_experts=E,
               num_experts_per_tok=2, moe_intermediate_size=I, intermediate_size=I, num_hidden_layers=L)
    (d / "config.json").write_text(json.dumps(cfg, indent=1))
    for f in list(d.glob("*.safetensors")) + list(d.glob("*.safetensors.index.json")):
        f.unlink()
    V = cfg["vocab_size"]
    rng = np.random.default_rng(5)
    r = lambda *s: (rng.standard_normal(s) * 0.05).astype(np.float32)
    t = {"model.embed_tokens.weight": r(V, H), "lm_head.weight": r(V, H), "model.norm.weight": np.ones(H, np.float32)}
    for l in range(L):
        p = f"model.layers.{l}."
        t[p + "input_layernorm.weight"] = np.ones(H, np.float32)
        t[p + "post_attention_layernorm.weight"] = np.ones(H, np.float32)
        t[p + "self_attn.q_proj.weight"] = r(NH * HD, H)
        t[p + "self_attn.k_proj.weight"] = r(NKV * HD, H)
        t[p + "self_attn.v_proj.weight"] = r(NKV * HD, H)
        t[p + "self_attn.o_proj.weight"] = r(H, NH * HD)
        t[p + "self_attn.q_norm.weight"] = np.ones(HD, np.float32)
        t[p + "self_attn.k_norm.weight"] = np.ones(HD, np.float32)
        t[p + "mlp.gate.weight"] = r(E, H)
        for e in range(E):
            t[p + f"mlp.experts.{e}.gate_proj.weight"] = r(I, H)
            t[p + f"mlp.experts.{e}.up_proj.weight"] = r(I, H)
            t[p + f"mlp.experts.{e}.down_proj.weight"] = r(H, I)
    write_safetensors(d / "model.safetensors", t)
    return d


def tensors_of(moecut: str, path: Path) -> dict:
    j = json.loads(subprocess.run([moecut, "gguf-check", "--json", str(path)], check=True, capture_output=True, text=True).stdout)
    data = path.read_bytes()
    base = j.get("data_offset")
    out = {}
    for t in j["tensors"]:
        off = base + t["offset"]
        out[t["name"]] = (t["type"], t["ne"], data[off:off + t["nbytes"]])
    return out


def imatrix(f32: dict, path: Path) -> dict:
    """Random importance per quantizable matrix; written as a legacy .dat with ncall 1."""
    rng = np.random.default_rng(11)
    ent = {}
    for name, (_, ne, _) in f32.items():
        if len(ne) < 2 or "_norm" in name or "ffn_gate_inp" in name:
            continue
        n = ne[0] * (ne[2] if len(ne) > 2 else 1)
        ent[name] = rng.gamma(0.7, 1.5, n).astype(np.float32)
    b = struct.pack("<i", len(ent))
    for name, v in ent.items():
        b += struct.pack("<i", len(name)) + name.encode() + struct.pack("<ii", 1, v.size) + v.tobytes()
    path.write_bytes(b)
    return ent


def llama_quantize(src: Path, dst: Path, ftype: int, pure: bool, ent: dict | None):
    p = llama_cpp.llama_model_quantize_default_params()
    p.nthread = 1
    p.ftype = ftype
    p.pure = pure
    keep = []
    if ent:
        arr = (llama_cpp.llama_model_imatrix_data * (len(ent) + 1))()
        for i, (name, v) in enumerate(ent.items()):
            nb = ctypes.create_string_buffer(name.encode())
            keep += [nb, v]
            arr[i].name = ctypes.cast(nb, ctypes.c_char_p)
            arr[i].data = v.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            arr[i].size = v.size
        arr[len(ent)].name = None
        p.imatrix = ctypes.cast(arr, ctypes.POINTER(llama_cpp.llama_model_imatrix_data))
        keep.append(arr)
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(p))
    if rc != 0:
        raise SystemExit(f"llama_model_quantize failed ({rc})")


def main():
    moecut, work = sys.argv[1], Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    model = make_model(moecut, work)
    export = lambda out, *a: subprocess.run([moecut, "export", "gguf", "--model", str(model), "--out", str(out), *a],
                                            check=True, capture_output=True)
    export(work / "f32.gguf", "--type", "f32")
    f32 = tensors_of(moecut, work / "f32.gguf")
    ent = imatrix(f32, work / "im.dat")
    bad = 0
    # ftype numbers (llama.h): Q4_0 2, Q2_K 10, Q3_K_S 11, Q4_K_S 14, Q5_K_S 16, Q6_K 18; pure = base type everywhere
    for ttype, ftype, with_im in (("q4_0", 2, True), ("q2_k", 10, True), ("q3_k", 11, True), ("q4_k", 14, True),
                                  ("q5_k", 16, True), ("q6_k", 18, True), ("q4_k", 14, False)):
        tag = f"{ttype}{'' if with_im else ' (no imatrix)'}"
        llama_quantize(work / "f32.gguf", work / "lq.gguf", ftype, True, ent if with_im else None)
        export(work / "mc.gguf", "--type", ttype, *(["--imatrix", str(work / "im.dat")] if with_im else []))
        a, b = tensors_of(moecut, work / "lq.gguf"), tensors_of(moecut, work / "mc.gguf")
        diff = [n for n in a if n not in b or a[n][0] != b[n][0] or a[n][2] != b[n][2]]
        quantized = sum(1 for n in a if a[n][0] != "f32")
        print(f"pure {tag}: {len(a)} tensors ({quantized} quantized), {len(diff)} differ{': ' + ', '.join(diff[:5]) if diff else ''}")
        bad += len(diff) > 0 or quantized < 10
    # Q4_K_M (15): types per tensor, and bytes where the types agree.
    llama_quantize(work / "f32.gguf", work / "lq.gguf", 15, False, ent)
    export(work / "mc.gguf", "--type", "q4_k_m", "--imatrix", str(work / "im.dat"))
    a, b = tensors_of(moecut, work / "lq.gguf"), tensors_of(moecut, work / "mc.gguf")
    same, unexpected = 0, []
    for n, (ta, _, da) in a.items():
        tb, _, db = b[n]
        if ta == tb:
            same += 1
            if da != db:
                unexpected.append(f"{n} bytes")
        elif "_exps" in n:
            if tb != "q4_K":
                unexpected.append(f"{n}: {tb}")
        elif not (BPW[tb] >= BPW["q5_K"] and BPW[tb] >= BPW[ta]):
            unexpected.append(f"{n}: llama {ta}, moecut {tb}")
    print(f"q4_k_m: {len(a)} tensors, {same} of equal type (byte-identical), {len(unexpected)} unexpected"
          f"{': ' + ', '.join(unexpected[:5]) if unexpected else ''}")
    bad += len(unexpected) > 0
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
