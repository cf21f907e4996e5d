#!/usr/bin/env python3
"""Golden fixtures for moecut's samplers (backend/core/src/sampler_*.cpp).

    /opt/refvenv/bin/python scripts/make_sampler_goldens.py [--out tests/data/samplers/goldens.json]

Writes random logits rows, prompt/output histories, sampler configs and the processed logits:
  * hf:        the real transformers processors, in generate()'s order
               (RepetitionPenaltyLogitsProcessor → TemperatureLogitsWarper → TopKLogitsWarper
               → TopPLogitsWarper → MinPLogitsWarper, min_tokens_to_keep=1); greedy cases: the
               repetition processor then argmax (do_sample=False).
  * vllm:      an independent numpy reference of the V1 sampler, following
               vllm/v1/sample/sampler.py@3e342658 (penalties → greedy | temperature → min-p →
               top-k/top-p), vllm/model_executor/layers/utils.py@9c9de631 apply_penalties and
               _custom_ops.apply_repetition_penalties_torch, vllm/v1/sample/logits_processor/
               builtin.py@bf17660a MinPLogitsProcessor, vllm/v1/sample/ops/topk_topp_sampler.py
               apply_top_k_top_p.
  * llamacpp:  an independent numpy reference of the default chain, following
               common/sampling.cpp@3b3f5fed (penalties → top-k → top-p → min-p → temp) and
               src/llama-sampling.cpp (llama_sampler_penalties_apply, _top_k_impl, _top_p_apply,
               _min_p_apply, _temp_impl); -1 window = whole context as llama-server resolves it.
(Commits as recorded in shared/specs/eval.md §1; the function bodies were re-read for this script.)
-inf is written as null. Values are float32, printed with 9 significant digits.
"""
import argparse
import json
import os

import numpy as np

V = 64
EPS = 1e-5  # vLLM _SAMPLING_EPS


def softmax(x):
    x = np.asarray(x, dtype=np.float64)
    m = np.max(x)
    w = np.exp(x - m)
    return w / w.sum()


def onehot(x):
    out = np.full_like(x, -np.inf)
    i = int(np.argmax(x))  # first of equal maxima
    out[i] = x[i]
    return out


def vllm_reference(logits, prompt, output, c):
    x = logits.astype(np.float32).copy()
    counts = np.bincount(np.asarray(output, dtype=np.int64), minlength=V)[:V]
    out_mask = counts > 0
    prompt_mask = np.zeros(V, dtype=bool)
    prompt_mask[np.asarray(prompt, dtype=np.int64)] = True
    rep = np.float32(c["repetition_penalty"])
    if rep != 1:
        pen = np.where(prompt_mask | out_mask, rep, np.float32(1))
        x = x * np.where(x > 0, np.float32(1) / pen, pen).astype(np.float32)
    x = x - np.float32(c["frequency_penalty"]) * counts.astype(np.float32)
    x = x - np.float32(c["presence_penalty"]) * out_mask.astype(np.float32)
    if c["temperature"] < EPS:
        return onehot(x)
    x = (x / np.float32(c["temperature"])).astype(np.float32)
    if c["min_p"] > 0:
        p = softmax(x)
        x[p < c["min_p"] * p.max()] = -np.inf
    order = np.argsort(x, kind="stable")  # ascending
    xs = x[order]
    if 0 < c["top_k"] < V:
        xs[xs < xs[V - c["top_k"]]] = -np.inf
    if c["top_p"] < 1:
        cum = np.cumsum(softmax(xs))
        mask = cum <= 1 - c["top_p"]
        mask[-1] = False
        xs[mask] = -np.inf
    x[order] = xs
    return x


def llamacpp_reference(logits, prompt, output, c):
    x = logits.astype(np.float32).copy()
    hist = list(prompt) + list(output)
    n = c["penalty_last_n"]
    window = [] if n == 0 else (hist if n < 0 else hist[-n:])
    counts = np.bincount(np.asarray(window, dtype=np.int64), minlength=V)[:V]
    rep, fq, pr = (np.float32(c[k]) for k in ("repetition_penalty", "frequency_penalty", "presence_penalty"))
    if n != 0 and (rep != 1 or fq != 0 or pr != 0):
        for i in np.nonzero(counts)[0]:
            x[i] = x[i] * rep if x[i] <= 0 else x[i] / rep
            x[i] = x[i] - (np.float32(counts[i]) * fq + np.float32(1) * pr)
    if c["temperature"] <= 0:
        return onehot(x)
    # candidates by logit descending, lowest id first among equal logits
    order = np.lexsort((np.arange(V), -x))
    if 0 < c["top_k"] < V:
        x[order[c["top_k"]:]] = -np.inf
    if c["top_p"] < 1:
        alive = [i for i in order if np.isfinite(x[i])]
        p = softmax(x[alive])
        cum, keep = 0.0, len(alive)
        for j, pj in enumerate(p):
            cum += pj
            if cum >= c["top_p"]:
                keep = j + 1
                break
        x[alive[keep:]] = -np.inf
    if c["min_p"] > 0:
        cut = np.float32(np.max(x)) + np.float32(np.log(np.float32(c["min_p"])))
        x[x < cut] = -np.inf
    return (x / np.float32(c["temperature"])).astype(np.float32)


