#!/usr/bin/env bash
# The EMA scaling rule ("How to Scale Your EMA", Busbridge et al. 2023), reproduced with sluice
# alone: BYOL (`train ssl --objective byol`) at batch B and at 4B for the same samples seen. With
# the rule (`--ema-ref-batch B`: momentum rho -> rho^4, the optimizer's learning-rate rule, Adam's
# betas likewise) the kNN curve against samples seen should follow the batch-B run; with the same
# rho and learning rate at 4B it should not. A second seed of the batch-B run measures how far two
# runs that should agree differ anyway (the yardstick for "match").
#
#   bench/seeds/ema.sh [--smoke | --quick | --full] [OUT]     (default --quick, OUT seeds-out/ema)
#
#   --smoke  the plumbing in well under a minute (samples/fashion-mnist, a few steps).
#   --quick  Fashion-MNIST, 100 images per class (scripts/fetch_fashion_mnist.sh), 32 px, ResNet-18
#            at width 0.25, B = 16 vs 64, 6,400 samples seen; a few minutes on 2 CPU cores.
#   --full   for a GPU (DEVICE=cuda): 1,000 images per class, B = 64 vs 256, 64,000 samples seen.
#
# Env: SLUICE_BIN (default: the debug build in $CARGO_TARGET_DIR), DEVICE (cpu), OPTIMIZER
# (adamw), LR (1e-3 at batch B), EMA (0.99 at batch B).
# Writes OUT/report.md (table, distances), OUT/knn.png (plan's plotting code), the runs.
set -euo pipefail
mode=quick
case "${1:-}" in --smoke | --quick | --full) mode=${1#--}; shift ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-seeds-out/ema}
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
device=${DEVICE:-cpu}
opt=${OPTIMIZER:-adamw} lr=${LR:-1e-3} ema=${EMA:-0.99}
[ -x "$bin" ] || { echo "no sluice binary at $bin (cargo build --features torch, or set SLUICE_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[ema $mode] $*" >&2; }

case $mode in
  smoke) data=$here/samples/fashion-mnist b=8 steps=8 evals=4 width=0.125 ;;
  quick) per=100 b=16 steps=400 evals=100 width=0.25 ;;
  full) per=1000 b=64 steps=1000 evals=100 width=1 ;;
esac
if [ "$mode" != smoke ]; then
  data=${FMNIST:-$HOME/.cache/sluice-fmnist-$per}
  [ -d "$data/train" ] || "$here/scripts/fetch_fashion_mnist.sh" "$data" "$per"
  data=$data/train
fi
# Evaluations at the same samples seen in every run: every `evals` steps at B, evals/4 at 4B.
common=(--data "$data" --objective byol --size 32 --width "$width" --proj-hidden 256
        --optimizer "$opt" --lr "$lr" --ema "$ema" --device "$device" --quiet)
run() { # NAME BATCH STEPS SEED ARGS...
  local name=$1 batch=$2 n=$3 seed=$4; shift 4
  log "$name: batch $batch, $n steps"
  "$bin" train ssl "${common[@]}" --batch-size "$batch" --steps "$n" --seed "$seed" \
    --warmup $((n / 10)) --eval-every $((evals * n / steps)) "$@" --out "$out/$name" >/dev/null
}
run "b$b" "$b" "$steps" 0
run "b$b-seed1" "$b" "$steps" 1
run "b$((4 * b))-rule" $((4 * b)) $((steps / 4)) 0 --ema-ref-batch "$b"
run "b$((4 * b))-no-rule" $((4 * b)) $((steps / 4)) 0

"$bin" plan curves --x samples_seen --y knn_top1 --plot "$out/knn.png" --json \
  --run "B$b=$out/b$b" "B$b seed 1=$out/b$b-seed1" "B$((4 * b)) rule=$out/b$((4 * b))-rule" \
  "B$((4 * b)) no rule=$out/b$((4 * b))-no-rule" >"$out/knn.json"
python3 - "$out" "$mode" "$b" <<'EOF'
import json, sys
out, mode, b = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = json.load(open(f"{out}/knn.json"))["result"]["runs"]
curve = {r["label"]: dict(map(tuple, r["points"])) for r in runs}
labels = [r["label"] for r in runs]
ref = curve[labels[0]]
def dist(other):
    common = sorted(set(ref) & set(other))[1:]  # every evaluation after step 0
    return sum(abs(ref[s] - other[s]) for s in common) / len(common), len(common)
xs = sorted(ref)
lines = [f"# EMA scaling rule, {mode} mode: BYOL kNN top-1 against samples seen", "",
         "| run | " + " | ".join(f"{int(x):,}" for x in xs) + " | mean abs distance to B = " + str(b) + " |",
         "|---|" + "---:|" * (len(xs) + 1)]
for l in labels:
    c = curve[l]
    d = "-" if l == labels[0] else "%.3f (%d points)" % dist(c)
    lines.append(f"| {l} | " + " | ".join(f"{c[x]:.3f}" if x in c else "" for x in xs) + f" | {d} |")
m = {l: json.load(open(f"{out}/{d}/manifest.json")) for l, d in zip(labels, ["b%d" % b, "b%d-seed1" % b, "b%d-rule" % (4 * b), "b%d-no-rule" % (4 * b)])}
lines += ["", "EMA momentum and learning rate at step 0, as run: " + "; ".join(
    f"{l}: {m[l]['evals'][0]['ema']:.6f}, lr {m[l]['evals'][0]['lr']:.3g}" for l in labels)]
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
log "report: $out/report.md; plot: $out/knn.png"
