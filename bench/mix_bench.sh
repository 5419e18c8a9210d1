#!/usr/bin/env bash
# The figures of BENCHMARKS.md for `mix build`, all on this machine in one run.
#   bench/mix_bench.sh            (needs: release build, scripts/fetch_samples.sh bench, a peer venv)
# Env: BENCH_DATA (default /tmp/benchdata), PEER_PY (python with tokenizers, datasets, datatrove).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BENCH_DATA:-/tmp/benchdata}
py=${PEER_PY:-$HOME/.cache/sluice-bench-venv/bin/python}
rel=${CARGO_TARGET_DIR:-target}/release
tok=samples/tokenizer.json
corpus=$data/pretrain/sotu_all.jsonl
[ -f "$corpus" ] || scripts/fetch_samples.sh bench "$data"
echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "## corpus: $corpus ($(du -h "$corpus" | cut -f1))"
for t in 1 2; do
  "$rel/examples/bare_tokenize" "$tok" $t hf "$corpus"
  "$rel/examples/bare_tokenize" "$tok" $t fast "$corpus"
done
for t in 1 2; do
  out=$(mktemp -d)
  /usr/bin/time -f "mix_build threads=$t wall_s=%e user_s=%U sys_s=%S max_rss_kb=%M" \
    "$rel/sluice" mix build --quiet --inject 0 --target "$corpus" --val-frac 0 --seq-len 2048 --threads $t --out "$out/o" > /dev/null
  python3 -c "import json,sys; m=json.load(open('$out/o/manifest.json')); print('mix_build tokens', m['sources']['target']['train_tokens'])"
  rm -rf "$out"
done
for t in 1 2; do
  RAYON_NUM_THREADS=$t TOKENIZERS_PARALLELISM=true "$py" bench/peers_tokenize.py "$tok" "$corpus" $t
done
# Peak RSS at 1x (shipped samples) and 10x input.
bench/make_10x.sh "$data/x10" >/dev/null
for x in 1 10; do
  if [ $x = 1 ]; then args=(--target samples/target --pretrain samples/pretrain); else args=(--target "$data/x10/target" --pretrain "$data/x10/pretrain"); fi
  for mem in 1024 16; do
    out=$(mktemp -d)
    /usr/bin/time -f "rss input=${x}x shuffle_mem_mb=$mem wall_s=%e max_rss_kb=%M" "$rel/sluice" mix build --quiet --inject 0.01 "${args[@]}" --threads 2 --shuffle-mem-mb $mem --out "$out/o" > /dev/null
    rm -rf "$out"
  done
done
