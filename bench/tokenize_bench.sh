#!/usr/bin/env bash
# The figures of BENCHMARKS.md for `sluice tokenize` and the fast engine, all on this machine in
# one run: sluice (whole process, from reading the files to the manifest) against bare Python
# `tokenizers` `encode_batch_fast` (encoding alone), per tokenizer and corpus; 2 threads against 1
# on >= 100 MB of distinct text; `mix build --inject 0.01` with Llama-3.1; peak RSS at 1x/10x/100x.
#   bench/tokenize_bench.sh   (needs: release build, scripts/test_env.sh's venv and tokenizers,
#                              scripts/fetch_samples.sh bench, bench/make_big_corpus.sh)
# Env: BENCH_DATA (default /tmp/benchdata), PEER_PY (python with tokenizers).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BENCH_DATA:-/tmp/benchdata}
py=${PEER_PY:-$HOME/.cache/sluice-venv/bin/python}
bin=${CARGO_TARGET_DIR:-target}/release/sluice
toks=${SLUICE_TOKENIZERS:-$HOME/.cache/sluice-tokenizers}
[ -f "$data/pretrain/sotu_all.jsonl" ] || scripts/fetch_samples.sh bench "$data"
[ -f "$data/kernel.jsonl" ] || bench/make_big_corpus.sh "$data/kernel.jsonl"
[ -f "$data/smollm2.json" ] || "$bin" model tokenizer "$(scripts/fetch_models.sh)" --out "$data/smollm2.json" >/dev/null
echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run_sluice() { # NAME TOKENIZER THREADS INPUT... -> one line with wall time, tokens, RSS
  local name=$1 tok=$2 t=$3; shift 3
  local out; out=$(mktemp -d)
  /usr/bin/time -o "$out/time" -f "%e %M" "$bin" --quiet tokenize "$@" --tokenizer "$tok" --on-error skip --threads "$t" --out "$out/o" >/dev/null
  read -r wall rss < "$out/time"
  python3 -c "import json; m=json.load(open('$out/o/manifest.json')); print(f\"sluice=$name threads=$t engine={m['tokenizer']['engine']} tokens={m['tokens']} wall_s=$wall tokens_per_s={m['tokens']/$wall:.0f} max_rss_kb=$rss\")"
  rm -rf "$out"
}
for name in gpt2 llama3_1 qwen3 gpt4o llama2 smollm2; do
  case $name in gpt2) tok=samples/tokenizer.json ;; smollm2) tok=$data/smollm2.json ;; *) tok=$toks/$name.json ;; esac
  for corpus in "$data/pretrain/sotu_all.jsonl" "$data/target/rust"; do
    echo "# $name on $(basename "$corpus")"
    run_sluice "$name" "$tok" 1 "$corpus"
    RAYON_NUM_THREADS=1 RAYON_RS_NUM_CPUS=1 "$py" bench/peers_encode.py "$tok" "$corpus"
  done
done
echo "# scaling on $(du -h "$data/kernel.jsonl" | cut -f1) of distinct text (Linux 6.1 sources), llama3_1"
for t in 1 2; do run_sluice llama3_1 "$toks/llama3_1.json" $t "$data/kernel.jsonl"; done
for t in 1 2; do RAYON_NUM_THREADS=$t RAYON_RS_NUM_CPUS=$t "$py" bench/peers_encode.py "$toks/llama3_1.json" "$data/kernel.jsonl"; done
echo "# mix build --inject 0.01, llama3_1 (target: rust sources, pretrain: SOTU)"
for t in 1 2; do
  out=$(mktemp -d)
  /usr/bin/time -o "$out/time" -f "%e %M" "$bin" --quiet mix build --inject 0.01 --target "$data/target/rust" --pretrain "$data/pretrain/sotu_all.jsonl" \
    --tokenizer "$toks/llama3_1.json" --on-error skip --threads $t --out "$out/o" >/dev/null
  read -r wall rss < "$out/time"
  python3 -c "import json; m=json.load(open('$out/o/manifest.json')); n=sum(s['train_tokens']+s['val_tokens'] for s in m['sources'].values()); print(f'mix_build threads=$t engine={m[\"tokenizer\"][\"engine\"]} tokens={n} wall_s=$wall tokens_per_s={n/$wall:.0f} max_rss_kb=$rss')"
  rm -rf "$out"
done
echo "# peak RSS vs corpus size (SOTU x1, x10, x100 copies), llama3_1, 2 threads"
big=$(mktemp -d)
for x in 1 10 100; do
  for i in $(seq 1 $x); do cat "$data/pretrain/sotu_all.jsonl"; done > "$big/sotu_x$x.jsonl"
  run_sluice "llama3_1-x$x" "$toks/llama3_1.json" 2 "$big/sotu_x$x.jsonl"
  rm -f "$big/sotu_x$x.jsonl"
done
rm -rf "$big"
