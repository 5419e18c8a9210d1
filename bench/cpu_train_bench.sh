#!/usr/bin/env bash
# Issue 13's CPU goal, measured in one run: SmolLM2-135M batch 1 x 256, 2 threads, training and
# forward tokens/s of `sluice model bench --backend torch` next to transformers and a hand-written
# PyTorch Llama (bench/peers_backend.py --impl hand) on the same libtorch, ROUNDS rounds run
# alternately (this machine's speed drifts by 10-20 % over minutes), medians and ratios printed.
# usage: bench/cpu_train_bench.sh [ROUNDS] [REPS]   (SLUICE_BIN: a binary built with --features torch;
# default the release one in CARGO_TARGET_DIR or target/)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
reps=${2:-8}
py=${SLUICE_VENV:-$HOME/.cache/sluice-venv}/bin/python
export LD_LIBRARY_PATH="$("$py" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))'):${LD_LIBRARY_PATH:-}"
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-target}/release/sluice}
T=$(scripts/fetch_models.sh)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for r in $(seq "$rounds"); do
  RAYON_NUM_THREADS=2 "$bin" model bench "$T" --backend torch --batch-size 1 --seq-len 256 --reps "$reps" --json \
    | sed 's/^{/{"who":"sluice-torch",/' | tee -a "$log"
  for impl in transformers hand; do
    TQDM_DISABLE=1 "$py" bench/peers_backend.py "$T" --batch-size 1 --seq-len 256 --reps "$reps" \
      --device cpu --threads 2 --impl $impl 2>/dev/null | tail -1 | sed "s/^{/{\"who\":\"$impl\",/" | tee -a "$log"
  done
done
"$py" - "$log" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = {}
for who in ("sluice-torch", "transformers", "hand"):
    rs = [r for r in rows if r["who"] == who]
    med[who] = {k: statistics.median(r[k] for r in rs) for k in ("forward_tokens_per_s", "train_tokens_per_s")}
    print(f"{who:13s} forward {med[who]['forward_tokens_per_s']:7.1f}  train {med[who]['train_tokens_per_s']:6.1f} tokens/s"
          f"  (median of {len(rs)}; train per round: {', '.join('%.1f' % r['train_tokens_per_s'] for r in rs)})")
for k in ("forward_tokens_per_s", "train_tokens_per_s"):
    best = max(med["transformers"][k], med["hand"][k])
    print(f"{k}: sluice-torch / faster peer = {med['sluice-torch'][k] / best:.2f}x")
PY
