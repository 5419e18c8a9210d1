#!/usr/bin/env bash
# Ten (or COPIES) distinct copies of the shipped samples (each document prefixed with its copy number, so
# content hashes differ): the 10x input of the peak-RSS benchmark.
set -euo pipefail
src=$(cd "$(dirname "$0")/../samples" && pwd)
out=${1:?usage: make_10x.sh DIR [COPIES]}
copies=${2:-10}
rm -rf "$out"; mkdir -p "$out/target" "$out/pretrain"
for k in $(seq 0 $((copies - 1))); do
  mkdir -p "$out/target/copy$k"
  (cd "$src/target" && find . -type f) | while read -r f; do
    mkdir -p "$(dirname "$out/target/copy$k/$f")"
    { echo "// copy $k"; cat "$src/target/$f"; } > "$out/target/copy$k/$f"
  done
  sed "s/\"text\": \"/\"text\": \"(copy $k) /" "$src/pretrain/sotu_1790_1849.jsonl" > "$out/pretrain/copy$k.jsonl"
done
du -sh "$out"
