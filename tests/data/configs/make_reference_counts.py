#!/usr/bin/env python3
"""Parameter and tensor counts that transformers 5.24 derives from each
full-size config here (models built on the meta device: no memory, no
weights). transformers models hold no MTP layers and fuse the experts, so the
counts are for the trunk in the fused layout.

Run with the reference venv:  /opt/refvenv/bin/python make_reference_counts.py
Writes reference_counts.json: {name: {"params": N, "tensors": T}}.
"""
import glob
import json
import os

import torch
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out = {}
    for path in sorted(glob.glob(os.path.join(HERE, "*.json"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name == "reference_counts":
            continue
        with open(path) as f:
            cfg = json.load(f)
        cfg.pop("auto_map", None)
        cfg.pop("quantization_config", None)  # build the unquantised model
        config = transformers.AutoConfig.for_model(**cfg)
        with torch.device("meta"):
            model = transformers.AutoModelForCausalLM.from_config(config)
        sd = model.state_dict()
        # Tied weights appear twice in state_dict(); count storage once.
        seen, params = set(), 0
        names = []
        for k, v in sd.items():
            if config.tie_word_embeddings and k == "lm_head.weight":
                continue
            names.append(k)
            params += v.numel()
        out[name] = {"params": params, "tensors": len(names)}
        print(name, out[name])
    with open(os.path.join(HERE, "reference_counts.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
