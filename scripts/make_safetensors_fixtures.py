#!/usr/bin/env python3
"""Writes tests/data/safetensors/: small safetensors files made by the reference
`safetensors` package (0.8) and expected.json with every value as a float.

Run with the reference venv:  /opt/refvenv/bin/python scripts/make_safetensors_fixtures.py

Files:
  dtypes.safetensors   one tensor per dtype (bf16, f16, f32, f64, f8_e4m3fn,
                       f8_e5m2, bool, i64, i32, i16, i8, u8), metadata, special values
  scalars.safetensors  a 0-d tensor, a zero-size tensor, no metadata
  fp8/                 a checkpoint folder: config.json (quantization_config fp8,
                       128x128 blocks) and model.safetensors holding FP8 E4M3
                       weights with float32 and E8M0 weight_scale_inv (partial edge
                       blocks); expected.json holds torch's dequantised values at
                       sampled positions.
"""
import json
import math
import pathlib

import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "safetensors"
DTYPE_NAMES = {
    torch.bfloat16: "BF16", torch.float16: "F16", torch.float32: "F32", torch.float64: "F64",
    torch.float8_e4m3fn: "F8_E4M3", torch.float8_e5m2: "F8_E5M2", torch.float8_e8m0fnu: "F8_E8M0",
    torch.bool: "BOOL", torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8",
}


def header_order(path):
    data = path.read_bytes()
    n = int.from_bytes(data[:8], "little")
    return [k for k in json.loads(data[8:8 + n]) if k != "__metadata__"]


def describe(t):
    vals = t.to(torch.float64).flatten().tolist()
    special = {}
    for i, v in enumerate(vals):
        if math.isnan(v):
            special[str(i)] = "nan"
        elif math.isinf(v):
            special[str(i)] = "inf" if v > 0 else "-inf"
        if str(i) in special:
            vals[i] = 0.0
    return {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": vals, "special": special}


def write(name, tensors, metadata, expected):
    path = OUT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=metadata)
    expected["files"][name] = {
        "order": header_order(path),
        "metadata": metadata or {},
        "tensors": {k: describe(v) for k, v in tensors.items()},
    }


def main():
    g = torch.Generator().manual_seed(1234)
    expected = {"files": {}, "fp8": {}}

    base = torch.randn(2, 5, generator=g) * 3
    special = torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-30, 65504.0, 3.14159, -1e5, 448.0])
    tensors = {
        "w.bf16": torch.cat([base.flatten(), special]).to(torch.bfloat16).reshape(4, 5),
        "w.f16": torch.cat([base.flatten(), special]).to(torch.float16).reshape(20),
        "w.f32": base.clone(),
        "w.f64": (base.to(torch.float64) / 7).reshape(5, 2),
        "w.e4m3": torch.tensor([0.0, 1.0, -2.5, 448.0, 500.0, 0.001953125, -0.3, 17.0, 1.0625, 240.0]).to(torch.float8_e4m3fn),
        "w.e5m2": torch.tensor([0.0, 1.0, -2.5, 57344.0, float("inf"), 1.52587890625e-05, -0.3, 17.0]).to(torch.float8_e5m2),
        "mask": torch.tensor([[True, False, True], [False, False, True]]),
        "ids.i64": torch.tensor([0, -1, 2**40, -(2**50), 7]),
        "ids.i32": torch.tensor([1, -2, 2**31 - 1, -(2**31)], dtype=torch.int32),
        "ids.i16": torch.tensor([-32768, 32767, 5], dtype=torch.int16),
        "ids.i8": torch.tensor([-128, 127, 0, -1], dtype=torch.int8),
        "bytes.u8": torch.tensor([0, 255, 128], dtype=torch.uint8),
    }
    write("dtypes.safetensors", tensors, {"format": "pt", "producer": "moecut fixtures"}, expected)
    write("scalars.safetensors", {"scalar": torch.tensor(2.5), "empty": torch.zeros(0, 3, dtype=torch.bfloat16)},
          None, expected)

    # FP8 block-quantised checkpoint: weights [rows, cols], scales per 128x128 block.
    def quantise(rows, cols, e8m0):
        w = torch.randn(rows, cols, generator=g) * 0.05
        sr, sc = -(-rows // 128), -(-cols // 128)
        scale = torch.empty(sr, sc)
        q = torch.empty(rows, cols, dtype=torch.float8_e4m3fn)
        for i in range(sr):
            for j in range(sc):
                blk = w[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128]
                s = blk.abs().max() / 448.0
                if e8m0:
                    s = 2.0 ** math.ceil(math.log2(s))
                scale[i, j] = s
                q[i * 128:(i + 1) * 128, j * 128:(j + 1) * 128] = (blk / s).to(torch.float8_e4m3fn)
        scale_t = scale.to(torch.float8_e8m0fnu) if e8m0 else scale
        return q, scale_t

    q1, s1 = quantise(130, 260, e8m0=False)
    q2, s2 = quantise(129, 140, e8m0=True)
    fp8 = {
        "model.layers.0.mlp.up_proj.weight": q1,
        "model.layers.0.mlp.up_proj.weight_scale_inv": s1,
        "model.layers.0.mlp.down_proj.weight": q2,
        "model.layers.0.mlp.down_proj.weight_scale_inv": s2,
        "model.norm.weight": torch.linspace(0.5, 1.5, 8).to(torch.bfloat16),
    }
    fp8_dir = OUT / "fp8"
    fp8_dir.mkdir(parents=True, exist_ok=True)
    save_file(fp8, str(fp8_dir / "model.safetensors"), metadata={"format": "pt"})
    config = {
        "architectures": ["Fixture"],
        "model_type": "fixture",
        "quantization_config": {"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic",
                                "weight_block_size": [128, 128]},
    }
    (fp8_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    # Torch's dequantisation (DeepSeek's weight_dequant: float32 weight times
    # the scale of its block), at sampled positions including every edge.
    for name, q, s in [("model.layers.0.mlp.up_proj.weight", q1, s1),
                       ("model.layers.0.mlp.down_proj.weight", q2, s2)]:
        rows, cols = q.shape
        full = q.to(torch.float32) * s.to(torch.float32).repeat_interleave(128, 0)[:rows].repeat_interleave(128, 1)[:, :cols]
        pos = {(0, 0), (rows - 1, cols - 1), (127, 127), (128, 128), (rows - 1, 0), (0, cols - 1), (128, cols - 1)}
        idx = torch.randint(0, rows * cols, (60,), generator=g).tolist()
        pos |= {(i // cols, i % cols) for i in idx}
        expected["fp8"][name] = {
            "shape": [rows, cols],
            "scale_dtype": DTYPE_NAMES[s.dtype],
            "samples": [[r, c, full[r, c].item()] for r, c in sorted(pos)],
            "sum": full.to(torch.float64).sum().item(),
        }

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
