#!/usr/bin/env bash
# Distillation vs supervised training ("Distillation Scaling Laws", Busbridge et al. 2025), with
# sluice alone: the shipped teacher (SmolLM2-135M) cached once (`logits cache`, top-64), then
# students of three sizes trained on the same sequences for the same steps (equal student compute:
# the teacher's cost is paid once, by the cache) by distillation (`train lm --distill-from`) and by
# plain cross-entropy; the held-out losses side by side, and what `plan distill` predicts for each
# student with the shipped (illustrative) coefficients.
#
#   bench/seeds/distill.sh [--smoke | --quick | --full] [OUT]   (default --quick, OUT seeds-out/distill)
#
#   --smoke  the plumbing in under a minute (the tiny preset and a 2-layer one, a few steps).
#   --quick  Rust sources + SOTU (10 % injected), SmolLM2 tokenizer, 64-token rows; 800 cached
#            sequences; students tiny / mid / small, 100 steps x 8; minutes on 2 CPU cores.
#   --full   for a GPU (DEVICE=cuda): 16,000 cached sequences of 256 tokens, 1,000 steps x 16.
#
# Env: SLUICE_BIN, BACKEND (torch), DEVICE (cpu), LR (3e-3), MODELS (where the GGUF is cached).
# Writes OUT/report.md, OUT/val_target.png, the distillation law fitted to the runs (OUT/fit.txt,
# OUT/fitted.toml, OUT/fit.png: `plan fit --law distill`, the teacher's loss measured on the same
# held-out rows) and the runs.
set -euo pipefail
mode=quick
case "${1:-}" in --smoke | --quick | --full) mode=${1#--}; shift ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-seeds-out/distill}
bin=${SLUICE_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/sluice-target}/debug/sluice}
backend=${BACKEND:-torch}
device=${DEVICE:-cpu}
lr=${LR:-3e-3}
[ -x "$bin" ] || { echo "no sluice binary at $bin (cargo build --features torch, or set SLUICE_BIN)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "[distill $mode] $*" >&2; }

case $mode in
  smoke) seq=32 cached=16 steps=4 batch=4 sizes=(tiny mid) ;;
  quick) seq=64 cached=800 steps=100 batch=8 sizes=(tiny mid small) ;;
  full) seq=256 cached=16000 steps=1000 batch=16 sizes=(tiny mid small) ;;
esac
gguf=$("$here/scripts/fetch_models.sh" "${MODELS:-$HOME/.cache/sluice-models}")
tokenizer=$out/smollm2-tokenizer.json
[ -f "$tokenizer" ] || "$bin" model tokenizer -q "$gguf" --out "$tokenizer" >&2
# A size between the presets (LlamaConfig JSON; the vocabulary comes from the data).
cat >"$out/mid.json" <<'EOF'
{"vocab_size": 0, "hidden_size": 128, "intermediate_size": 384, "num_hidden_layers": 3,
 "num_attention_heads": 4, "num_key_value_heads": 2, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
 "max_position_embeddings": 8192, "tie_word_embeddings": true}
EOF

data=$out/mix
"$bin" mix build -q --target "$here/samples/target/rust" --pretrain "$here/samples/pretrain" \
  --inject 0.1 --tokenizer "$tokenizer" --seq-len "$seq" --out "$data" >&2
log "teacher: top-64 cache of the first $cached train sequences"
"$bin" logits cache -q --data "$data" --teacher "$gguf" --backend "$backend" --device "$device" \
  --splits train --limit "$cached" --k 64 --out "$out/cache" >&2

runs=()
for size in "${sizes[@]}"; do
  arch=$size
  [ "$size" = mid ] && arch=$out/mid.json
  for how in ce kd; do
    run=$out/$size-$how
    extra=()
    [ $how = kd ] && extra=(--distill-from "$out/cache")
    log "$size, $how: $steps steps x $batch"
    # steps x batch = the cached sequences: both students read the same rows once, in order.
    "$bin" train lm -q --data "$data" --arch "$arch" --backend "$backend" --device "$device" \
      --steps "$steps" --batch-size "$batch" --lr "$lr" --warmup $((steps / 10 > 0 ? steps / 10 : 1)) \
      --eval-every $((steps / 4 > 0 ? steps / 4 : 1)) --eval-sequences 64 "${extra[@]}" --out "$run" >&2
    runs+=("$size $how=$run")
  done
