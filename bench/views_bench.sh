#!/usr/bin/env bash
# The `views gen` figures of BENCHMARKS.md: sluice and its Python peers on the same photos, same
# machine, one run, each configuration three times (take the median).
#   bench/views_bench.sh   (needs: release build; photos from scripts/fetch_samples.sh bench DIR;
#                           a peer venv with torch, torchvision, albumentationsx, opencv-python-headless)
# Env: BENCH_DATA (default /tmp/benchdata), VIEWS_PEER_PY (that venv's python).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BENCH_DATA:-/tmp/benchdata}
py=${VIEWS_PEER_PY:-$HOME/.cache/sluice-views-bench-venv/bin/python}
rel=${CARGO_TARGET_DIR:-target}/release
[ -d "$data/images" ] || scripts/fetch_samples.sh bench "$data"
# Sixteen copies of the 25 photos under other names: 400 images, 3200 views per run.
imgs=$data/views-x16
if [ ! -d "$imgs" ]; then
  for i in $(seq 1 16); do mkdir -p "$imgs/c$i"; cp "$data"/images/* "$imgs/c$i/"; done
fi
echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "## photos: $imgs ($(find "$imgs" -type f | wc -l) files, $(du -sh "$imgs" | cut -f1)); SimCLR, K=8, 224 px"
for run in 1 2 3; do
  for fmt in raw png; do
    for t in 1 2; do
      out=$(mktemp -d)
      start=$(date +%s.%N)
      "$rel/sluice" views gen --quiet --input "$imgs" --k 8 --recipe simclr --size 224 --format $fmt \
        --threads $t --out "$out/o" > /dev/null
      end=$(date +%s.%N)
      views=$(python3 -c "import json; print(json.load(open('$out/o/manifest.json'))['views'])")
      python3 -c "w=$end-$start; print(f'sluice format=$fmt threads=$t views=$views secs={w:.2f} views_per_s={$views/w:.1f}')"
      rm -rf "$out"
    done
  done
  for peer in torchvision albumentations albumentations-area; do
    "$py" bench/peers_views.py $peer "$imgs" 8
  done
done
