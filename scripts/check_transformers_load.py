#!/usr/bin/env python3
"""Check that Hugging Face transformers loads moecut's test checkpoints.

Usage: check_transformers_load.py DIR [DIR ...]

For each checkpoint folder (written by `moecut make-tiny`):
  * loads it with AutoModelForCausalLM.from_pretrained(dtype=float32) and
    reports missing, unexpected and mismatched keys. Keys of the MTP layer
    (model.layers.N.* with N >= num_hidden_layers) are reported apart: every
    transformers class here ignores the MTP layer, so they are expected;
  * compares every loaded parameter with the file's values (the per-expert
    tensors against the fused parameter transformers builds from them);
  * runs a forward pass on 24 tokens (longer than the tiny index_topk of 8,
    so the DSA indexer really selects) and checks the logits are finite.
FP8 checkpoints are dequantised here (blockwise, partial edge blocks, W *
scale_inv) into a float32 copy that goes through the same checks; transformers'
own FP8 loading is also tried and its outcome reported (on CPU it dequantises
and derives the block size from the scale grid, so it rejects partial edge
blocks; it needs the accelerate package).

Needs torch, transformers and safetensors (not needed by CI). Exit status 1
if any checkpoint fails. Results for the record go in docs/test-checkpoints.md.
"""
import contextlib
import io
import json
import logging
import math
import os
import re
import sys
import tempfile

import torch
import transformers
from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM

MTP_RE = re.compile(r"^model\.layers\.(\d+)\.")
EXPERT_RE = re.compile(r"^(.*)\.experts\.(\d+)\.(gate_proj|up_proj|down_proj|w1|w3|w2)\.weight$")


def is_mtp(key, n_layers):
    m = MTP_RE.match(key)
    return m is not None and int(m.group(1)) >= n_layers


def dequantize(tensors, block):
    """FP8 weights with a `<name>_scale_inv` sibling -> float32, scales dropped."""
    out = {}
    for name, t in tensors.items():
        if name.endswith("_scale_inv"):
            continue
        s = tensors.get(name + "_scale_inv")
        if t.dtype != torch.float8_e4m3fn or s is None:
            out[name] = t
            continue
        w = t.to(torch.float32)
        rows, cols = w.shape[-2:]
        br, bc = block
        assert s.shape[-2:] == (math.ceil(rows / br), math.ceil(cols / bc)), (name, tuple(s.shape))
        full = s.to(torch.float32).repeat_interleave(br, dim=-2).repeat_interleave(bc, dim=-1)
        out[name] = w * full[..., :rows, :cols]
    return out


def expected_params(tensors, n_layers):
    """The parameters transformers should end up with: per-expert tensors fused
    (gate rows then up rows), Mixtral's block_sparse_moe renamed; MTP dropped."""
    params, experts = {}, {}
    for name, t in tensors.items():
        if is_mtp(name, n_layers):
            continue
        m = EXPERT_RE.match(name)
        if m is None:
            params[name.replace(".block_sparse_moe.", ".mlp.")] = t
            continue
        prefix = m.group(1).replace(".block_sparse_moe", ".mlp")
        proj = {"w1": "gate_proj", "w3": "up_proj", "w2": "down_proj"}.get(m.group(3), m.group(3))
        experts.setdefault(prefix, {}).setdefault(proj, {})[int(m.group(2))] = t
    for prefix, projs in experts.items():
        stack = {p: torch.stack([d[e] for e in sorted(d)]) for p, d in projs.items()}
        params[prefix + ".experts.gate_up_proj"] = torch.cat([stack["gate_proj"], stack["up_proj"]], dim=1)
        params[prefix + ".experts.down_proj"] = stack["down_proj"]
    return params


