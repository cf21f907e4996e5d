#!/usr/bin/env python3
"""Compares the tensors of two safetensors files (or checkpoint folders) by name.

    compare_safetensors.py A B [--rtol 1e-4] [--only-differing]

Prints, per tensor present in both, the max |a-b| / max(|a|) ("relative max
difference") and whether it is bit-identical; exits 1 when any tensor exceeds
--rtol or the name sets differ. Needs numpy and safetensors (torch for bf16).
Used by scripts/gpu-check.sh to compare CPU and CUDA outputs.
"""
import argparse
import pathlib
import sys


def load(path):
    from safetensors import safe_open
    p = pathlib.Path(path)
    files = sorted(p.glob("*.safetensors")) if p.is_dir() else [p]
    out = {}
    for f in files:
        with safe_open(str(f), framework="pt") as h:
            for k in h.keys():
                out[k] = h.get_tensor(k)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--only-differing", action="store_true")
    args = ap.parse_args()
    a, b = load(args.a), load(args.b)
    bad = 0
    if set(a) != set(b):
        print(f"name sets differ: only in A {sorted(set(a) - set(b))[:5]}, only in B {sorted(set(b) - set(a))[:5]}")
        bad += 1
    identical = 0
    worst = 0.0
    for k in sorted(set(a) & set(b)):
        x, y = a[k], b[k]
        if x.shape != y.shape or x.dtype != y.dtype:
            print(f"{k}: shape/dtype {tuple(x.shape)} {x.dtype} vs {tuple(y.shape)} {y.dtype}")
            bad += 1
            continue
        if x.equal(y):
            identical += 1
            continue
        xd, yd = x.double(), y.double()
        scale = max(xd.abs().max().item(), 1e-30)
        rel = (xd - yd).abs().max().item() / scale
        worst = max(worst, rel)
        if rel > args.rtol:
            bad += 1
        if rel > args.rtol or not args.only_differing:
            print(f"{k}: relative max difference {rel:.3g}{'  > rtol' if rel > args.rtol else ''}")
    n = len(set(a) & set(b))
    print(f"{n} tensors compared: {identical} bit-identical, worst relative max difference {worst:.3g}, "
          f"{bad} over rtol {args.rtol}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
