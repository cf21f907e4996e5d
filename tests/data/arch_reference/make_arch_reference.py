#!/usr/bin/env python3
"""Reference tensor inventories for tests/core/test_arch_reference.cpp.

For a small config of each supported family, builds the transformers model
(transformers 5.24, random init), saves it both in the original per-expert
format and in the fused v5 format, and records every tensor's name and shape.
MTP layers are not part of the transformers models, so these configs have
num_nextn_predict_layers = 0.

Run with the reference venv:  /opt/refvenv/bin/python make_arch_reference.py
Writes <family>.json next to this script: {"config": ..., "per_expert": [[name, shape]...],
"fused": [[name, shape]...]}.
"""
import json
import os
import sys
import tempfile

import torch
from safetensors import safe_open
import transformers

HERE = os.path.dirname(os.path.abspath(__file__))

MLA = dict(hidden_size=64, intermediate_size=96, moe_intermediate_size=16, num_attention_heads=4,
           num_key_value_heads=4, q_lora_rank=32, kv_lora_rank=16, qk_nope_head_dim=8,
           qk_rope_head_dim=4, v_head_dim=8, n_routed_experts=8, num_experts_per_tok=2,
           n_shared_experts=1, first_k_dense_replace=1, moe_layer_freq=1, norm_topk_prob=True,
           routed_scaling_factor=2.5, scoring_func="sigmoid", topk_method="noaux_tc",
           vocab_size=128, rms_norm_eps=1e-5, max_position_embeddings=512,
           num_nextn_predict_layers=0, tie_word_embeddings=False)

CONFIGS = {
    "glm_moe_dsa": dict(MLA, model_type="glm_moe_dsa", architectures=["GlmMoeDsaForCausalLM"],
                        num_hidden_layers=6, n_group=1, topk_group=1, index_n_heads=2, index_head_dim=8,
                        index_topk=16, index_topk_freq=2, index_skip_topk_offset=2, head_dim=4,
                        rope_parameters={"rope_theta": 8000000.0, "rope_type": "default"},
                        indexer_rope_interleave=True, rope_interleave=True),
    "deepseek_v32": dict(MLA, model_type="deepseek_v32", architectures=["DeepseekV32ForCausalLM"],
                         num_hidden_layers=4, n_group=2, topk_group=1, index_n_heads=2, index_head_dim=8,
                         index_topk=16, rope_theta=10000.0,
                         rope_scaling={"type": "yarn", "factor": 40.0, "original_max_position_embeddings": 128,
                                       "beta_fast": 32, "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 1.0}),
    "deepseek_v3": dict(MLA, model_type="deepseek_v3", architectures=["DeepseekV3ForCausalLM"],
                        num_hidden_layers=4, n_group=2, topk_group=1, rope_theta=10000.0, attention_bias=True,
                        rope_scaling={"type": "yarn", "factor": 40.0, "original_max_position_embeddings": 128,
                                      "beta_fast": 32, "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 1.0}),
    "deepseek_v3_no_q_lora": dict(MLA, model_type="deepseek_v3", architectures=["DeepseekV3ForCausalLM"],
                                  num_hidden_layers=3, n_group=1, topk_group=1, q_lora_rank=None,
                                  first_k_dense_replace=2, rope_theta=10000.0),
    "glm4_moe": dict(model_type="glm4_moe", architectures=["Glm4MoeForCausalLM"], hidden_size=64,
                     intermediate_size=96, moe_intermediate_size=16, num_attention_heads=4, num_key_value_heads=2,
                     head_dim=16, partial_rotary_factor=0.5, attention_bias=True, use_qk_norm=True,
                     n_routed_experts=8, num_experts_per_tok=2, n_shared_experts=1, first_k_dense_replace=1,
                     n_group=1, topk_group=1, norm_topk_prob=True, routed_scaling_factor=2.5,
                     num_hidden_layers=4, vocab_size=128, rms_norm_eps=1e-5, rope_theta=1000000.0,
                     max_position_embeddings=512, num_nextn_predict_layers=0, tie_word_embeddings=False),
    "qwen3_moe": dict(model_type="qwen3_moe", architectures=["Qwen3MoeForCausalLM"], hidden_size=64,
                      intermediate_size=96, moe_intermediate_size=16, num_attention_heads=4, num_key_value_heads=2,
                      head_dim=24, num_experts=8, num_experts_per_tok=2, norm_topk_prob=True,
                      decoder_sparse_step=1, mlp_only_layers=[1], num_hidden_layers=4, vocab_size=128,
                      rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=512,
                      tie_word_embeddings=True, attention_bias=False),
    "qwen2_moe": dict(model_type="qwen2_moe", architectures=["Qwen2MoeForCausalLM"], hidden_size=64,
                      intermediate_size=96, moe_intermediate_size=16, shared_expert_intermediate_size=48,
                      num_attention_heads=4, num_key_value_heads=4, num_experts=8, num_experts_per_tok=2,
                      norm_topk_prob=False, decoder_sparse_step=2, mlp_only_layers=[], num_hidden_layers=4,
                      vocab_size=128, rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=512,
                      tie_word_embeddings=False),
    "mixtral": dict(model_type="mixtral", architectures=["MixtralForCausalLM"], hidden_size=64,
                    intermediate_size=32, num_attention_heads=4, num_key_value_heads=2, num_local_experts=4,
                    num_experts_per_tok=2, num_hidden_layers=2, vocab_size=128, rms_norm_eps=1e-5,
                    rope_theta=1000000.0, max_position_embeddings=512, sliding_window=None,
                    tie_word_embeddings=False),
}


def inventory(folder):
    out = []
    for fn in sorted(os.listdir(folder)):
        if fn.endswith(".safetensors"):
            with safe_open(os.path.join(folder, fn), "pt") as f:
                for k in f.keys():
                    out.append([k, list(f.get_slice(k).get_shape())])
    return sorted(out)


def main():
    torch.manual_seed(0)
    for name, cfg in CONFIGS.items():
        config = transformers.AutoConfig.for_model(**cfg)
        model = transformers.AutoModelForCausalLM.from_config(config)
        rec = {"config": cfg}
        with tempfile.TemporaryDirectory() as d:
            model.save_pretrained(d, save_original_format=True)
            rec["per_expert"] = inventory(d)
        with tempfile.TemporaryDirectory() as d:
            model.save_pretrained(d, save_original_format=False)
            rec["fused"] = inventory(d)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")
        print(name, len(rec["per_expert"]), len(rec["fused"]), file=sys.stderr)


if __name__ == "__main__":
    main()
