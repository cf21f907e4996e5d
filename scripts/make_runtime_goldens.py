#!/usr/bin/env python3
"""Golden outputs for the MoE runtime (tests/engine/test_runtime_golden.cpp).

For each case, makes a tiny checkpoint with `moecut make-tiny` (fixed seed),
runs it through Hugging Face transformers (float32, eager attention, eager
experts) on fixed input ids, and records:

  input_ids                [B, T] int64
  logits                   [B, T, V] float32
  moe.<L>.router_logits    [N, E] float32   (N = B*T, row n = b*T + t)
  moe.<L>.topk_idx         [N, K] int64     (as the router returns them; compare as sets)
  moe.<L>.topk_weight      [N, K] float32   (the combine weights, same order as topk_idx)
  moe.<L>.expert_norm      [N, K] float32   (||Expert_idx(x)||_2 on the routed tokens, before weighting)
and, for families with an MTP layer, the MTP head's logits and the MTP layer's
routing under the same keys (mtp.next_ids, mtp.logits, moe.<L_mtp>.*).

transformers has no MTP forward: this script re-implements vLLM's
deepseek_mtp semantics (shared/specs/moe_arch.md section 1.2) around
transformers' own decoder-layer class for the MTP block:
  e = embed(token t+1), zeroed at position 0
  x = eh_proj(concat[enorm(e), hnorm(h_t)]),  h_t = the trunk's final-normed hidden state
  x = DecoderLayer(x);  logits = head(shared_head.norm(x))
The next-token ids are input_ids shifted left, the last position taking the
trunk's greedy prediction (the runtime's default).

FP8 cases: transformers' fp8 path needs a GPU, so the script dequantises the
checkpoint (W * weight_scale_inv, blockwise) into a float32 copy and loads that.

Inputs are drawn from a seeded RandomState; a draw is rejected (next seed) when
a router or DSA indexer top-k has a near-tie at its boundary, where the
selection would depend on float noise rather than on the implementation.

The checkpoint itself is not committed: the test regenerates it with
make_tiny_checkpoint and checks its FNV-1a 64 hash against the one recorded here.

Run:  /opt/refvenv/bin/python scripts/make_runtime_goldens.py --moecut build-rt/backend/cli/moecut
"""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
import transformers
from safetensors import safe_open
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

B = 2
TIE_GAP = 1e-5

# name: (family, layout, fp8, seed, T)
CASES = {
    "glm_moe_dsa": ("glm_moe_dsa", "per-expert", False, 11, 8),          # T <= index_topk: dense
    "glm_moe_dsa_long": ("glm_moe_dsa", "per-expert", False, 11, 12),    # T > index_topk: sparse
    "glm_moe_dsa_fused_fp8": ("glm_moe_dsa", "fused", True, 12, 12),
    "glm4_moe": ("glm4_moe", "per-expert", False, 13, 12),
    "deepseek_v3": ("deepseek_v3", "per-expert", False, 14, 12),
    "deepseek_v3_fp8": ("deepseek_v3", "per-expert", True, 15, 12),
    "deepseek_v32": ("deepseek_v32", "per-expert", False, 16, 8),
    "deepseek_v32_long": ("deepseek_v32", "per-expert", False, 16, 12),
    "qwen3_moe": ("qwen3_moe", "per-expert", False, 17, 12),
    "qwen3_moe_fused": ("qwen3_moe", "fused", False, 18, 12),
    "qwen2_moe": ("qwen2_moe", "per-expert", False, 19, 12),
    "mixtral": ("mixtral", "per-expert", False, 20, 12),
    "mixtral_fused": ("mixtral", "fused", False, 21, 12),
}


def fnv1a64(path):
    h = 0xCBF29CE484222325
    data = open(path, "rb").read()
    arr = np.frombuffer(data, dtype=np.uint8)
    # Plain loop over bytes is slow in Python; the files are small (< 5 MB).
    for b in arr.tolist():
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def read_tensors(path):
    out = {}
    with safe_open(path, framework="pt") as f:
        for k in f.keys():
            out[k] = f.get_tensor(k)
    return out