def hf_reference(logits, prompt, output, c):
    import torch
    from transformers.generation.logits_process import (LogitsProcessorList, MinPLogitsWarper,
                                                        RepetitionPenaltyLogitsProcessor,
                                                        TemperatureLogitsWarper, TopKLogitsWarper,
                                                        TopPLogitsWarper)
    ids = torch.tensor([list(prompt) + list(output)], dtype=torch.long)
    scores = torch.tensor(logits, dtype=torch.float32).unsqueeze(0)
    procs = LogitsProcessorList()
    if c["repetition_penalty"] != 1.0:
        procs.append(RepetitionPenaltyLogitsProcessor(penalty=c["repetition_penalty"]))
    if c["temperature"] < EPS:  # do_sample=False: processors, then argmax
        return onehot(procs(ids, scores)[0].numpy())
    if c["temperature"] != 1.0:
        procs.append(TemperatureLogitsWarper(c["temperature"]))
    if c["top_k"] != 0:
        procs.append(TopKLogitsWarper(top_k=c["top_k"], min_tokens_to_keep=1))
    if c["top_p"] < 1.0:
        procs.append(TopPLogitsWarper(top_p=c["top_p"], min_tokens_to_keep=1))
    if c["min_p"] > 0:
        procs.append(MinPLogitsWarper(min_p=c["min_p"], min_tokens_to_keep=1))
    return procs(ids, scores)[0].numpy()


DEFAULT = dict(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, repetition_penalty=1.0,
               presence_penalty=0.0, frequency_penalty=0.0, penalty_last_n=64)


def configs(semantics, rng):
    fixed = [{}, {"temperature": 0.0}, {"temperature": 0.0, "repetition_penalty": 1.5},
             {"temperature": 0.5}, {"top_k": 7}, {"top_p": 0.8}, {"min_p": 0.1}, {"min_p": 0.1, "temperature": 0.5},
             {"repetition_penalty": 1.3}, {"repetition_penalty": 0.8},
             {"temperature": 0.7, "top_k": 20, "top_p": 0.9, "min_p": 0.05, "repetition_penalty": 1.1}]
    if semantics != "hf":
        fixed += [{"presence_penalty": 0.5}, {"frequency_penalty": 0.3}, {"frequency_penalty": -0.4},
                  {"repetition_penalty": 1.2, "presence_penalty": 0.6, "frequency_penalty": 0.2}]
    if semantics == "llamacpp":
        fixed += [{"repetition_penalty": 1.3, "penalty_last_n": 16}, {"repetition_penalty": 1.3, "penalty_last_n": -1},
                  {"repetition_penalty": 1.3, "penalty_last_n": 0}, {"frequency_penalty": 0.5, "penalty_last_n": 8}]
    out = [dict(DEFAULT, **f) for f in fixed]
    for _ in range(14):  # random combinations
        c = dict(DEFAULT)
        c["temperature"] = float(rng.choice([0.3, 0.6, 1.0, 1.4]))
        c["top_k"] = int(rng.choice([0, 1, 3, 10, 40]))
        c["top_p"] = float(rng.choice([1.0, 0.95, 0.7, 0.3]))
        c["min_p"] = float(rng.choice([0.0, 0.02, 0.1, 0.3]))
        c["repetition_penalty"] = float(rng.choice([1.0, 1.05, 1.2, 1.6]))
        if semantics != "hf":
            c["presence_penalty"] = float(rng.choice([0.0, 0.4, -0.5]))
            c["frequency_penalty"] = float(rng.choice([0.0, 0.25, -0.2]))
        if semantics == "llamacpp":
            c["penalty_last_n"] = int(rng.choice([64, 10, -1]))
        out.append(c)
    return out


def fmt(v):
    return "null" if not np.isfinite(v) else "%.9g" % float(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "data", "samplers", "goldens.json"))
    ap.add_argument("--seed", type=int, default=20250611)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    refs = {"vllm": vllm_reference, "hf": hf_reference, "llamacpp": llamacpp_reference}
    cases = []
    for semantics, ref in refs.items():
        for i, c in enumerate(configs(semantics, rng)):
            logits = np.round(rng.normal(0.0, 2.0, V), 4).astype(np.float32)
            prompt = rng.integers(0, V, int(rng.integers(1, 50))).tolist()
            output = rng.integers(0, V, int(rng.integers(0, 60))).tolist()
            expected = np.asarray(ref(logits, prompt, output, c), dtype=np.float32)
            assert np.isfinite(expected).any()
            cfg = dict(c, semantics=semantics)
            cases.append("{" + ", ".join([
                '"name": "%s-%d"' % (semantics, i), '"config": ' + json.dumps(cfg),
                '"prompt": ' + json.dumps(prompt), '"output": ' + json.dumps(output),
                '"logits": [' + ",".join("%.4f" % v for v in logits) + "]",
                '"expected": [' + ",".join(fmt(v) for v in expected) + "]"]) + "}")
    with open(args.out, "w") as f:
        f.write('{"vocab": %d, "seed": %d, "cases": [\n' % (V, args.seed) + ",\n".join(cases) + "\n]}\n")
    print("wrote %d cases to %s" % (len(cases), args.out))


if __name__ == "__main__":
    main()
