#!/usr/bin/env bash
# σReparam ("Stabilizing Transformer Training by Preventing Attention Entropy Collapse", Zhai et
# al. 2023), with sluice alone: transformers trained from scratch at a base learning rate and at a
# high one, each plain and with `--sigma-reparam`; every evaluation logs the attention entropy
# per layer and head. The paper's claim: at a learning rate where plain training's attention
# entropy collapses (towards 0 nats: each query attends to one key) and the loss spikes or
# plateaus, σReparam keeps the entropy up and trains.
#   - LM: `train lm --arch small` (4 layers, 8 heads) on the shipped samples (GPT-2 tokenizer).
#   - SSL: `train ssl --encoder vit-tiny` (SimCLR) on Fashion-MNIST.
#
#   bench/seeds/sigma_reparam.sh [--smoke | --quick | --full] [OUT]   (default --quick,
#                                                                     OUT seeds-out/sigma-reparam)
#
#   --smoke  the plumbing in under a minute (the tiny preset, samples/fashion-mnist, a few steps).
#   --quick  LM: 64-token rows, batch 8, 120 steps, lr 1e-3 and HIGH_LR; ViT: 32 px at width 0.5,
#            batch 32, 60 steps, lr 1e-3 and 1e-2; minutes on 2 CPU cores.
#   --full   for a GPU (DEVICE=cuda): LM 256-token rows, batch 32, 1,000 steps; ViT width 1,
#            1,000 images per class, batch 128, 1,000 steps.
#
# Env: SLUICE_BIN, DEVICE (cpu), HIGH_LR (LM, 3e-2).
# Writes OUT/report.md, OUT/{lm,vit}-{entropy,loss}.png and the runs.
set -euo pipefail
mode=quick
case "${1:-}" in --smoke | --quick | --full) mode=${1#--}; shift ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-seeds-out/sigma-reparam}
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
device=${DEVICE:-cpu}
high=${HIGH_LR:-3e-2}
[ -x "$bin" ] || { echo "no sluice binary at $bin (cargo build --features torch, or set SLUICE_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[sigma-reparam $mode] $*" >&2; }

case $mode in
  smoke) arch=tiny seq=32 batch=4 steps=4 every=2 vsteps=2 vbatch=8 width=0.25 vevery=1 ;;
  quick) arch=small seq=64 batch=8 steps=120 every=10 vsteps=60 vbatch=32 width=0.5 vevery=10 ;;
  full) arch=small seq=256 batch=32 steps=1000 every=50 vsteps=1000 vbatch=128 width=1 vevery=100 ;;
esac
case $mode in
  smoke) images=$here/samples/fashion-mnist ;;
  *)
    per=$([ "$mode" = full ] && echo 1000 || echo 100)
    images=${FMNIST:-$HOME/.cache/sluice-fmnist-$per}
    [ -d "$images/train" ] || "$here/scripts/fetch_fashion_mnist.sh" "$images" "$per"
    images=$images/train
    ;;
esac

data=$out/mix
"$bin" mix build -q --target "$here/samples/target/rust" --pretrain "$here/samples/pretrain" \
  --inject 0.1 --tokenizer "$here/samples/tokenizer.json" --seq-len "$seq" --out "$data" >&2

lm_runs=()
for lr in 1e-3 "$high"; do
  for sr in plain sigma; do
    name=lm-$lr-$sr
    extra=()
    [ $sr = sigma ] && extra=(--sigma-reparam)
    log "LM $arch, lr $lr, $sr: $steps steps x $batch"
    # No warmup: the paper's instability shows at the start of training at a high learning rate.
    "$bin" train lm -q --data "$data" --arch "$arch" --backend torch --device "$device" \
      --steps "$steps" --batch-size "$batch" --lr "$lr" --warmup 1 --eval-every "$every" \
      --eval-sequences 32 "${extra[@]}" --out "$out/$name" >/dev/null
    lm_runs+=("lr $lr $sr=$out/$name")
  done
done
"$bin" plan curves --run "${lm_runs[@]}" --x step --y attn_entropy_min --plot "$out/lm-entropy.png" \
  --json >"$out/lm-entropy.json"
"$bin" plan curves --run "${lm_runs[@]}" --x step --y train_loss --plot "$out/lm-loss.png" \
  --json >"$out/lm-loss.json"

vit_runs=()
for lr in 1e-3 1e-2; do
  for sr in plain sigma; do
    name=vit-$lr-$sr
    extra=()
    [ $sr = sigma ] && extra=(--sigma-reparam)
    log "ViT-Tiny x$width, lr $lr, $sr: $vsteps steps x $vbatch"
    "$bin" train ssl --quiet --data "$images" --encoder vit-tiny --width "$width" --size 32 \
      --objective simclr --batch-size "$vbatch" --steps "$vsteps" --lr "$lr" --warmup 0 \
      --eval-every "$vevery" --device "$device" "${extra[@]}" --out "$out/$name" >/dev/null
    vit_runs+=("lr $lr $sr=$out/$name")
  done
done
"$bin" plan curves --run "${vit_runs[@]}" --x step --y attn_entropy_min --plot "$out/vit-entropy.png" \
  --json >"$out/vit-entropy.json"
"$bin" plan curves --run "${vit_runs[@]}" --x step --y loss --plot "$out/vit-loss.png" \
  --json >"$out/vit-loss.json"

python3 - "$out" "$mode" "$high" <<'EOF'
import json, sys
out, mode, high = sys.argv[1], sys.argv[2], sys.argv[3]
def rows(path):
    return [json.loads(l) for l in open(path) if l.strip()]
def table(title, runs, loss_key, extra_key, extra_name):
    lines = [f"## {title}", "",
             f"| run | loss first | loss last | worst rise between evals | entropy min: start | lowest | end | entropy mean: end | {extra_name} end |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for label, name in runs:
        r = rows(f"{out}/{name}/metrics.jsonl")
        losses = [x[loss_key] for x in r if x.get(loss_key) is not None]
        rise = max([b - a for a, b in zip(losses, losses[1:])] or [0.0])
        ent = [x["attn_entropy_min"] for x in r]
        lines.append(f"| {label} | {losses[0]:.4f} | {losses[-1]:.4f} | {rise:+.4f} | {ent[0]:.3f} | "
                     f"{min(ent):.3f} | {ent[-1]:.3f} | {r[-1]['attn_entropy_mean']:.3f} | {r[-1][extra_key]:.4f} |")
    return lines
lm = [(f"lr {lr} {sr}", f"lm-{lr}-{sr}") for lr in ("1e-3", high) for sr in ("plain", "sigma")]
vit = [(f"lr {lr} {sr}", f"vit-{lr}-{sr}") for lr in ("1e-3", "1e-2") for sr in ("plain", "sigma")]
lines = [f"# σReparam, {mode} mode: attention entropy (nats; min over layers and heads) and training loss", ""]
lines += table("LM (train lm, from scratch)", lm, "train_loss", "val_target", "val_target")
lines += [""] + table("ViT-Tiny (train ssl, SimCLR)", vit, "loss", "knn_top1", "kNN top-1")
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
log "report: $out/report.md; plots: $out/{lm,vit}-{entropy,loss}.png"