def dequantise(tensors, block):
    """W (float8) * weight_scale_inv, blockwise over the last two dims."""
    out = {}
    for name, t in tensors.items():
        if name.endswith("_scale_inv"):
            continue
        if t.dtype in (torch.float8_e4m3fn, torch.float8_e5m2):
            s = tensors[name + "_scale_inv"].float()
            rows, cols = t.shape[-2], t.shape[-1]
            full = s.repeat_interleave(block[0], dim=-2).repeat_interleave(block[1], dim=-1)
            full = full[..., :rows, :cols]
            out[name] = t.float() * full
        else:
            out[name] = t.float()
    return out


def reference_copy(src, dst, fp8):
    """A float32 checkpoint transformers can load on a CPU."""
    os.makedirs(dst)
    cfg = json.load(open(os.path.join(src, "config.json")))
    tensors = read_tensors(os.path.join(src, "model.safetensors"))
    if fp8:
        block = cfg["quantization_config"]["weight_block_size"]
        tensors = dequantise(tensors, block)
        del cfg["quantization_config"]
    else:
        tensors = {k: v.float() for k, v in tensors.items()}
    json.dump(cfg, open(os.path.join(dst, "config.json"), "w"), indent=1)
    save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(dst, "model.safetensors"))
    return cfg, tensors


