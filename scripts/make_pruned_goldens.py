#!/usr/bin/env python3
"""Transformers goldens for pruned tiny checkpoints (tests/engine/test_pruned_forward.cpp).

For each case: `moecut make-tiny` (fixed seed), a fixed keep-half plan (half
of each router group's experts, a different half per MoE layer, MTP layer
included), `moecut prune`, then the pruned checkpoint loaded in Hugging Face
transformers (float32, eager) on fixed input ids. Records in
tests/data/pruned/<case>/:

  plan.json              the plan given to `moecut prune`
  expected.safetensors   input_ids [B, T] int64, logits [B, T, V] float32, and
                         for families with an MTP layer mtp.next_ids / mtp.logits
                         (vLLM deepseek_mtp semantics, as make_runtime_goldens.py)
                         metadata: the make-tiny options and the FNV-1a 64 hash of
                         the pruned config.json and model.safetensors

The test regenerates the source with make_tiny_checkpoint, prunes it with the
recorded plan (prune is byte-deterministic), checks the hashes, and compares
moecut's logits with transformers'.

Run:  /opt/refvenv/bin/python scripts/make_pruned_goldens.py --moecut build-rt/backend/cli/moecut
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_runtime_goldens as rg  # noqa: E402

B = 2

# name: (family, seed, T)
CASES = {
    "glm_moe_dsa": ("glm_moe_dsa", 31, 12),   # T > index_topk: the sparse indexer runs
    "deepseek_v3": ("deepseek_v3", 32, 12),   # group-limited router
    "qwen3_moe": ("qwen3_moe", 33, 12),       # softmax router
}


def half_plan(cfg):
    E = cfg.get("n_routed_experts") or cfg.get("num_experts") or cfg["num_local_experts"]
    G = cfg.get("n_group", 1) or 1
    S = E // G
    L = cfg["num_hidden_layers"]
    layers = []
    for i in range(L):
        types = cfg.get("mlp_layer_types")
        if types is not None:
            sparse = types[i] == "sparse"
        elif "first_k_dense_replace" in cfg:
            sparse = i >= cfg["first_k_dense_replace"]
        else:
            step = cfg.get("decoder_sparse_step", 1)
            sparse = i not in cfg.get("mlp_only_layers", []) and (i + 1) % step == 0
        if sparse:
            layers.append(i)
    layers += [L + j for j in range(cfg.get("num_nextn_predict_layers", 0))]
    keep = {}
    for layer in layers:
        keep[str(layer)] = [g * S + j for g in range(G) for j in range(S) if (j * 5 + layer * 3 + g) % S < S // 2]
    return {"keep": keep}


def run_case(name, spec, moecut, work, out_root):
    family, seed, T = spec
    src = os.path.join(work, name + "_src")
    subprocess.run([moecut, "make-tiny", "--family", family, "--out", src, "--seed", str(seed)],
                   check=True, stdout=subprocess.DEVNULL)
    plan = half_plan(json.load(open(os.path.join(src, "config.json"))))
    plan_path = os.path.join(work, name + "_plan.json")
    json.dump(plan, open(plan_path, "w"), indent=1)
    ckpt = os.path.join(work, name)
    subprocess.run([moecut, "prune", "--model", src, "--plan", plan_path, "--out", ckpt],
                   check=True, stdout=subprocess.DEVNULL)
    hashes = {f: rg.fnv1a64(os.path.join(ckpt, f)) for f in ("config.json", "model.safetensors")}

    cfg_dict, tensors = rg.reference_copy(ckpt, os.path.join(work, name + "_ref"), False)
    model = rg.load_reference(name, os.path.join(work, name + "_ref"), cfg_dict)

    V = cfg_dict["vocab_size"]
    has_mtp = cfg_dict.get("num_nextn_predict_layers", 0) > 0
    for attempt in range(1000):
        rng = np.random.RandomState(1000 * seed + attempt)
        ids = torch.from_numpy(rng.randint(4, V, size=(B, T)).astype(np.int64))
        rec = rg.Recorder()  # near-tie checks only
        for i, layer in enumerate(model.model.layers):
            rec.attach(i, layer.mlp)
            rec.attach_indexer(layer.self_attn)
        final = {}
        hnorm = model.model.norm.register_forward_hook(lambda m, a, o: final.__setitem__("h", o.detach().clone()))
        with torch.no_grad():
            logits = model(input_ids=ids, use_cache=False).logits.float()
        hnorm.remove()
        mtp = None
        if has_mtp and not rec.ties:
            nxt = torch.cat([ids[:, 1:], logits[:, -1].argmax(-1, keepdim=True)], 1)
            mtp = (nxt, rg.mtp_forward(model, cfg_dict, tensors, "per-expert", final["h"], nxt, rec).float())
        for h in rec.handles:
            h.remove()
        if not rec.ties:
            break
    else:
        raise SystemExit(f"{name}: no input draw without near-ties")

    out = {"input_ids": ids.contiguous(), "logits": logits.contiguous()}
    if mtp is not None:
        out["mtp.next_ids"] = mtp[0].contiguous()
        out["mtp.logits"] = mtp[1].contiguous()
    meta = {
        "family": family, "layout": "per-expert", "fp8": "0", "seed": str(seed),
        "batch": str(B), "tokens": str(T), "input_draw": str(attempt),
        "config_fnv1a64": hashes["config.json"], "weights_fnv1a64": hashes["model.safetensors"],
        "transformers": transformers.__version__, "torch": torch.__version__,
        "mtp": "vLLM deepseek_mtp re-implementation" if mtp is not None else "none",
    }
    dst = os.path.join(out_root, name)
    os.makedirs(dst, exist_ok=True)
    shutil.copyfile(plan_path, os.path.join(dst, "plan.json"))
    save_file(out, os.path.join(dst, "expected.safetensors"), metadata=meta)
    print(f"{name}: T={T} draw={attempt} experts kept={len(next(iter(plan['keep'].values())))} "
          f"mtp={'yes' if mtp is not None else 'no'}")


def main():
    rg.golden_main(__doc__, CASES, run_case, os.path.join(rg.ROOT, "tests", "data", "pruned"),
                   "moecut_pruned_goldens_")


if __name__ == "__main__":
    sys.exit(main())
