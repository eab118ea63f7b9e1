#!/usr/bin/env bash
# Interleaved A/B of the kernel CLI between two checkouts (e.g. before/after a refactor, each with its
# own bin/ntk4j build): x = 4000x784 (seeded), three ReLU layers, NNGP+NTK float64 (compare.sh's
# target 1). Prints wall/user/sys and the kernel time the CLI reports for each run, and checks that
# both wrote byte-identical kernels.
#   benchmarks/ab_kernel.sh OLD_CHECKOUT NEW_CHECKOUT [runs (default 6)]
set -euo pipefail
old=$1 new=$2 runs=${3:-6}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -c "import numpy as np; np.save('$work/x.npy', np.random.default_rng(5).standard_normal((4000, 784)))"
layer='Dense(512,W_std=1.5,b_std=0.05)'
arch="$layer->Relu->$layer->Relu->$layer->Relu->Dense(1,W_std=1.5,b_std=0.05)"
for i in $(seq 1 "$runs"); do
  for side in old new; do
    root=$([ "$side" = old ] && echo "$old" || echo "$new")
    rm -rf "$work/out-$side"
    /usr/bin/time -f "%e %U %S" -o "$work/t" "$root/bin/ntk4j" kernel --arch "$arch" --x1 "$work/x.npy" \
      --out "$work/out-$side" >"$work/log-$side" 2>&1
    printf '%d %s wall/user/sys %s kernel %s\n' "$i" "$side" "$(cat "$work/t")" \
      "$(grep -oE 'in [0-9.]+ s' "$work/log-$side" | head -1)"
  done
done
cmp "$work/out-old/nngp.npy" "$work/out-new/nngp.npy" && cmp "$work/out-old/ntk.npy" "$work/out-new/ntk.npy" \
  && echo "outputs byte-identical"
