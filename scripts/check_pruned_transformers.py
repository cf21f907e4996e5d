#!/usr/bin/env python3
"""Check that Hugging Face transformers loads checkpoints pruned by `moecut prune`.

Usage: check_pruned_transformers.py MOECUT_BINARY

For every family and both expert layouts: `moecut make-tiny` writes a source
checkpoint, a hand-written plan keeps K = E/2 experts per MoE layer (2 per
group for DeepSeek-V3's group-limited router), `moecut prune` writes the
pruned one. Then, with transformers (float32, CPU):
  * the pruned checkpoint loads with no missing, unexpected (MTP layer keys
    aside: transformers ignores the MTP layer) or mismatched keys, and its
    config has K experts;
  * every parameter equals the source model's parameter sliced by the plan
    (router rows, correction bias entries, fused expert slices) or unchanged;
  * a forward pass on 24 tokens gives finite logits;
  * sigmoid routers with a correction bias (GLM-5, GLM-4.5, DeepSeek-V3/V3.2):
    the pruned model's logits equal those of the source model whose dropped
    experts are disabled by a -1e9 correction bias (never selected, other
    weights unaffected), i.e. pruning is exactly "those experts are never used".

Needs torch, transformers and safetensors (not needed by CI). Exit status 1
if any check fails. The result for the record is in docs/pruning.md.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import torch
import transformers
from transformers import AutoModelForCausalLM

FAMILIES = ["glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32", "qwen3_moe", "qwen2_moe", "mixtral"]
SIGMOID = {"glm_moe_dsa", "glm4_moe", "deepseek_v3", "deepseek_v32"}
COUNT_FIELD = {"qwen3_moe": "num_experts", "qwen2_moe": "num_experts", "mixtral": "num_local_experts"}
LAYER_RE = re.compile(r"^model\.layers\.(\d+)\.")


def plan_for(config):
    field = COUNT_FIELD.get(config["model_type"], "n_routed_experts")
    e = config[field]
    groups = config.get("n_group", 1) or 1
    n_layers = config["num_hidden_layers"]
    mtp = config.get("num_nextn_predict_layers", 0) or 0
    keep = {}
    for layer in range(n_layers + mtp):
        if not is_moe(config, layer):
            continue
        if groups > 1:
            size = e // groups
            ids = [g * size + (layer + d) % size for g in range(groups) for d in (0, 1)]
            ids = [sorted(ids[i:i + 2]) for i in range(0, len(ids), 2)]
            keep[layer] = [x for pair in ids for x in pair]
        else:
            keep[layer] = sorted((5 * j + layer) % e for j in range(e // 2))
    return field, e, keep


def is_moe(config, layer):
    t = config["model_type"]
    if layer >= config["num_hidden_layers"]:
        return True  # MTP layers are MoE in every family here
    if t in ("qwen3_moe", "qwen2_moe"):
        return layer not in (config.get("mlp_only_layers") or []) and (layer + 1) % config.get("decoder_sparse_step", 1) == 0
    if t == "mixtral":
        return True
    if "mlp_layer_types" in config:
        return config["mlp_layer_types"][layer] == "sparse"
    return layer >= config.get("first_k_dense_replace", 0) and layer % config.get("moe_layer_freq", 1) == 0


def sliced(name, tensor, keep, n_layers):
    """The source parameter `name` as the plan should leave it."""
    m = LAYER_RE.match(name)
    if m is None or int(m.group(1)) not in keep or int(m.group(1)) >= n_layers:
        return tensor
    ids = torch.tensor(keep[int(m.group(1))])
    if name.endswith((".mlp.gate.weight", ".gate.e_score_correction_bias", ".experts.gate_up_proj", ".experts.down_proj")):
        return tensor.index_select(0, ids)
    return tensor


def load(path):
    model, info = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, output_loading_info=True)
    model.eval()
    return model, info


def logits(model, vocab):
    ids = (torch.arange(24) * 37 % vocab)[None]
    with torch.no_grad():
        return model(ids).logits


def check(moecut, family, layout, tmp):
    src, dst = os.path.join(tmp, f"{family}-{layout}"), os.path.join(tmp, f"{family}-{layout}-pruned")
    subprocess.run([moecut, "make-tiny", "--family", family, "--layout", layout, "--out", src, "--seed", "11"],
                   check=True, capture_output=True)
    config = json.load(open(os.path.join(src, "config.json")))
    field, e, keep = plan_for(config)
    plan = os.path.join(tmp, f"{family}-{layout}.json")
    json.dump({"keep": {str(k): v for k, v in keep.items()}}, open(plan, "w"))
    subprocess.run([moecut, "prune", "--model", src, "--plan", plan, "--out", dst], check=True, capture_output=True)

    n_layers = config["num_hidden_layers"]
    k = len(next(iter(keep.values())))
    a, _ = load(src)
    b, info = load(dst)
    mtp = lambda key: int(LAYER_RE.match(key).group(1)) >= n_layers if LAYER_RE.match(key) else False
    problems = []
    for what in ("missing_keys", "mismatched_keys"):
        if info.get(what):
            problems.append(f"{what}: {sorted(map(str, info[what]))[:4]}")
    unexpected = [key for key in info["unexpected_keys"] if not mtp(key)]
    if unexpected:
        problems.append(f"unexpected: {sorted(unexpected)[:4]}")
    if getattr(b.config, field) != k:
        problems.append(f"config {field} = {getattr(b.config, field)}, expected {k}")
    sa, sb = a.state_dict(), b.state_dict()
    worst = 0.0
    for name, t in sb.items():
        want = sliced(name, sa[name], keep, n_layers)
        if want.shape != t.shape:
            problems.append(f"{name}: shape {tuple(t.shape)}, expected {tuple(want.shape)}")
            continue
        worst = max(worst, float((want - t).abs().max()) if t.numel() else 0.0)
    if worst != 0.0:
        problems.append(f"parameters differ from the sliced source by up to {worst:.3g}")
    lb = logits(b, config["vocab_size"])
    if not torch.isfinite(lb).all():
        problems.append("non-finite logits")
    note = ""
    if family in SIGMOID:
        for layer, ids in keep.items():
            if layer >= n_layers:
                continue
            gate = a.model.layers[layer].mlp.gate
            mask = torch.full_like(gate.e_score_correction_bias, -1e9)
            mask[torch.tensor(ids)] = 0
            gate.e_score_correction_bias.add_(mask)
        diff = float((logits(a, config["vocab_size"]) - lb).abs().max())
        note = f", logits vs source with dropped experts disabled: max diff {diff:.3g}"
        if diff > 1e-4:
            problems.append(f"logits differ from the masked source by {diff:.3g}")
    status = "OK  " if not problems else "FAIL"
    print(f"{status} {family} {layout}: {e} -> {k} experts, {len(sb)} params equal to the sliced source, "
          f"MTP keys ignored {len(info['unexpected_keys']) - len(unexpected)}, logits finite{note}")
    for p in problems:
        print(f"     {p}")
    return not problems


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    print(f"transformers {transformers.__version__}, torch {torch.__version__}")
    ok = 0
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for family in FAMILIES:
            for layout in ("per-expert", "fused"):
                total += 1
                ok += check(argv[0], family, layout, tmp)
    print(f"{ok} passed, {total - ok} failed")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
