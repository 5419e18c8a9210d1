#!/usr/bin/env bash
# EWC for a self-supervised encoder, with sluice alone: SimCLR (`train ssl`) on task A (five
# Fashion-MNIST classes), then finetuned on task B (the other five) plainly and with EWC
# (`sluice fisher` of the task-A run over task A's images, `train ssl --init A --ewc F
# --ewc-lambda L`). Forgetting is the fall of the encoder's kNN top-1 on task A's held-out images
# (`train ssl --init RUN --steps 0 --data A` scores an encoder without training it); the
# finetune's own kNN on task B shows what EWC costs.
#
#   bench/seeds/ewc_ssl.sh [--smoke | --quick | --full] [OUT]     (default --quick, OUT seeds-out/ewc-ssl)
#
#   --smoke  the plumbing in well under a minute (samples/fashion-mnist, a few steps).
#   --quick  Fashion-MNIST, 100 images per class (scripts/fetch_fashion_mnist.sh), 32 px,
#            ResNet-18 at width 0.25, batch 32, 300 steps on A and 200 on B; minutes on 2 cores.
#   --full   for a GPU (DEVICE=cuda): 1,000 images per class, width 1, 2,000 + 1,000 steps.
#
# Env: SLUICE_BIN (default: the debug build in $CARGO_TARGET_DIR), DEVICE (cpu), LAMBDAS (EWC
# strengths, space-separated), FT_SEED (the finetunes' seed: their views; default 0).
# Writes OUT/report.md (table), OUT/knn_b.png (plan's plotting code), the runs.
set -euo pipefail
mode=quick
case "${1:-}" in --smoke | --quick | --full) mode=${1#--}; shift ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-seeds-out/ewc-ssl}
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
device=${DEVICE:-cpu}
[ -x "$bin" ] || { echo "no sluice binary at $bin (cargo build --features torch, or set SLUICE_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[ewc-ssl $mode] $*" >&2; }
ft_seed=${FT_SEED:-0}

case $mode in
  smoke) data=$here/samples/fashion-mnist b=8 steps_a=6 steps_b=4 width=0.125 lambdas=(100) fisher=32 ;;
  quick) per=100 b=32 steps_a=300 steps_b=200 width=0.25 lambdas=(10 100 1000) fisher=256 ;;
  full) per=1000 b=128 steps_a=2000 steps_b=1000 width=1 lambdas=(10 100 1000) fisher=2048 ;;
esac
read -r -a lambdas <<<"${LAMBDAS:-${lambdas[*]}}"
if [ "$mode" != smoke ]; then
  data=${FMNIST:-$HOME/.cache/sluice-fmnist-$per}
  [ -d "$data/train" ] || "$here/scripts/fetch_fashion_mnist.sh" "$data" "$per"
  data=$data/train
fi
# The two tasks: class folders copied apart (tops and trousers vs shoes and bags).
for task in a b; do
  case $task in
    a) classes=(t-shirt trouser pullover dress coat) ;;
    b) classes=(sandal shirt sneaker bag ankle-boot) ;;
  esac
  rm -rf "$out/task-$task"
  mkdir -p "$out/task-$task"
  for c in "${classes[@]}"; do cp -r "$data/$c" "$out/task-$task/$c"; done
done

common=(--objective simclr --size 32 --width "$width" --proj-hidden 256 --batch-size "$b"
        --eval-frac 0.2 --device "$device" --quiet)
ssl() { # NAME DATA STEPS ARGS...
  local name=$1 d=$2 n=$3; shift 3
  "$bin" train ssl "${common[@]}" --data "$d" --steps "$n" --warmup $((n / 10 > 0 ? n / 10 : 1)) \
    --eval-every $((n / 4 > 0 ? n / 4 : 1)) "$@" --out "$out/$name" >/dev/null 2>"$out/$name.log" ||
    { cat "$out/$name.log" >&2; return 1; }
}
log "task A: $steps_a steps"
ssl a "$out/task-a" "$steps_a"
"$bin" fisher -q --model "$out/a" --data "$out/task-a" --samples "$fisher" --device "$device" \
  --out "$out/fisher" >&2
runs=(b-plain)
log "task B from A, plain: $steps_b steps"
ssl b-plain "$out/task-b" "$steps_b" --init "$out/a" --seed "$ft_seed"
for l in "${lambdas[@]}"; do
  log "task B from A, EWC lambda $l"
  ssl "b-ewc$l" "$out/task-b" "$steps_b" --init "$out/a" --seed "$ft_seed" --ewc "$out/fisher" \
    --ewc-lambda "$l"
  runs+=("b-ewc$l")
done
# Each encoder scored on task A without training (--steps 0).
for r in a "${runs[@]}"; do ssl "eval-a-$r" "$out/task-a" 0 --init "$out/$r"; done

labelled=()
for r in "${runs[@]}"; do labelled+=("$r=$out/$r"); done
"$bin" plan curves --x samples_seen --y knn_top1 --plot "$out/knn_b.png" --json \
  --run "${labelled[@]}" >"$out/knn_b.json"
python3 - "$out" "$mode" "${runs[@]}" <<'EOF'
import json, sys
out, mode, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
man = lambda d: json.load(open(f"{out}/{d}/manifest.json"))
def knn(d):
    return man(d)["evals"][-1]["knn_top1"]
a, f = man("a"), man("fisher")
base_a = knn("eval-a-a")
lines = [f"# EWC for an SSL encoder, {mode} mode (finetunes' seed {man('b-plain')['config'].get('seed') or 0})", "",
         f"Task A: {a['train_samples']} training / {a['heldout_samples']} held-out images, SimCLR {a['config']['steps']} steps "
         f"(kNN on A {a['evals'][0]['knn_top1']:.3f} -> {knn('a'):.3f}, raw pixels {a['pixel_knn_top1']:.3f}). "
         f"Fisher over {f['sequences']} task-A images: mean {f['mean']:.3g}, max {f['max']:.3g}.", "",
         "| finetune on B | kNN on B: start -> end | kNN on A after | change on A (forgetting < 0) |",
         "|---|---|---:|---:|"]
for r in runs:
    m = man(r)
    lam = m["config"].get("ewc_lambda")
    name = "plain" if lam is None else f"EWC {lam:g}"
    e = m["evals"]
    lines.append(f"| {name} | {e[0]['knn_top1']:.3f} -> {e[-1]['knn_top1']:.3f} | {knn('eval-a-' + r):.3f} | **{knn('eval-a-' + r) - base_a:+.3f}** |")
lines += ["", f"kNN on A of the task-A encoder (evaluated the same way): {base_a:.3f}"]
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
log "report: $out/report.md; plot: $out/knn_b.png"