done

"$bin" plan curves --run "${runs[@]}" --y val_target --x tokens_seen --plot "$out/val_target.png" \
  --json >"$out/val_target.json"
# The teacher's loss on the same held-out rows: the first evaluation of a run from its weights.
log "teacher: its val_target loss"
"$bin" train lm -q --data "$data" --init "$gguf" --backend "$backend" --device "$device" --steps 1 \
  --batch-size "$batch" --lr 1e-9 --warmup 1 --eval-every 1 --eval-sequences 64 --out "$out/teacher-eval" >&2
teacher_loss=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['evals'][0]['val_target'])" \
  "$out/teacher-eval/manifest.json")
# The distillation law fitted to these runs: what they identify, the rest held at the shipped table.
fit_runs=()
for size in "${sizes[@]}"; do fit_runs+=("$out/$size-ce" "$out/$size-kd"); done
"$bin" plan fit --law distill --coeffs "$here/samples/plan/distill.toml" --teacher-loss "$teacher_loss" \
  --run "${fit_runs[@]}" --domain "seeds-$mode" --out "$out/fitted.toml" --plot "$out/fit.png" \
  >"$out/fit.txt"
"$bin" plan fit --law distill --coeffs "$here/samples/plan/distill.toml" --teacher-loss "$teacher_loss" \
  --run "${fit_runs[@]}" --domain "seeds-$mode" --json >"$out/fit.json"
python3 - "$out" "$mode" "$here" "$bin" "${sizes[@]}" <<'EOF'
import json, subprocess, sys
out, mode, here, bin_, sizes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
lines = [f"# distillation vs supervised, {mode} mode: held-out loss (nats/token) after equal student steps", "",
         "| student | parameters | tokens | CE val_target | KD val_target | CE val_pretrain | KD val_pretrain | better on val_target | plan distill says |",
         "|---|---:|---:|---:|---:|---:|---:|---|---|"]
for s in sizes:
    ce = json.load(open(f"{out}/{s}-ce/manifest.json"))
    kd = json.load(open(f"{out}/{s}-kd/manifest.json"))
    n, d = ce["parameters"], ce["tokens_trained"]
    e0, e1 = ce["evals"][-1], kd["evals"][-1]
    better = "distillation" if e1["val_target"] < e0["val_target"] else "supervised"
    # The planner at the same student compute (6 N D), the teacher existing and already cached.
    p = json.loads(subprocess.run([bin_, "plan", "distill", "--coeffs", f"{here}/samples/plan/distill.toml",
        "--compute", str(6 * n * d), "--student", str(n), "--teacher", "134515008", "--teacher-tokens", "2e12",
        "--teacher-exists", "--students", "1000000", "--json"], capture_output=True, text=True, check=True).stdout)
    o = p["result"]["outcome"]
    says = ("distillation" if o["distill_loss"] < o["supervised_loss"] else "supervised") + \
        f" ({o['distill_loss']:.2f} vs {o['supervised_loss']:.2f})"
    lines.append(f"| {s} | {n:,} | {d:,} | {e0['val_target']:.4f} | {e1['val_target']:.4f} | "
                 f"{e0['val_pretrain']:.4f} | {e1['val_pretrain']:.4f} | {better} | {says} |")
fit = json.load(open(f"{out}/fit.json"))["result"]
lines += ["", f"Teacher (SmolLM2-135M) val_target: {fit['teacher_loss']:.4f}. `plan fit --law distill`: fitted "
          + ", ".join(f"{k} = {fit['law'][k]:.4g}" for k in fit["fitted"])
          + f"; rms log residual {fit['rmse_log']:.4f}, worst error {100 * fit['max_rel_error']:.1f} %, "
          + f"{fit['degrees_of_freedom']} degree(s) of freedom; held at the shipped table: "
          + ", ".join(h["coefficient"] for h in fit["held"]) + " (reasons in fit.txt)."]
open(f"{out}/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
EOF
log "report: $out/report.md; plot: $out/val_target.png"
