#!/usr/bin/env bash
# The README's examples on the shipped samples, run with the sluice binary BIN into OUT, then the
# sha256 of every file they wrote (sorted by path), so two builds can be compared file by file:
#   scripts/example_digests.sh target/debug/sluice /tmp/ex-new > new.txt
# Examples that would take hours on a CPU run shortened (fewer train steps, --limit on the caches);
# each shortening is the same for every binary compared. Needs the teacher (scripts/fetch_models.sh).
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
root="$(cd "$(dirname "$0")/.." && pwd)"
T=$("$root/scripts/fetch_models.sh")
rm -rf "$out"
mkdir -p "$out"
cd "$out"
# A copy, not a link: a symlink out of a pipeline's roots is refused.
cp -r "$root/samples" samples
mkdir pipelines
# The pipeline files both builds know (PIPELINES to choose others), writing under OUT (their `out`
# points at ../sluice-out).
for p in ${PIPELINES:-code-mix sharded views-nightly}; do
  cp "$root/pipelines/$p.toml" pipelines/
done
s() { "$bin" --quiet "$@" > /dev/null; }
s mix build --inject 0.01
s views gen --k 8
s views preview sluice-out/views
s views gen --input samples/images --k 8 --recipe byol --size 224 --seed 0 --format png --out out/views
for f in pipelines/*.toml; do
  s pipeline run "$f"
done
s model tokenizer "$T" --out smol-tokenizer.json
s mix build --inject 0.01 --tokenizer smol-tokenizer.json --seq-len 256 --out sluice-out/smol-mix
# README: --steps 200 --batch-size 4 --grad-accum 4 (hours on 2 cores); here 1 step of 1 x 2.
s train lm --data sluice-out/smol-mix --init "$T" --steps 1 --batch-size 1 --grad-accum 2 \
  --lr 1e-4 --warmup 20 --eval-every 50 --eval-sequences 2 --out sluice-out/ft
# README: --steps 500 at the default batch (4 x 2048 tokens); here 2 steps of 1 sequence.
s train lm --data sluice-out/mix --arch tiny --steps 2 --batch-size 1 --eval-sequences 1 \
  --out sluice-out/scratch
# README: the whole split; here the first 8 sequences of each.
s logits cache --data sluice-out/smol-mix --teacher "$T" --k 64 --limit 8 --out sluice-out/logits
s logits cache --data sluice-out/smol-mix --teacher "$T" --mode sample --draws 50 --limit 8 \
  --out sluice-out/logits-n50
# README: --arch small, the whole run; here tiny for 4 steps.
s train lm --data sluice-out/smol-mix --distill-from sluice-out/logits --arch tiny --steps 4 \
  --batch-size 2 --out sluice-out/student
find . -path ./samples -prune -o -type f -print | sort | while read -r f; do
  printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "${f#./}"
done
