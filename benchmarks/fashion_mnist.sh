#!/usr/bin/env bash
# Fashion-MNIST side by side (issue 5, real dataset): NTK regression at t = infinity on one-hot labels,
# bin/ntk4j predict vs a numpy/scipy script doing the same, on the same inputs, in one job.
#   data   Debian package dataset-fashion-mnist (installed with apt-get if missing), first N training
#          images (default 10,000), first M test images (default all 10,000), d = 784, pixels / 255
#          standardized per pixel with the training images' statistics, labels one-hot - 0.1
#   model  [Dense(512,W_std=1.5,b_std=0.1) -> Relu] x 3 -> Dense(1,W_std=1.5,b_std=0.1), NTK
#          parameterization, float64, diag_reg 1e-4 relative to the mean diagonal (neural-tangents)
# Reports the test accuracy of both (argmax of the 10 outputs), their agreement (max |a - b| / max |b|,
# exit 1 above 1e-6 or when the accuracies differ), wall and CPU (user + sys) times end to end
# (process start and .npy I/O included) and the ratios ntk4j / numpy, as a Markdown table; with the
# default sizes it is also written to benchmarks/results/fashion-mnist-<date>.md.
# Usage: benchmarks/fashion_mnist.sh [--n N] [--m M] [--diag-reg R] [--reps K] [--results FILE|none]
# Heavy at the defaults (~2 GB for numpy, two 10k x 10k kernels and a 10k Cholesky per side): on a
# shared machine run it under a lock, e.g. `flock /tmp/ntk4j-heavy.lock benchmarks/fashion_mnist.sh`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
n=10000 m=10000 reg=1e-4 reps=1 results=default
while [ $# -gt 0 ]; do
  case $1 in
    --n) n=$2; shift 2 ;;
    --m) m=$2; shift 2 ;;
    --diag-reg) reg=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fashion_mnist.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$results" = default ]; then
  # only the full-size run is a result worth keeping
  if [ "$n" = 10000 ] && [ "$m" = 10000 ]; then results="$root/benchmarks/results/fashion-mnist-$(date +%F).md"; else results=none; fi
fi

pkg=dataset-fashion-mnist
if ! dpkg -s "$pkg" >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "fashion_mnist.sh: the Debian package $pkg is not installed and this is not root;" \
         "install it with 'sudo apt-get install -y $pkg' and rerun" >&2
    exit 2
  fi
  echo "installing $pkg ..." >&2
  apt-get install -y "$pkg" >&2 || { apt-get update >&2 && apt-get install -y "$pkg" >&2; }
fi
imgdir=$(dirname "$(dpkg -L "$pkg" | grep -E '/train-images-idx3-ubyte(\.gz)?$' | head -1)")
[ -d "$imgdir" ] || { echo "fashion_mnist.sh: no train-images-idx3-ubyte in 'dpkg -L $pkg'" >&2; exit 2; }

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ntk4j="$root/bin/ntk4j"
py="$root/benchmarks/fashion_mnist.py"
"$ntk4j" info >/dev/null  # builds on first use and creates the class-data-sharing archive: not timed
python3 "$py" prepare --images-dir "$imgdir" --n "$n" --m "$m" --out "$tmp/data"

arch='Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(512,W_std=1.5,b_std=0.1)->Relu->Dense(1,W_std=1.5,b_std=0.1)'
jcmd=("$ntk4j" predict --arch "$arch" --x-train "$tmp/data/x_train.npy" --y-train "$tmp/data/y_train.npy"
      --x-test "$tmp/data/x_test.npy" --get ntk --cov none --diag-reg "$reg" --device cpu --out "$tmp/ntk4j")
ncmd=(python3 "$py" reference --data "$tmp/data" --depth 3 --w-std 1.5 --b-std 0.1 --diag-reg "$reg" --out "$tmp/numpy")

# best_of NAME CMD...: runs CMD reps times; "wall cpu maxrss_kb" of the fastest run in $tmp/NAME.time
best_of() {
  local name=$1; shift
  local r
  for r in $(seq "$reps"); do
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$@" >"$tmp/$name.out" 2>"$tmp/err" \
      || { echo "fashion_mnist.sh: failed: $*" >&2; cat "$tmp/$name.out" "$tmp/err" >&2; exit 1; }
    awk '{printf "%.3f %.3f %d\n", $1, $2 + $3, $4}' "$tmp/t"
  done | sort -g | head -1 >"$tmp/$name.time"
}
load0=$(cut -d' ' -f1-3 /proc/loadavg)
best_of numpy "${ncmd[@]}"
best_of ntk4j "${jcmd[@]}"
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$tmp/ntk4j.out"  # e.g. a jitter notice from ntk4j

# the facts the table states; fashion_mnist.py report reads them from the environment
export FM_DATE=$(date +%F) FM_N=$n FM_REG=$reg FM_REPS=$reps FM_ARCH=$arch FM_LOAD0=$load0 FM_LOAD1=$load1
FM_COMMIT=$(cd "$root" && git rev-parse --short HEAD)
(cd "$root" && git diff --quiet HEAD -- src pom.xml bin benchmarks) || FM_COMMIT="$FM_COMMIT + uncommitted changes"
FM_ARGS=""; [ "$n $m $reg $reps" = "10000 10000 1e-4 1" ] || FM_ARGS=" --n $n --m $m --diag-reg $reg --reps $reps"
FM_CPU=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
FM_NPROC=$(nproc)
FM_RAM=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
FM_JAVA=$("$ntk4j" info | sed -n 's/^java: *//p; s/^blas: *//p' | paste -sd ';' | sed 's/;/; ntk4j BLAS: /')
FM_PKG="$pkg $(dpkg-query -W -f '${Version}' "$pkg")"
export FM_COMMIT FM_ARGS FM_CPU FM_NPROC FM_RAM FM_JAVA FM_PKG
rargs=()
[ "$results" != none ] && rargs=(--results "$results")
python3 "$py" report --data "$tmp/data" --numpy-out "$tmp/numpy" --ntk4j-out "$tmp/ntk4j" \
  --numpy-time "$tmp/numpy.time" --ntk4j-time "$tmp/ntk4j.time" "${rargs[@]}"
