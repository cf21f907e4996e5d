#!/usr/bin/env bash
# The checks that need a CUDA GPU, in one run: build moecut (CLI, engine,
# kernels, tests, benchmarks; no GUI) against the LibTorch of the machine's
# Python (a CUDA build of torch), then
#   1. the kernel tests (every CUDA kernel against its CPU twin),
#   2. the engine tests (CUDA against CPU on every family, and all CPU tests
#      under this LibTorch version),
#   3. the kernel benchmarks that exist (bench_nvfp4, bench_gguf_quant),
#   4. the CLI on the demo model: saliency, teacher-cache and kd with --device
#      cuda next to the same commands on the CPU, outputs compared; a teacher
#      cache with the layers split over the GPU and the CPU; eval on the GPU,
#   5. bench_gpu (forward and generation on a GLM-5.2-shaped model) and
#      bench_saliency --device cuda on the same model.
# Usage: scripts/gpu-check.sh [OUTDIR]   (default out/gpu-check; logs and a
# summary.md land there). PYTHON picks the Python whose torch is used.
# MOECUT_EXTRA_INCLUDE=DIR: headers for system libraries that are installed
# without their -dev package (sqlite3, pcre2, ICU): the script then makes the
# link names and pkg-config files for them in a scratch prefix
# (scripts/gpu-extra-headers.sh makes such a folder from Debian's packages).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/gpu-check}
mkdir -p "$out"
out=$(cd "$out" && pwd)
build=${MOECUT_GPU_BUILD:-build-gpu}
py=${PYTHON:-python3}
summary=$out/summary.md
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }
stage() { # stage NAME SECONDS CMD...: runs CMD with a time limit, logs to OUT/NAME.log
    local name=$1 limit=$2; shift 2
    local t0=$SECONDS
    timeout "$limit" "$@" > "$out/$name.log" 2>&1
    local rc=$?
    note "| $name | rc $rc | $((SECONDS - t0)) s |"
    return $rc
}

note "# moecut GPU check $(date -u +%FT%TZ)"
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader | sed 's/^/GPU: /' | tee -a "$summary"
torch_cmake=$($py -c 'import torch; print(torch.utils.cmake_prefix_path)')
note "torch: $($py -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)')"
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' ')
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-$cap}
prefix_path=$torch_cmake

if [ -n "${MOECUT_EXTRA_INCLUDE:-}" ]; then
    pfx=/tmp/moecut-extra-prefix
    rm -rf "$pfx" && mkdir -p "$pfx/lib/pkgconfig"
    ln -s "$(cd "$MOECUT_EXTRA_INCLUDE" && pwd)" "$pfx/include"
    # name of the .pc, the library's link name, the runtime file ldconfig knows
    for spec in sqlite3:sqlite3:libsqlite3.so.0 libpcre2-8:pcre2-8:libpcre2-8.so.0 icu-uc:icuuc:libicuuc.so; do
        IFS=: read -r pc lib so <<< "$spec"
        pkg-config --exists "$pc" && continue
        real=$(ldconfig -p | awk -v s="$so" 'index($1, s) == 1 {print $NF; exit}')
        [ -n "$real" ] || { note "no runtime library for $pc"; continue; }
        ln -sf "$real" "$pfx/lib/lib$lib.so"
        printf 'prefix=%s\nName: %s\nDescription: %s\nVersion: 0\nCflags: -I%s/include\nLibs: -L%s/lib -l%s\n' \
            "$pfx" "$pc" "$pc" "$pfx" "$pfx" "$lib" > "$pfx/lib/pkgconfig/$pc.pc"
    done
    export PKG_CONFIG_PATH=$pfx/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
    prefix_path="$prefix_path;$pfx"
fi

note ""
note "| stage | result | time |"
note "|---|---|---|"
stage configure 120 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMOECUT_BUILD_GUI=OFF \
    -DCMAKE_PREFIX_PATH="$prefix_path" -DCMAKE_CUDA_ARCHITECTURES="${cap/./}" || { tail -30 "$out/configure.log"; exit 1; }
targets=(moecut moecut_kernel_tests moecut_engine_tests bench_gpu bench_saliency)
for t in bench_nvfp4 bench_gguf_quant; do
    ninja -C "$build" -t targets all 2>/dev/null | grep -q "^$t:" && targets+=("$t")
