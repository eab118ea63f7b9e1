#!/usr/bin/env bash
# Compiles every native/*.cu into OUT_DIR/<name>.fatbin (default target/classes/native, so the
# jar carries them): SASS for sm_80 (A100) and sm_90 (H100/H200) plus compute_90 PTX that newer
# GPUs JIT-compile. nvcc 13 emits PTX ISA 9.0, which needs a CUDA 13 driver (R580 or newer).
# Without nvcc this prints one line and succeeds: the jar then has no fatbin and the GPU path
# reports "no fatbin in this build". Up-to-date fatbins are not rebuilt.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here/../target/classes/native}
nvcc=${NVCC:-nvcc}
if ! command -v "$nvcc" >/dev/null 2>&1; then
  echo "native/build.sh: nvcc not found; building without GPU kernels (the GPU path will report 'no fatbin in this build')"
  exit 0
fi
mkdir -p "$out"
flags=(-std=c++17 -O3 -fatbin -I "$here"
       -gencode arch=compute_80,code=sm_80
       -gencode arch=compute_90,code=sm_90
       -gencode arch=compute_90,code=compute_90)
for cu in "$here"/*.cu; do
  name=$(basename "$cu" .cu)
  fb="$out/$name.fatbin"
  if [[ -f $fb ]] && [[ -z $(find "$here" -maxdepth 1 \( -name '*.cu' -o -name '*.cuh' -o -name build.sh \) -newer "$fb") ]]; then
    continue
  fi
  echo "native/build.sh: nvcc $name.cu -> $fb"
  "$nvcc" "${flags[@]}" "$cu" -o "$fb.tmp"
  mv "$fb.tmp" "$fb"
done
# the whole banner: GpuRuntime reads the release ("release 13.0, V13.0.88") out of it
"$nvcc" --version > "$out/nvcc-version.txt"
