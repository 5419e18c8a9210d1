#!/usr/bin/env bash
# Backend and logits-cache benchmarks on this machine, sluice next to PyTorch (transformers).
# usage: bench/backend_bench.sh [cpu|cuda]   (release binary from CARGO_TARGET_DIR or target/)
# Needs: the test venv (SLUICE_VENV, default ~/.cache/sluice-venv) for torch + transformers.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=${1:-cpu}
bin=${CARGO_TARGET_DIR:-target}/release/sluice
py=${SLUICE_VENV:-$HOME/.cache/sluice-venv}/bin/python
T=$(scripts/fetch_models.sh)
threads=$(nproc)
echo "# model bench: SmolLM2-135M, batch 1 x 256 tokens, $dev, $threads threads"
"$bin" model bench "$T" --backend "$dev" --batch-size 1 --seq-len 256 --reps 3 --json
TQDM_DISABLE=1 "$py" bench/peers_backend.py "$T" --batch-size 1 --seq-len 256 --reps 3 --device "$dev" --threads "$threads" 2>/dev/null | tail -1
if [ "$dev" = cuda ]; then
  "$bin" model bench "$T" --backend cuda --batch-size 8 --seq-len 1024 --reps 5 --json
  for dt in float32 bfloat16; do
    TQDM_DISABLE=1 "$py" bench/peers_backend.py "$T" --batch-size 8 --seq-len 1024 --reps 5 --device cuda --dtype $dt 2>/dev/null | tail -1
  done
fi
echo "# logits cache: 64 sequences x 256 tokens of the samples (SmolLM2 tokenizer), $dev"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" model tokenizer "$T" --out "$work/tok.json" 2>/dev/null
"$bin" mix build --quiet --inject 0.01 --tokenizer "$work/tok.json" --seq-len 256 --out "$work/mix" >/dev/null
for args in "--k 16" "--k 64" "--k 128" "--mode sample --draws 50"; do
  name=$(echo "$args" | tr -d ' -')
  "$bin" logits cache --quiet --data "$work/mix" --teacher "$T" --backend "$dev" $args --limit 64 \
    --splits train --batch-size 4 --out "$work/$name"
  "$bin" logits inspect "$work/$name" --teacher "$T" --backend "$dev" --positions 1024 --json
done