done
stage build 420 cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" -- -k 0 || { grep -E "error|FAILED" "$out/build.log" | head -30; }
bin=$build/backend/cli/moecut

[ -x "$build/tests/kernels/moecut_kernel_tests" ] &&
    stage kernel-tests 120 "$build/tests/kernels/moecut_kernel_tests" --gtest_output=xml:"$out/kernel-tests.xml"
[ -x "$build/tests/engine/moecut_engine_tests" ] &&
    stage engine-tests 150 "$build/tests/engine/moecut_engine_tests" --gtest_output=xml:"$out/engine-tests.xml"
for f in kernel-tests engine-tests; do
    [ -f "$out/$f.log" ] && grep -E "^\[  (PASSED|FAILED|SKIPPED) |^\[  FAILED  \]" "$out/$f.log" | sed "s/^/$f: /" | tee -a "$summary"
done

for b in bench_nvfp4 bench_gguf_quant; do
    [ -x "$build/bench/$b" ] && stage "$b" 120 "$build/bench/$b"
done

if [ -x "$bin" ]; then
    demo=resources/models/tiny-glm5-moe
    w=$out/cli
    rm -rf "$w" && mkdir -p "$w"
    for dev in cpu cuda; do
        stage "saliency-$dev" 120 "$bin" saliency --model "$demo" --data resources/corpus/calib_code.jsonl \
            --seq-len 256 --max-tokens 16384 --device "$dev" --out "$w/saliency-$dev.safetensors"
    done
    stage saliency-compare 60 $py scripts/compare_safetensors.py "$w/saliency-cpu.safetensors" "$w/saliency-cuda.safetensors" \
        --rtol 1e-4 --only-differing
    tail -1 "$out/saliency-compare.log" | sed 's/^/saliency cpu vs cuda: /' | tee -a "$summary"
    "$bin" plan --saliency "$w/saliency-cpu.safetensors" --keep 11 --criterion reap --domain code --out "$w/plan.json" > /dev/null 2>&1
    "$bin" prune --model "$demo" --plan "$w/plan.json" --out "$w/pruned" > /dev/null 2>&1
    for dev in cpu cuda; do
        stage "teacher-cache-$dev" 120 "$bin" teacher-cache --model "$demo" --data resources/corpus/calib_code.jsonl \
            --seq-len 256 --max-tokens 16384 --device "$dev" --out "$w/cache-$dev"
        stage "kd-$dev" 180 "$bin" kd --student "$w/pruned" --cache "$w/cache-cpu" --steps 20 --batch 4 --device "$dev" \
            --out "$w/kd-$dev"
    done
    # The pruned model's loop evaluation on the GPU (the same seeds as the CPU runs of scripts/demo.sh).
    stage eval-cuda 180 "$bin" eval --model "$w/pruned" --probes resources/corpus/probes.jsonl --n 48 --cap 192 \
        --batch-size 16 --seed 0 --device cuda --name pruned-cuda --out "$w/eval-cuda"
    # A teacher split over two devices (layers 0.. on the GPU, the rest on the CPU).
    stage teacher-cache-split 120 "$bin" teacher-cache --model "$demo" --data resources/corpus/calib_code.jsonl \
        --seq-len 256 --max-tokens 16384 --device cuda:0,cpu --out "$w/cache-split"
    stage kd-compare 60 $py scripts/compare_safetensors.py "$w/kd-cpu" "$w/kd-cuda" --rtol 1e-3 --only-differing
    tail -1 "$out/kd-compare.log" | sed 's/^/kd gates cpu vs cuda: /' | tee -a "$summary"
    stage eval-report 60 "$bin" eval-report "$w/eval-cuda"
    cat "$out/eval-report.log" >> "$summary"
fi

[ -x "$build/bench/bench_gpu" ] && stage bench-gpu 240 "$build/bench/bench_gpu" --model-dir /tmp/moecut-bench-gpu-model --cpu
[ -x "$build/bench/bench_saliency" ] && [ -d /tmp/moecut-bench-gpu-model ] &&
    stage bench-saliency 120 "$build/bench/bench_saliency" --model /tmp/moecut-bench-gpu-model --device cuda \
        --tokens 16384 --seq-len 512 --batch 8
for f in bench-gpu bench-saliency bench_nvfp4 bench_gguf_quant; do
    [ -f "$out/$f.log" ] && { echo; echo "### $f"; cat "$out/$f.log"; } >> "$summary"
done
echo
cat "$summary"