def load_and_run(path, n_layers, file_tensors):
    model, info = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, output_loading_info=True)
    model.eval()
    unexpected = sorted(info["unexpected_keys"])
    result = {
        "missing": sorted(info["missing_keys"]),
        "unexpected": [k for k in unexpected if not is_mtp(k, n_layers)],
        "mtp_ignored": len([k for k in unexpected if is_mtp(k, n_layers)]),
        "mismatched": sorted(str(k) for k in info.get("mismatched_keys", [])),
    }
    state = model.state_dict()
    worst, compared, absent = 0.0, 0, []
    for name, t in expected_params(file_tensors, n_layers).items():
        if name not in state:
            absent.append(name)
            continue
        worst = max(worst, float((state[name].float() - t.float()).abs().max()))
        compared += 1
    unchecked = sorted(set(state) - set(expected_params(file_tensors, n_layers)))
    result.update(compared=compared, not_in_model=absent, not_from_file=unchecked, max_value_diff=worst)
    ids = (torch.arange(24) * 37 % model.config.vocab_size)[None]
    with torch.no_grad():
        logits = model(ids).logits
    result["logits_finite"] = bool(torch.isfinite(logits).all())
    result["logits_shape"] = list(logits.shape)
    return result, logits


def check(path):
    with open(os.path.join(path, "config.json")) as f:
        config = json.load(f)
    n_layers = config["num_hidden_layers"]
    tensors = load_file(os.path.join(path, "model.safetensors"))
    qc = config.get("quantization_config") or {}
    fp8 = qc.get("quant_method") == "fp8"
    report = {"dir": path, "model_type": config["model_type"], "fp8": fp8}
    if not fp8:
        r, _ = load_and_run(path, n_layers, tensors)
        report.update(r)
        return report
    block = qc.get("weight_block_size") or [128, 128]
    deq = dequantize(tensors, block)
    plain = dict(config)
    plain.pop("quantization_config")
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "config.json"), "w") as f:
            json.dump(plain, f)
        save_file(deq, os.path.join(tmp, "model.safetensors"), metadata={"format": "pt"})
        r, ref_logits = load_and_run(tmp, n_layers, deq)
    report.update(r)
    report["transformers_fp8"] = native_fp8(path, config, ref_logits)
    return report


def native_fp8(path, config, ref_logits):
    """transformers' own FP8 loading, for the record (not a pass/fail criterion)."""
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    tlog = logging.getLogger("transformers")
    tlog.addHandler(handler)
    transformers.logging.disable_default_handler()  # captured, not printed
    transformers.logging.set_verbosity_warning()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            model, info = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, output_loading_info=True)
        ids = (torch.arange(24) * 37 % config["vocab_size"])[None]
        with torch.no_grad():
            diff = float((model(ids).logits - ref_logits).abs().max())
        n_layers = config["num_hidden_layers"]
        ignored = [k for k in info["unexpected_keys"] if not is_mtp(k, n_layers)]
        note = f", {len(ignored)} keys unexpected (e.g. {sorted(ignored)[0]})" if ignored else ""
        return f"loaded{note}; logits differ from exact dequantisation by {diff:.3g}"
    except Exception as e:  # noqa: BLE001 - reported, not fatal
        reasons = sorted(set(re.findall(r"Weight shape \([^)]*\) not divisible by scale grid \([^)]*\)", log.getvalue())))
        first = "; ".join(reasons[:2]) if reasons else next((ln for ln in str(e).splitlines() if ln.strip()), "")
        return f"failed: {type(e).__name__}: {first[:200]}"
    finally:
        tlog.removeHandler(handler)
        transformers.logging.enable_default_handler()
        transformers.logging.set_verbosity_error()


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    transformers.logging.set_verbosity_error()
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    failed = 0
    for path in argv:
        r = check(path)
        ok = (not r["missing"] and not r["unexpected"] and not r["mismatched"] and not r["not_in_model"]
              and not r["not_from_file"]
              and r["max_value_diff"] == 0.0 and r["logits_finite"])
        failed += not ok
        line = (f"{'OK  ' if ok else 'FAIL'} {path}: {r['model_type']}{' fp8' if r['fp8'] else ''}: "
                f"missing {len(r['missing'])}, unexpected {len(r['unexpected'])}, mismatched {len(r['mismatched'])}, "
                f"MTP keys ignored {r['mtp_ignored']}, {r['compared']} params equal to the file "
                f"(max diff {r['max_value_diff']:.3g}), logits {r['logits_shape']} finite={r['logits_finite']}")
        print(line)
        for key in ("missing", "unexpected", "mismatched", "not_in_model", "not_from_file"):
            if r[key]:
                print(f"     {key}: {r[key][:6]}{' ...' if len(r[key]) > 6 else ''}")
        if "transformers_fp8" in r:
            print(f"     transformers' own FP8 loading: {r['transformers_fp8']}")
    print(f"{len(argv) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
