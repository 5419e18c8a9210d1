#!/usr/bin/env bash
# Backend and logits-cache benchmarks on this machine, sluice next to PyTorch (transformers).
# usage: bench/backend_bench.sh [cpu|cuda] [burn|torch]   (release binary from CARGO_TARGET_DIR or
# target/; for torch, built with `--features torch` against the test venv's torch)
# Needs: the test venv (SLUICE_VENV, default ~/.cache/sluice-venv) for torch + transformers.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=${1:-cpu}
engine=${2:-burn}
if [ "$engine" = torch ]; then
  # The binary finds libtorch through its rpath (the venv it was built against) or here.
  export LD_LIBRARY_PATH="$(${SLUICE_VENV:-$HOME/.cache/sluice-venv}/bin/python -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))'):${LD_LIBRARY_PATH:-}"
fi
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-target}/release/sluice}
py=${SLUICE_VENV:-$HOME/.cache/sluice-venv}/bin/python
T=$(scripts/fetch_models.sh)
threads=$(nproc)
echo "# model bench: SmolLM2-135M, batch 1 x 256 tokens, $engine on $dev, $threads threads"
"$bin" model bench "$T" --backend "$engine" --device "$dev" --batch-size 1 --seq-len 256 --reps 3 --json
TQDM_DISABLE=1 "$py" bench/peers_backend.py "$T" --batch-size 1 --seq-len 256 --reps 3 --device "$dev" --threads "$threads" 2>/dev/null | tail -1
if [ "$dev" = cuda ]; then
  "$bin" model bench "$T" --backend "$engine" --device cuda --batch-size 8 --seq-len 1024 --reps 5 --json
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
  "$bin" logits cache --quiet --data "$work/mix" --teacher "$T" --backend "$engine" --device "$dev" $args --limit 64 \
    --splits train --batch-size 4 --out "$work/$name"
  "$bin" logits inspect "$work/$name" --teacher "$T" --backend "$engine" --device "$dev" --positions 1024 --json
done
