#!/usr/bin/env python3
"""Makes tests/data/nvfp4/: NVFP4 quantisation of a fixed float32 matrix done
with PyTorch, following NVIDIA ModelOpt's NVFP4QTensor steps (written here
from the algorithm, not copied): weight_scale_2 = amax / (6 * 448); per
16-element block s = amax_b / (6 * weight_scale_2), 1 where 0, cast to
torch.float8_e4m3fn; codes = E2M1 of w / (float(scale) * weight_scale_2) by
searchsorted over (0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5) plus one at 0.75,
1.75, 3.5, sign (w < 0) in bit 3; packed = (odd << 4) | even.

The C++ quantiser must reproduce packed.bin and scales.bin byte for byte
(tests/core/test_nvfp4.cpp). Run with a Python that has torch:
    /opt/refvenv/bin/python scripts/make_nvfp4_fixture.py
Files: input.f32 (rows*cols little-endian float32), packed.u8, scales.u8,
meta.json (shape, weight_scale_2 bits, torch version).
"""
import json
import pathlib
import struct

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "nvfp4"
ROWS, COLS = 64, 256


def make_input():
    g = torch.Generator().manual_seed(20261128)
    w = torch.randn(ROWS, COLS, generator=g) * 0.02
    blocks = w.view(ROWS, COLS // 16, 16)
    mags = torch.randint(-12, 12, (ROWS, COLS // 16), generator=g).float()
    blocks *= torch.pow(2.0, mags).unsqueeze(-1)
    blocks[0, 0] = 0.0                                   # an all-zero block
    blocks[0, 1] = blocks[0, 1] * 1e-30                  # a block whose FP8 scale underflows
    # exact E2M1 ties once scaled: multiples of 1/4 in a block with amax 6 * 2^k
    ties = torch.tensor([6, 0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, -0.25, -0.75, -1.25, -1.75, -2.5, -3.5, -5, -6])
    blocks[1, 0] = ties * 0.125
    blocks[1, 1] = ties * 0.0625
    return w.contiguous()


def quantize(w):
    amax = w.abs().max().float()
    g = amax / (6.0 * 448.0)
    b = w.view(ROWS, COLS // 16, 16)
    s = b.abs().amax(dim=-1).float() / (6.0 * g)
    s[s == 0] = 1.0
    s8 = s.to(torch.float8_e4m3fn)
    y = (b / (s8.float() * g).unsqueeze(-1)).reshape(ROWS, COLS)
    bounds = torch.tensor([0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5.0])
    a = y.abs()
    code = torch.searchsorted(bounds, a.contiguous()).to(torch.uint8)
    code += ((a == 0.75) | (a == 1.75) | (a == 3.5)).to(torch.uint8)
    code += (y < 0).to(torch.uint8) << 3
    packed = (code[:, 1::2] << 4) | code[:, 0::2]
    return g, packed.contiguous(), s8.view(torch.uint8).contiguous()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    w = make_input()
    g, packed, scales = quantize(w)
    (OUT / "input.f32").write_bytes(w.numpy().astype("<f4").tobytes())
    (OUT / "packed.u8").write_bytes(packed.numpy().tobytes())
    (OUT / "scales.u8").write_bytes(scales.numpy().tobytes())
    meta = {
        "rows": ROWS,
        "cols": COLS,
        "weight_scale_2_bits": struct.unpack("<I", struct.pack("<f", float(g)))[0],
        "torch": torch.__version__,
        "made_by": "scripts/make_nvfp4_fixture.py",
    }
    (OUT / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {OUT}: weight_scale_2 {float(g)!r}")


if __name__ == "__main__":
    main()