def router_gap_ok(module, logits, K):
    """True when the K-th and (K+1)-th selection scores are well apart."""
    logits = logits.float()
    if hasattr(module, "e_score_correction_bias"):
        s = logits.sigmoid() + module.e_score_correction_bias.float()
        G = module.num_group
        E = s.shape[-1]
        if G > 1:
            gs = s.view(-1, G, E // G).topk(2, dim=-1)[0].sum(-1)
            srt = gs.sort(dim=-1, descending=True)[0]
            if (srt[:, module.topk_group - 1] - srt[:, module.topk_group]).min() < TIE_GAP:
                return False
            gidx = gs.topk(module.topk_group, dim=-1)[1]
            gm = torch.zeros_like(gs).scatter_(1, gidx, 1).bool()
            s = s.masked_fill(~gm.unsqueeze(-1).expand(-1, G, E // G).reshape(-1, E), float("-inf"))
    else:
        s = logits.softmax(-1)
    srt = s.sort(dim=-1, descending=True)[0]
    return bool((srt[:, K - 1] - srt[:, K]).min() >= TIE_GAP)


class Recorder:
    """Hooks on each MoE block: router outputs and per-selection expert norms."""

    def __init__(self):
        self.layers = {}
        self.ties = False
        self.handles = []

    def attach(self, layer_idx, mlp):
        if not hasattr(mlp, "gate") or not hasattr(mlp, "experts"):
            return
        rec = self.layers.setdefault(layer_idx, {})

        def gate_hook(module, args, output):
            logits, weights, idx = output
            rec["router_logits"] = logits.detach().float().clone()
            rec["topk_idx"] = idx.detach().long().clone()
            rec["topk_weight"] = weights.detach().float().clone()
            if not router_gap_ok(module, logits.detach(), idx.shape[-1]):
                self.ties = True

        def experts_hook(module, args):
            hs, idx, _w = args
            norms = torch.zeros(idx.shape, dtype=torch.float32)
            for e in torch.unique(idx).tolist():
                tok, slot = torch.where(idx == e)
                x = hs[tok]
                g, u = torch.nn.functional.linear(x, module.gate_up_proj[e]).chunk(2, dim=-1)
                y = torch.nn.functional.linear(module.act_fn(g) * u, module.down_proj[e])
                norms[tok, slot] = y.float().norm(dim=-1)
            rec["expert_norm"] = norms

        self.handles.append(mlp.gate.register_forward_hook(gate_hook))
        self.handles.append(mlp.experts.register_forward_pre_hook(experts_hook))

    def attach_indexer(self, attn):
        ix = getattr(attn, "indexer", None)
        if ix is None:
            return

        def hook(module, args, kwargs, output):
            scores = indexer_scores(module, args, kwargs)
            k = output.shape[-1]
            valid = torch.isfinite(scores) & (scores > torch.finfo(torch.float32).min / 2)
            srt = scores.sort(dim=-1, descending=True)[0]
            rows = valid.sum(-1) > k
            if rows.any():
                gap = (srt[..., k - 1] - srt[..., k])[rows]
                if gap.min() < TIE_GAP:
                    self.ties = True

        self.handles.append(ix.register_forward_hook(hook, with_kwargs=True))


def indexer_scores(ix, args, kwargs):
    """The indexer's scores before its top-k (for the near-tie check only):
    reruns the module's forward (bypassing hooks) and captures topk's input."""
    original = torch.Tensor.topk
    captured = {}

    def spy(self, *a, **kw):
        captured["scores"] = self.detach().clone()
        return original(self, *a, **kw)

    torch.Tensor.topk = spy
    try:
        with torch.no_grad():
            ix.forward(*args, **dict(kwargs, cache=None))
    finally:
        torch.Tensor.topk = original
    return captured["scores"]


def causal_mask(Bn, T):
    m = torch.full((T, T), torch.finfo(torch.float32).min).triu(1)
    return m[None, None].expand(Bn, 1, T, T).clone()


def mtp_forward(model, cfg_dict, tensors, layout, hidden, next_ids, rec):
    """vLLM deepseek_mtp semantics around transformers' decoder layer."""
    inner = model.model
    L = cfg_dict["num_hidden_layers"]
    p = f"model.layers.{L}."
    cfg = copy.deepcopy(model.config)
    cfg.num_hidden_layers = L + 1
    if getattr(cfg, "mlp_layer_types", None) is not None:
        cfg.mlp_layer_types = list(cfg.mlp_layer_types) + ["sparse"]
    if getattr(cfg, "indexer_types", None) is not None:
        cfg.indexer_types = list(cfg.indexer_types) + ["full"]
    layer_cls = type(inner.layers[0])
    layer = layer_cls(cfg, L).eval()

    sd = {}
    for name, t in tensors.items():
        if not name.startswith(p):
            continue
        rest = name[len(p):]
        if rest.split(".")[0] in ("enorm", "hnorm", "eh_proj", "shared_head", "embed_tokens"):
            continue
        sd[rest] = t
    if layout == "per-expert":
        E = cfg_dict["n_routed_experts"]
        gu, dn = [], []
        for e in range(E):
            q = f"mlp.experts.{e}."
            gu.append(torch.cat([sd.pop(q + "gate_proj.weight"), sd.pop(q + "up_proj.weight")], 0))
            dn.append(sd.pop(q + "down_proj.weight"))
        sd["mlp.experts.gate_up_proj"] = torch.stack(gu)
        sd["mlp.experts.down_proj"] = torch.stack(dn)
    layer.load_state_dict(sd, strict=True)
    rec.attach(L, layer.mlp)
    rec.attach_indexer(layer.self_attn)

    norm_cls = type(inner.norm)
    eps = cfg_dict["rms_norm_eps"]

    def rms(w):
        n = norm_cls(w.shape[0], eps)
        n.weight.data.copy_(w)
        return n

    embed = tensors.get(p + "embed_tokens.weight", tensors["model.embed_tokens.weight"])
    head = tensors.get(p + "shared_head.head.weight", tensors["lm_head.weight"])
    Bn, T = next_ids.shape
    with torch.no_grad():
        e = torch.nn.functional.embedding(next_ids, embed)
        e[:, 0] = 0
        x = torch.cat([rms(tensors[p + "enorm.weight"])(e), rms(tensors[p + "hnorm.weight"])(hidden)], -1)
        x = torch.nn.functional.linear(x, tensors[p + "eh_proj.weight"])
        pos_ids = torch.arange(T)[None]
        pos = inner.rotary_emb(x, pos_ids)
        out = layer(x, attention_mask=causal_mask(Bn, T), position_ids=pos_ids, position_embeddings=pos)
        if isinstance(out, tuple):
            out = out[0]
        logits = torch.nn.functional.linear(rms(tensors[p + "shared_head.norm.weight"])(out), head)
    return logits


def load_reference(name, ref, cfg_dict):
    """Loads a reference copy in transformers (float32, eager) and insists that
    every weight loaded: no missing or mismatched keys, and no unexpected ones
    besides the MTP layer's (transformers has no MTP module)."""
    model, info = transformers.AutoModelForCausalLM.from_pretrained(
        ref, dtype=torch.float32, attn_implementation="eager", experts_implementation="eager",
        output_loading_info=True)
    model.eval()
    if info["missing_keys"] or info.get("mismatched_keys"):
        raise SystemExit(f"{name}: transformers did not load every weight: {info}")
    n_layers = cfg_dict["num_hidden_layers"]
    unexpected = [k for k in info["unexpected_keys"] if not k.startswith(f"model.layers.{n_layers}.")]
    if unexpected:
        raise SystemExit(f"{name}: unexpected keys {unexpected[:5]}")
    return model


def run_case(name, spec, moecut, work, out_root):
    family, layout, fp8, seed, T = spec
    ckpt = os.path.join(work, name)
    cmd = [moecut, "make-tiny", "--family", family, "--out", ckpt, "--layout", layout, "--seed", str(seed)]
    if fp8:
        cmd.append("--fp8")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    hashes = {f: fnv1a64(os.path.join(ckpt, f)) for f in ("config.json", "model.safetensors")}

    ref = os.path.join(work, name + "_ref")
    cfg_dict, tensors = reference_copy(ckpt, ref, fp8)
    model = load_reference(name, ref, cfg_dict)

    V = cfg_dict["vocab_size"]
    has_mtp = cfg_dict.get("num_nextn_predict_layers", 0) > 0
    for attempt in range(1000):
        rng = np.random.RandomState(1000 * seed + attempt)
        ids = torch.from_numpy(rng.randint(4, V, size=(B, T)).astype(np.int64))
        rec = Recorder()
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
            mtp = (nxt, mtp_forward(model, cfg_dict, tensors, layout, final["h"], nxt, rec).float())
        for h in rec.handles:
            h.remove()
        if not rec.ties:
            break
    else:
        raise SystemExit(f"{name}: no input draw without near-ties")

    out = {"input_ids": ids.contiguous(), "logits": logits.contiguous()}
    for L, r in rec.layers.items():
        for k, v in r.items():
            out[f"moe.{L}.{k}"] = v.contiguous()
    if mtp is not None:
        out["mtp.next_ids"] = mtp[0].contiguous()
        out["mtp.logits"] = mtp[1].contiguous()
    meta = {
        "family": family, "layout": layout, "fp8": "1" if fp8 else "0", "seed": str(seed),
        "batch": str(B), "tokens": str(T), "input_draw": str(attempt),
        "config_fnv1a64": hashes["config.json"], "weights_fnv1a64": hashes["model.safetensors"],
        "transformers": transformers.__version__, "torch": torch.__version__,
        "mtp": "vLLM deepseek_mtp re-implementation" if mtp is not None else "none",
    }
    dst = os.path.join(out_root, name)
    os.makedirs(dst, exist_ok=True)
    save_file(out, os.path.join(dst, "expected.safetensors"), metadata=meta)
    print(f"{name}: T={T} draw={attempt} moe layers={sorted(rec.layers)} mtp={'yes' if mtp else 'no'}")


def golden_main(doc, cases, run, default_out, prefix):
    """The command line both golden scripts share: --moecut BIN [--out DIR] [CASE ...]."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moecut", required=True, help="path of the built moecut binary")
    ap.add_argument("--out", default=default_out)
    ap.add_argument("cases", nargs="*", help="cases to make (default: all)")
    a = ap.parse_args()
    torch.manual_seed(0)
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        for name in a.cases or cases:
            run(name, cases[name], os.path.abspath(a.moecut), work, a.out)
    finally:
        shutil.rmtree(work)


def main():
    golden_main(__doc__, CASES, run_case, os.path.join(ROOT, "tests", "data", "runtime"), "moecut_goldens_")


if __name__ == "__main__":
    sys.exit(main())
