#!/usr/bin/env python3
"""GGUF reference fixtures for tests/core/test_gguf*.cpp, written by the PyPI `gguf`
package (gguf-py, llama.cpp's own Python reader/writer), and a dump mode that shows how
gguf-py's GGUFReader reads any file (tests use it on files moecut writes).

  /opt/refvenv/bin/python scripts/make_gguf_fixtures.py            # writes tests/data/gguf_ref/
  /opt/refvenv/bin/python scripts/make_gguf_fixtures.py --dump F   # JSON of F as GGUFReader sees it
  /opt/refvenv/bin/python scripts/make_gguf_fixtures.py --convert-reference LLAMA_CPP_DIR
      # runs that llama.cpp's convert_hf_to_gguf.py (--outtype f32) on resources/models/tiny-glm5-moe
      # and records the result as tests/data/gguf_ref/tiny_glm5_convert.json (arrays longer than
      # 64 items as their count only); LLAMA_CPP_DIR: llama-cpp-python 0.3.36's vendor/llama.cpp.
      # Its tokenizer hash table does not know moecut's tiny tokenizer: "glm4" is passed for it.

Fixtures (deterministic; byte-identical on re-run with gguf 0.19.0 and numpy 2):
  all_types.gguf   every metadata value type, arrays of every element type, tensors of
                   types F32, F16, BF16, Q8_0, I8, I32 in 1-D, 2-D and 3-D, and the
                   conversion references: conv_src (F32) with conv_f16 / conv_bf16 /
                   conv_q8_0 / conv_q4_0, the same values converted by numpy / gguf.quants
                   (gguf-py's ports of ggml's quantize_row_q8_0_ref / _q4_0_ref)
  kquants.gguf     kq_src (F32, 8 rows of 512) and kq_q2_k .. kq_q6_k: the same values quantized
                   by libggml-base's own quantize_row_q{2..6}_K_ref (gguf-py has no K-quantizer),
                   loaded with ctypes from llama-cpp-python's venv; not rewritten without it
  align64.gguf     general.alignment = 64, odd tensor sizes (padding between tensors)
  no_tensors.gguf  metadata only
  expected.json    each fixture as GGUFReader reads it (the --dump format)
After writing, every fixture is re-read with GGUFReader and checked against what was written.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import gguf
from gguf import GGUFReader, GGUFWriter, GGMLQuantizationType as Q, GGUFValueType as V

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "gguf_ref"


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def field_json(f):
    types = f.types
    out = {"type": types[0].name}
    if types[0] == V.ARRAY:
        out["element_type"] = types[1].name if len(types) > 1 else "UINT8"
        items = f.contents()
        if types[1] == V.BOOL:
            items = [bool(x) for x in items]
        out["value"] = list(items)
    elif types[0] == V.BOOL:
        out["value"] = bool(f.contents())
    else:
        out["value"] = f.contents()
    return out


def dump(path: Path) -> dict:
    r = GGUFReader(path)
    fields = []
    for key, f in r.fields.items():
        if key.startswith("GGUF."):
            continue
        fields.append({"key": key, **field_json(f)})
    tensors = []
    for t in r.tensors:
        raw = bytes(np.asarray(t.data).view(np.uint8).tobytes())
        tensors.append({
            "name": t.name, "type": int(t.tensor_type), "ne": [int(x) for x in t.shape],
            "nbytes": int(t.n_bytes), "offset": int(t.data_offset) - int(r.data_offset),
            "fnv1a64": fnv1a64(raw),
        })
    return {"version": int(r.fields["GGUF.version"].contents()), "alignment": int(r.alignment),
            "data_offset": int(r.data_offset), "fields": fields, "tensors": tensors}


def conv_source() -> np.ndarray:
    rng = np.random.default_rng(20261128)
    x = rng.standard_normal((4, 128)).astype(np.float32)
    x[0, :32] = 0.0                                   # an all-zero block
    x[0, 32:64] = np.arange(32, dtype=np.float32) - 15.5  # halves: ties for roundf
    x[1, :32] *= 1e-6                                  # tiny scale (fp16 subnormal d)
    x[1, 32:64] *= 3e4                                 # large values
    x[2, 0] = 1e-30; x[2, 1] = -0.0; x[2, 2] = 65504.0; x[2, 3] = 1.0e5  # f16 overflow
    x[2, 4] = np.float32(1.0) + np.float32(2.0 ** -8)   # bf16/f16 tie cases
    x[2, 5] = np.float32(1.0) + np.float32(3 * 2.0 ** -9)
    x[3, :32] = 7.0                                    # a constant block
    return x


def write_all_types(path: Path):
    w = GGUFWriter(path, "moecut-test")
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -100)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_float32("t.f32", 0.15625)
    w.add_uint64("t.u64", 2 ** 63 + 5)
    w.add_int64("t.i64", -(2 ** 62) - 7)
    w.add_float64("t.f64", -1.0e300)
    w.add_bool("t.bool_true", True)
    w.add_bool("t.bool_false", False)
    w.add_string("t.string", "héllo \u4e16\u754c \U0001F600 \"quoted\"\nnewline")
    w.add_key_value("t.arr_u8", [0, 1, 255], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("t.arr_i8", [-128, 0, 127], V.ARRAY, sub_type=V.INT8)
    w.add_key_value("t.arr_u16", [0, 65535], V.ARRAY, sub_type=V.UINT16)
    w.add_key_value("t.arr_i16", [-32768, 32767], V.ARRAY, sub_type=V.INT16)
    w.add_key_value("t.arr_u32", [1, 2, 4294967295], V.ARRAY, sub_type=V.UINT32)
    w.add_key_value("t.arr_i32", [-1, 0, 2147483647], V.ARRAY, sub_type=V.INT32)
    w.add_key_value("t.arr_f32", [0.5, -2.25, 1e-3], V.ARRAY, sub_type=V.FLOAT32)
    w.add_key_value("t.arr_u64", [0, 18446744073709551615], V.ARRAY, sub_type=V.UINT64)
    w.add_key_value("t.arr_i64", [-9223372036854775808, 9223372036854775807], V.ARRAY, sub_type=V.INT64)
    w.add_key_value("t.arr_f64", [3.141592653589793, -0.0], V.ARRAY, sub_type=V.FLOAT64)
    w.add_key_value("t.arr_bool", [True, False, True], V.ARRAY, sub_type=V.BOOL)
    w.add_key_value("t.arr_str", ["a", "", "Ġthe", "<|user|>"], V.ARRAY, sub_type=V.STRING)
    w.add_uint32("general.quantization_version", 2)

    rng = np.random.default_rng(7)
    w.add_tensor("f32_2d", rng.standard_normal((3, 5)).astype(np.float32))
    w.add_tensor("f16_1d", rng.standard_normal(7).astype(np.float16))
    w.add_tensor("i32_1d", np.arange(-3, 6, dtype=np.int32))
    w.add_tensor("i8_2d", np.arange(-6, 6, dtype=np.int8).reshape(3, 4))
    w.add_tensor("f32_3d", rng.standard_normal((2, 3, 4)).astype(np.float32))
    x = conv_source()
    w.add_tensor("conv_src", x)
    with np.errstate(over="ignore"):  # 1e5 and some large values overflow to inf, as in ggml
        w.add_tensor("conv_f16", x.astype(np.float16))
    w.add_tensor("conv_bf16", gguf.quants.quantize(x, Q.BF16), raw_dtype=Q.BF16)
    w.add_tensor("conv_q8_0", gguf.quants.quantize(x, Q.Q8_0), raw_dtype=Q.Q8_0)
    w.add_tensor("conv_q4_0", gguf.quants.quantize(x, Q.Q4_0), raw_dtype=Q.Q4_0)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_align64(path: Path):
    w = GGUFWriter(path, "moecut-test")
    w.add_custom_alignment(64)
    w.add_string("general.name", "align64")
    for i, n in enumerate([1, 3, 17, 64, 5]):
        w.add_tensor(f"t{i}", (np.arange(n, dtype=np.float32) * (i + 1)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_no_tensors(path: Path):
    w = GGUFWriter(path, "moecut-test")
    w.add_uint32("t.only", 1)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def ggml_oracle_check(x: np.ndarray, refs: dict) -> str:
    """Compares gguf-py's conversions with libggml-base's own reference functions
    (quantize_row_q8_0_ref, quantize_row_q4_0_ref, ggml_fp32_to_fp16_row,
    ggml_fp32_to_bf16_row_ref) when llama-cpp-python's venv has the library."""
    import ctypes, glob, os
    venv = os.environ.get("MOECUT_TEST_VENV", os.path.expanduser("~/.cache/moecut/test-venv"))
    libs = glob.glob(f"{venv}/lib/python3*/site-packages/llama_cpp/lib/libggml-base.so")
    if not libs:
        return "libggml-base not found: oracle check skipped"
    lib = ctypes.CDLL(libs[0])
    src = np.ascontiguousarray(x, dtype=np.float32).reshape(-1)
    n = src.size
    fp = src.ctypes.data_as(ctypes.c_void_p)
    for fn, key, nbytes in (("quantize_row_q8_0_ref", "q8_0", n // 32 * 34), ("quantize_row_q4_0_ref", "q4_0", n // 32 * 18),
                            ("ggml_fp32_to_fp16_row", "f16", 2 * n), ("ggml_fp32_to_bf16_row_ref", "bf16", 2 * n)):
        out = np.zeros(nbytes, dtype=np.uint8)
        getattr(lib, fn)(fp, out.ctypes.data_as(ctypes.c_void_p), ctypes.c_int64(n))
        ref = np.asarray(refs[key]).view(np.uint8).reshape(-1)
        assert np.array_equal(out, ref), f"{fn} differs from the fixture's {key}"
    return f"checked against {libs[0]}"


def convert_reference(llama_dir: Path):
    import subprocess, tempfile
    model = OUT.parent.parent.parent / "resources" / "models" / "tiny-glm5-moe"
    code = f"""
import sys, runpy
sys.path[:0] = [{str(llama_dir)!r}, {str(llama_dir / 'gguf-py')!r}]
import conversion.base as b
for c in vars(b).values():
    if isinstance(c, type) and hasattr(c, "get_vocab_base_pre"):
        c.get_vocab_base_pre = lambda self, tok: "glm4"
sys.argv = ["convert_hf_to_gguf.py"] + sys.argv[1:]
runpy.run_path({str(llama_dir / 'convert_hf_to_gguf.py')!r}, run_name="__main__")
"""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ref.gguf"
        subprocess.run([sys.executable, "-c", code, str(model), "--outfile", str(out), "--outtype", "f32"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        d = dump(out)
    for f in d["fields"]:
        if f["type"] == "ARRAY" and len(f["value"]) > 64:
            f["count"] = len(f["value"])
            del f["value"]
    commit = subprocess.run(["git", "-C", str(llama_dir), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    d["source"] = f"llama.cpp {commit or '(unknown commit)'} convert_hf_to_gguf.py --outtype f32 on resources/models/tiny-glm5-moe"
    (OUT / "tiny_glm5_convert.json").write_text(json.dumps(d, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {OUT / 'tiny_glm5_convert.json'}")


def kq_source() -> np.ndarray:
    rng = np.random.default_rng(31337)
    x = rng.standard_normal((8, 512)).astype(np.float32)
    x[0, :256] = 0.0                                  # an all-zero super-block
    x[1, :256] = 3.0                                  # constant
    x[1, 256:] = np.abs(x[1, 256:])                   # all positive (min clamped to 0)
    x[2, :16] = 0.0                                   # one zero sub-block among others
    x[3] *= 1e-5                                      # tiny scales
    x[4, 7] = 40.0                                    # an outlier
    x[5] = np.round(x[5] * 4) / 4                     # many exact ties
    x[6] = -np.abs(x[6])                              # all negative
    return x


def write_kquants(path: Path) -> str:
    import ctypes, glob, os
    venv = os.environ.get("MOECUT_TEST_VENV", os.path.expanduser("~/.cache/moecut/test-venv"))
    libs = glob.glob(f"{venv}/lib/python3*/site-packages/llama_cpp/lib/libggml-base.so")
    if not libs:
        return "libggml-base not found: kquants.gguf left as it is"
    lib = ctypes.CDLL(libs[0])
    x = kq_source()
    w = GGUFWriter(path, "moecut-test")
    w.add_tensor("kq_src", x)
    for name, qt in (("q2_K", Q.Q2_K), ("q3_K", Q.Q3_K), ("q4_K", Q.Q4_K), ("q5_K", Q.Q5_K), ("q6_K", Q.Q6_K)):
        block, size = gguf.GGML_QUANT_SIZES[qt]
        out = np.zeros((x.shape[0], x.shape[1] // block * size), dtype=np.uint8)
        for r in range(x.shape[0]):
            row = np.ascontiguousarray(x[r])
            getattr(lib, f"quantize_row_{name}_ref")(row.ctypes.data_as(ctypes.c_void_p),
                                                     out[r].ctypes.data_as(ctypes.c_void_p), ctypes.c_int64(row.size))
        back = gguf.quants.dequantize(out, qt)
        assert back.shape == x.shape and np.abs(back - x).max() < 0.5 * np.abs(x).max()
        w.add_tensor(f"kq_{name.lower()}", out, raw_dtype=qt)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return f"kquants.gguf from {libs[0]}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", type=Path, help="print FILE as GGUFReader reads it, as JSON")
    ap.add_argument("--convert-reference", type=Path, metavar="LLAMA_CPP_DIR")
    a = ap.parse_args()
    if a.convert_reference:
        convert_reference(a.convert_reference)
        return
    if a.dump:
        json.dump(dump(a.dump), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    writers = {"all_types.gguf": write_all_types, "align64.gguf": write_align64, "no_tensors.gguf": write_no_tensors}
    expected = {}
    for name, fn in writers.items():
        fn(OUT / name)
        expected[name] = dump(OUT / name)
    # Self-check: GGUFReader reads back what was written.
    at = {f["key"]: f for f in expected["all_types.gguf"]["fields"]}
    assert at["t.u64"]["value"] == 2 ** 63 + 5 and at["t.arr_str"]["value"][2] == "Ġthe"
    assert expected["align64.gguf"]["alignment"] == 64
    r = GGUFReader(OUT / "all_types.gguf")
    t = {x.name: x for x in r.tensors}
    assert t["conv_src"].shape.tolist() == [128, 4] and t["conv_q8_0"].tensor_type == Q.Q8_0
    back = gguf.quants.dequantize(t["conv_q8_0"].data, Q.Q8_0)
    assert np.abs(back - conv_source()).max() < 0.01 * np.abs(conv_source()).max()
    with np.errstate(over="ignore"):
        print(ggml_oracle_check(conv_source(), {"q8_0": t["conv_q8_0"].data, "q4_0": t["conv_q4_0"].data,
                                                "f16": t["conv_f16"].data, "bf16": t["conv_bf16"].data}))
    print(write_kquants(OUT / "kquants.gguf"))
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {', '.join(writers)} and expected.json to {OUT}")


if __name__ == "__main__":
    main()
