#!/usr/bin/env bash
# The forgetting claim, reproduced with sluice alone ("Scaling Laws for Forgetting during
# Finetuning with Pretraining Data Injection"): finetune a pretrained LM on a domain far from its
# pretraining text with p in {0, 0.01, 0.05} of pretraining text injected (`mix build --inject p`),
# at two or more amounts of target data; record val_target and the rise of val_pretrain over the
# steps; fit the forgetting law to the runs (`plan fit --run`).
#
#   bench/seeds/forgetting.sh [--smoke | --quick | --full] [OUT]      (default --quick, OUT seeds-out/forgetting)
#
#   --smoke  the plumbing in well under a minute: the tiny architecture trained from scratch on the
#            shipped samples (Rust sources as the target, no download); the numbers mean nothing.
#   --quick  SmolLM2-135M (the shipped teacher, scripts/fetch_models.sh) finetuned on Debian's
#            Chinese man pages (manpages-zh), batch 8 x 64 tokens, 20 and 40 steps (160 and 320
#            sequences, so p = 0.01 injects 2 and 3 of them), 6 runs + 2 with EWC; about 30 minutes
#            on 2 CPU cores with the torch backend.
#   --full   for a GPU (DEVICE=cuda): 4 fractions (0.001 once a run holds >= 1,000 sequences) x 3
#            amounts of target data on SmolLM2, batch 16 x 256 tokens, 100 to 400 steps.
#
# Env: SLUICE_BIN (default: the debug build in $CARGO_TARGET_DIR), BACKEND (torch or cpu = burn;
# default torch), DEVICE (cpu), LR (peak learning rate, default 5e-4), PS and STEPS (the grid of
# injected fractions and step counts, space-separated, replacing the mode's), EWC_LAMBDAS (empty:
# no EWC runs), MODELS (where the GGUF is cached).
# Writes OUT/report.md (table, fit, verdict inputs), OUT/*.png (plan's plotting code), the runs.
set -euo pipefail
mode=quick
case "${1:-}" in --smoke | --quick | --full) mode=${1#--}; shift ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-seeds-out/forgetting}
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
backend=${BACKEND:-torch}
device=${DEVICE:-cpu}
lr=${LR:-5e-4}
[ -x "$bin" ] || { echo "no sluice binary at $bin (cargo build --features torch, or set SLUICE_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[forgetting $mode] $*" >&2; }

# --- data and model -------------------------------------------------------------------------
fetch_zh() { # Debian's manpages-zh (Chinese prose about Unix tools) as JSONL, cached
  local cache=${SEEDS_CACHE:-$HOME/.cache/sluice-seeds} deb
  deb=$cache/manpages-zh_1.6.4.0-1_all.deb
  mkdir -p "$cache"
  if [ ! -f "$cache/manpages-zh.jsonl" ]; then
    if [ ! -f "$deb" ]; then
      log "fetching manpages-zh 1.6.4.0-1 from deb.debian.org (4.9 MB)"
      curl -fsSL -o "$deb.tmp" http://deb.debian.org/debian/pool/main/m/manpages-zh/manpages-zh_1.6.4.0-1_all.deb
      echo "81bae29495f6445db290e3f329f1203eb19b651c2a7ea165b74ebdc853a32ac1  $deb.tmp" | sha256sum -c --quiet
      mv "$deb.tmp" "$deb"
    fi
    python3 "$here/bench/seeds/manpages_zh.py" "$deb" "$cache/manpages-zh.jsonl"
  fi
  echo "$cache/manpages-zh.jsonl"
}

# Pretraining text alone: the Fisher for EWC is taken over its train split, whose held-out
# documents are the finetuning mixes' val_pretrain (held out by content key, the same seed).
pretrain_mix() { # SEQ TOKENIZER
  "$bin" mix build -q --target "$here/samples/pretrain" --pretrain "$here/samples/pretrain" \
    --inject 0 --tokenizer "$2" --seq-len "$1" --out "$out/mix-pretrain" >&2
}
if [ "$mode" = smoke ]; then
  target=$here/samples/target/rust
  tokenizer=$here/samples/tokenizer.json
  seq=32 batch=4 evals=8 ps=(0 0.25) steps_grid=(2 4) lambdas=(100) fisher_seqs=8
  # A stand-in "pretrained" model: the tiny architecture, a few steps on the pretraining text.
  pretrain_mix "$seq" "$tokenizer"
  "$bin" train lm -q --data "$out/mix-pretrain" --arch tiny --backend "$backend" --device "$device" \
    --steps 4 --batch-size 4 --lr 3e-3 --warmup 1 --eval-every 4 --eval-sequences 4 --out "$out/base" >&2
  init=(--init "$out/base/model.safetensors")
else
  target=$(fetch_zh)
  gguf=$("$here/scripts/fetch_models.sh" "${MODELS:-$HOME/.cache/sluice-models}")
  tokenizer=$out/smollm2-tokenizer.json
  [ -f "$tokenizer" ] || "$bin" model tokenizer -q "$gguf" --out "$tokenizer" >&2
  init=(--init "$gguf")
  if [ "$mode" = quick ]; then
    seq=64 batch=8 evals=64 ps=(0 0.01 0.05) steps_grid=(20 40) lambdas=(100 1000) fisher_seqs=64
  else
    seq=256 batch=16 evals=128 ps=(0 0.001 0.01 0.05) steps_grid=(100 200 400) lambdas=(10 100 1000) fisher_seqs=256
  fi
  pretrain_mix "$seq" "$tokenizer"
fi
read -r -a ps <<<"${PS:-${ps[*]}}"
read -r -a steps_grid <<<"${STEPS:-${steps_grid[*]}}"
read -r -a lambdas <<<"${EWC_LAMBDAS-${lambdas[*]}}"

# --- runs -----------------------------------------------------------------------------------
runs=()
for p in "${ps[@]}"; do
  data=$out/mix-p$p
  "$bin" mix build -q --target "$target" --pretrain "$here/samples/pretrain" --inject "$p" \
    --tokenizer "$tokenizer" --seq-len "$seq" --out "$data" >&2
  for steps in "${steps_grid[@]}"; do
    # p injects nothing into fewer than 1/p sequences (every prefix holds round(p n) +- 1 of
    # them): such a run would repeat p = 0 exactly, so it is not run.
    if python3 -c "import sys; sys.exit(0 if $p > 0 and $p * $steps * $batch < 1 else 1)"; then
      log "p = $p, $steps steps: $((steps * batch)) sequences hold no injected one; skipped"
      continue
    fi
    run=$out/run-p$p-s$steps
    log "p = $p, $steps steps x $batch x $seq tokens -> $run"
    "$bin" train lm -q --data "$data" "${init[@]}" --backend "$backend" --device "$device" \
      --steps "$steps" --batch-size "$batch" --lr "$lr" --warmup $((steps / 5 > 0 ? steps / 5 : 1)) \
      --eval-every $((steps / 2 > 0 ? steps / 2 : 1)) --eval-sequences "$evals" --out "$run" >&2
    runs+=("$run")
  done
done

# EWC next to injection: p = 0 at the largest amount of target data, held near the start by the
# Fisher of the starting model over the pretraining text.
[ ${#lambdas[@]} = 0 ] || "$bin" fisher -q --model "${init[1]}" --data "$out/mix-pretrain" --sequences "$fisher_seqs" \
  --backend "$backend" --device "$device" --out "$out/fisher" >&2
steps=${steps_grid[-1]}
ewc_runs=()
for l in "${lambdas[@]}"; do
  run=$out/run-p0-s$steps-ewc$l
  log "p = 0 with EWC lambda $l, $steps steps -> $run"
  "$bin" train lm -q --data "$out/mix-p0" "${init[@]}" --backend "$backend" --device "$device" \
    --steps "$steps" --batch-size "$batch" --lr "$lr" --warmup $((steps / 5 > 0 ? steps / 5 : 1)) \
    --eval-every $((steps / 2 > 0 ? steps / 2 : 1)) --eval-sequences "$evals" \
    --ewc "$out/fisher" --ewc-lambda "$l" --out "$run" >&2
  ewc_runs+=("$run")
done

# --- curves, fit, report --------------------------------------------------------------------
labelled=()
for r in "${runs[@]}" "${ewc_runs[@]}"; do labelled+=("$(basename "$r" | sed 's/^run-//')=$r"); done
"$bin" plan curves --run "${labelled[@]}" --y val_pretrain --x tokens_seen --relative \
  --plot "$out/val_pretrain_rise.png" --json >"$out/val_pretrain.json"
"$bin" plan curves --run "${labelled[@]}" --y val_target --x tokens_seen \
  --plot "$out/val_target.png" --json >"$out/val_target.json"
fit_ok=1
"$bin" plan fit --run "${runs[@]}" --domain "zh-manpages" --out "$out/fitted.toml" \
  --plot "$out/fit.png" >"$out/fit.txt" 2>&1 || fit_ok=0
[ $fit_ok = 1 ] || log "plan fit did not fit (see $out/fit.txt)"
python3 - "$out" "$mode" "$lr" "${runs[@]}" "${ewc_runs[@]}" <<'EOF'
import json, sys
out, mode, lr, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = []
for r in runs:
    m = json.load(open(f"{r}/manifest.json"))
    ev = m["evals"]
    mix = json.load(open(f"{m['config']['data']}/manifest.json"))
    p = mix["schedule"]["inject"]
    if m["config"].get("ewc"):
        p += f" + EWC {m['config']['ewc_lambda']:g}"
    rows.append((p, m["config"]["steps"], m["tokens_trained"],
                 ev[0]["val_target"], ev[-1]["val_target"], ev[0]["val_pretrain"], ev[-1]["val_pretrain"]))
lines = [f"# forgetting, {mode} mode (lr {lr})", "",
         "| p | steps | tokens trained | val_target first -> last | val_pretrain first -> last | rise of val_pretrain |",
         "|---|---:|---:|---|---|---:|"]
for p, s, t, t0, t1, p0, p1 in rows:
    lines.append(f"| {p} | {s} | {t:,} | {t0:.4f} -> {t1:.4f} ({t1 - t0:+.4f}) | {p0:.4f} -> {p1:.4f} | **{p1 - p0:+.4f}** |")
import os
if os.path.exists(f"{out}/fisher/manifest.json"):
    f = json.load(open(f"{out}/fisher/manifest.json"))
    lines += ["", f"EWC: Fisher of the starting model over {f['sequences']} sequences ({f['tokens']:,} tokens) of pretraining text, trace {f['trace']:.4g}; lambda as labelled."]
lines += ["", "plan fit --run (the runs without EWC):", "", "```", open(f"{out}/fit.txt").read().rstrip(), "```"]
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
log "report: $out/report.md; plots: $out/val_pretrain_rise.png, $out/val_target.png"
