#!/usr/bin/env python3
"""Importance-matrix fixtures for tests/core/test_gguf_imatrix.cpp, made with libggml-base itself
(llama-cpp-python 0.3.36's build in ~/.cache/moecut/test-venv, or $MOECUT_TEST_VENV) through ctypes,
and imatrix files in llama.cpp's two formats written by gguf-py / struct.

  /opt/refvenv/bin/python scripts/make_gguf_imatrix_fixtures.py   # writes tests/data/gguf_ref/imatrix_*

Files (deterministic):
  imatrix_quants.gguf   imq_src (F32, ne [512, 3, 2]: 2 "experts" of 3 rows of 512 values),
                        imq_w (F32, ne [512, 2]: one importance vector per expert) and imq_<type> for
                        q4_0, q8_0, q2_k, q3_k, q4_k, q5_k, q6_k: the bytes of
                        ggml_quantize_chunk(type, src, dst, 0, rows, 512, w + e*512) per expert e, the call
                        llama-quantize makes (llama_tensor_quantize_impl), i.e. quantize_q4_0 / quantize_q*_K
                        with quant_weights, which run quantize_row_*_impl (not the *_ref functions).
                        Also imq_<type>_noim: the same call with imatrix NULL (the *_ref path).
  imatrix_small.gguf    a GGUF imatrix as current llama-imatrix writes it (general.type "imatrix",
                        imatrix.datasets / chunk_count / chunk_size; <name>.in_sum2 F32 [n, n_mat] and
                        <name>.counts F32 [1, n_mat]) for three names: a dense weight, an expert weight with
                        one zero count, and a 3-D dense weight with one count.
  imatrix_small.dat     the legacy format of llama-imatrix (i32 count; i32 len, name, i32 ncall, i32 nval,
                        f32[nval]; i32 chunks, i32 len, dataset name).
"""
import ctypes
import glob
import os
import struct
from pathlib import Path

import numpy as np
import gguf
from gguf import GGUFWriter, GGMLQuantizationType as Q

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "gguf_ref"

# ggml_type ids (ggml.h)
GGML = {"q4_0": 2, "q8_0": 8, "q2_k": 10, "q3_k": 11, "q4_k": 12, "q5_k": 13, "q6_k": 14}
QT = {"q4_0": Q.Q4_0, "q8_0": Q.Q8_0, "q2_k": Q.Q2_K, "q3_k": Q.Q3_K, "q4_k": Q.Q4_K, "q5_k": Q.Q5_K, "q6_k": Q.Q6_K}


def libggml():
    venv = os.environ.get("MOECUT_TEST_VENV", os.path.expanduser("~/.cache/moecut/test-venv"))
    libs = glob.glob(f"{venv}/lib/python3*/site-packages/llama_cpp/lib/libggml-base.so")
    if not libs:
        raise SystemExit("libggml-base not found (llama-cpp-python venv): nothing written")
    lib = ctypes.CDLL(libs[0])
    lib.ggml_quantize_chunk.restype = ctypes.c_size_t
    lib.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                                        ctypes.c_int64, ctypes.c_void_p]
    return lib, libs[0]


def source():
    rng = np.random.default_rng(4242)
    x = rng.standard_normal((2, 3, 512)).astype(np.float32)
    x[0, 0, :256] = 0.0                       # an all-zero super-block
    x[0, 1, 256:] = np.abs(x[0, 1, 256:])     # all positive
    x[1, 0, 100] = 30.0                       # an outlier
    x[1, 1] = np.round(x[1, 1] * 4) / 4       # exact ties
    x[1, 2] *= 1e-4                           # tiny values
    w = rng.gamma(0.5, 2.0, (2, 512)).astype(np.float32)  # skewed, like activation second moments
    w[1, :32] = 0.0                           # some zero importance
    return x, w


def write_quants(lib, path: Path):
    x, w = source()
    wr = GGUFWriter(path, "moecut-test")
    wr.add_tensor("imq_src", x)
    wr.add_tensor("imq_w", w)
    for name, tid in GGML.items():
        block, size = gguf.GGML_QUANT_SIZES[QT[name]]
        row = 512 // block * size
        for suffix, use_w in (("", True), ("_noim", False)):
            out = np.zeros((2, 3, row), dtype=np.uint8)
            for e in range(2):
                src = np.ascontiguousarray(x[e])
                we = np.ascontiguousarray(w[e])
                n = lib.ggml_quantize_chunk(tid, src.ctypes.data, out[e].ctypes.data, 0, 3, 512,
                                            we.ctypes.data if use_w else None)
                assert n == 3 * row
            back = gguf.quants.dequantize(out.reshape(6, row), QT[name]).reshape(x.shape)
            assert np.abs(back - x).max() < 0.5 * np.abs(x).max() + 1e-6
            wr.add_tensor(f"imq_{name}{suffix}", out, raw_dtype=QT[name])
    wr.write_header_to_file()
    wr.write_kv_data_to_file()
    wr.write_tensors_to_file()
    wr.close()


def imatrix_entries():
    rng = np.random.default_rng(77)
    return {
        # name: (sums [n_mat, n], counts [n_mat])
        "blk.0.attn_q.weight": (rng.random((1, 64)).astype(np.float32) * 100, np.array([40], np.float32)),
        "blk.1.ffn_up_exps.weight": (rng.random((4, 64)).astype(np.float32) * 10, np.array([7, 0, 3, 12], np.float32)),
        "blk.1.attn_k_b.weight": (rng.random((1, 3 * 32)).astype(np.float32), np.array([5], np.float32)),
    }


def write_imatrix_gguf(path: Path):
    wr = GGUFWriter(path, arch="")  # llama-imatrix writes no general.architecture
    wr.add_string("general.type", "imatrix")
    wr.add_array("imatrix.datasets", ["wiki.train.raw"])
    wr.add_uint32("imatrix.chunk_count", 10)
    wr.add_uint32("imatrix.chunk_size", 512)
    for name, (sums, counts) in imatrix_entries().items():
        wr.add_tensor(f"{name}.in_sum2", sums)                   # ne [n, n_mat]
        wr.add_tensor(f"{name}.counts", counts.reshape(-1, 1))  # ne [1, n_mat]
    wr.write_header_to_file()
    wr.write_kv_data_to_file()
    wr.write_tensors_to_file()
    wr.close()


def write_imatrix_dat(path: Path):
    ents = {"blk.0.attn_q.weight": (3, np.linspace(0.5, 2.0, 64, dtype=np.float32)),
            "blk.1.ffn_up_exps.weight": (0, np.linspace(1.0, 4.0, 4 * 64, dtype=np.float32))}
    b = struct.pack("<i", len(ents))
    for name, (ncall, vals) in ents.items():
        nb = name.encode()
        b += struct.pack("<i", len(nb)) + nb + struct.pack("<ii", ncall, vals.size) + vals.tobytes()
    ds = b"calibration.txt"
    b += struct.pack("<i", 10) + struct.pack("<i", len(ds)) + ds
    path.write_bytes(b)


def main():
    lib, where = libggml()
    OUT.mkdir(parents=True, exist_ok=True)
    write_quants(lib, OUT / "imatrix_quants.gguf")
    write_imatrix_gguf(OUT / "imatrix_small.gguf")
    write_imatrix_dat(OUT / "imatrix_small.dat")
    print(f"wrote imatrix_quants.gguf (from {where}), imatrix_small.gguf, imatrix_small.dat to {OUT}")


if __name__ == "__main__":
    main()
