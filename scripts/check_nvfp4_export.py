#!/usr/bin/env python3
"""Reads a `moecut export nvfp4` folder with PyTorch and safetensors, as an
independent reader: every quantised module X has X.weight uint8 [out, in/2],
X.weight_scale float8_e4m3fn [out, in/16], X.weight_scale_2 float32 [] and
(for quant_algo NVFP4) X.input_scale float32 []; gate_proj and up_proj of one
module share weight_scale_2; config.json and hf_quant_config.json carry what
vLLM's ModelOpt NVFP4 loader reads. Each module is dequantised here with
torch's float8 type (value = e2m1(code) * float(weight_scale) * weight_scale_2,
code of element 2k in the low nibble of byte k) and compared with the source
checkpoint's weights: |w - deq| <= max(0.2 |w|, 0.25 * block unit) per
element (docs/export.md derives the bound). Kept tensors must equal the
source's exactly.

Usage: check_nvfp4_export.py SOURCE_DIR EXPORT_DIR   (exit 1 on any failure)
"""
import json
import pathlib
import sys

import torch
from safetensors import safe_open

E2M1 = torch.tensor([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6], dtype=torch.float32)


def load(folder):
    out = {}
    for f in sorted(pathlib.Path(folder).glob("*.safetensors")):
        with safe_open(str(f), "pt") as h:
            for k in h.keys():
                out[k] = h.get_tensor(k)
    return out


def main():
    src_dir, out_dir = map(pathlib.Path, sys.argv[1:3])
    src, out = load(src_dir), load(out_dir)
    cfg = json.loads((out_dir / "config.json").read_text())
    hq = json.loads((out_dir / "hf_quant_config.json").read_text())
    qc = cfg["quantization_config"]
    errors = []
    if qc.get("quant_method") != "modelopt" or "NVFP4" not in qc.get("quant_algo", "") or qc.get("group_size") != 16:
        errors.append(f"config.json quantization_config: {qc}")
    q = hq.get("quantization", {})
    for key in ("group_size", "kv_cache_quant_algo", "exclude_modules"):
        if key not in q:
            errors.append(f"hf_quant_config.json: no {key}")
    if hq.get("producer", {}).get("name") != "modelopt":
        errors.append("hf_quant_config.json: producer.name is not modelopt")
    w4a4 = qc["quant_algo"] == "NVFP4"
    modules = sorted(k[: -len(".weight_scale_2")] for k in out if k.endswith(".weight_scale_2"))
    worst = 0.0
    for x in modules:
        w, s, g = out[x + ".weight"], out[x + ".weight_scale"], out[x + ".weight_scale_2"]
        if w.dtype != torch.uint8 or s.dtype != torch.float8_e4m3fn or g.dtype != torch.float32 or g.dim() != 0:
            errors.append(f"{x}: dtypes {w.dtype} {s.dtype} {g.dtype} {tuple(g.shape)}")
            continue
        if w4a4 and (x + ".input_scale" not in out or out[x + ".input_scale"].dim() != 0):
            errors.append(f"{x}: no scalar input_scale")
        rows, half = w.shape
        if tuple(s.shape) != (rows, half * 2 // 16):
            errors.append(f"{x}: weight_scale shape {tuple(s.shape)}")
            continue
        codes = torch.stack([w & 0xF, w >> 4], dim=-1).reshape(rows, half * 2).long()
        unit = (s.float() * g).repeat_interleave(16, dim=1)
        deq = E2M1[codes] * unit
        ref = src.get(x + ".weight")
        if ref is None:
            continue  # fused source: checked by the C++ tests
        ref = ref.float()
        bound = torch.maximum(0.2 * ref.abs(), 0.25 * unit) * (1 + 1e-5) + 1e-30
        ratio = ((ref - deq).abs() / bound).max().item()
        worst = max(worst, ratio)
        if ratio > 1:
            errors.append(f"{x}: dequantisation error {ratio:.3f} x the bound")
    for a, b in (("gate_proj", "up_proj"), ("w1", "w3")):
        for x in modules:
            if x.endswith("." + a) and x[: -len(a)] + b in modules:
                if out[x + ".weight_scale_2"].item() != out[x[: -len(a)] + b + ".weight_scale_2"].item():
                    errors.append(f"{x}: weight_scale_2 differs from its {b}")
    kept = [k for k in out if not any(k.startswith(m + ".") for m in modules)]
    for k in kept:
        if k in src and src[k].dtype == out[k].dtype and not torch.equal(src[k], out[k]):
            errors.append(f"{k}: kept tensor differs from the source")
    print(f"{len(modules)} quantised modules, {len(kept)} kept tensors, worst error/bound {worst:.3f}")
    for e in errors:
        print("FAIL", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
