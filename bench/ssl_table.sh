#!/usr/bin/env bash
# `train ssl` on Fashion-MNIST at 32 px on this machine's CPU: kNN top-1 of the trained encoder vs
# the untrained one (its step-0 row) vs raw pixels, for simclr, polyview K=4 and K=8 and byol; then
# the Poly-View claim at fixed compute (the same views per step: K=8 x B/4 vs K=2 x B) over seeds.
#   SLUICE_BIN=$CARGO_TARGET_DIR/debug/sluice bench/ssl_table.sh [STEPS] [SEEDS] [PER_CLASS]
# Data: scripts/fetch_fashion_mnist.sh's train split, PER_CLASS images per class (20 % held out).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
steps=${1:-300}
seeds=${2:-3}
per=${3:-300}
data=${FMNIST:-$HOME/.cache/sluice-fmnist-$per}
[ -d "$data/train" ] || scripts/fetch_fashion_mnist.sh "$data" "$per"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common=(--data "$data/train" --size 32 --width 0.25 --proj-hidden 256 --steps "$steps"
        --eval-every "$((steps / 3))" --warmup "$((steps / 10))" --quiet)
run() { # NAME ARGS...: one run, one table row
  local name=$1; shift
  local t0=$SECONDS
  "$bin" train ssl "${common[@]}" "$@" --out "$out/$name" >/dev/null
  python3 - "$out/$name/manifest.json" "$name" "$((SECONDS - t0))" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
e = m["evals"]
print(f"{sys.argv[2]:<22} {e[0]['knn_top1']:>9.3f} {e[-1]['knn_top1']:>9.3f} {e[-1]['linear_top1']:>9.3f} "
      f"{m['pixel_knn_top1']:>9.3f} {e[-1]['loss']:>8.3f} {m['views_seen'] / m['step_seconds']:>8.0f} "
      f"{m['data_wait_seconds'] / max(m['step_seconds'], 1e-9) * 100:>6.1f}% {sys.argv[3]:>6}s")
PY
}
printf '%-22s %9s %9s %9s %9s %8s %8s %7s %7s\n' run knn_init knn_end linear pixels loss views/s wait wall
run simclr-k2-b64 --objective simclr --batch-size 64
run polyview-k4-b64 --objective polyview --k 4 --batch-size 64
run polyview-k8-b64 --objective polyview --k 8 --batch-size 64
run byol-k2-b64 --objective byol --batch-size 64
echo "# fixed compute: 128 views per step"
for s in $(seq 0 $((seeds - 1))); do
  run "polyview-k8-b16-s$s" --objective polyview --k 8 --batch-size 16 --seed "$s"
  run "infonce-k2-b64-s$s" --objective simclr --batch-size 64 --seed "$s"
done
