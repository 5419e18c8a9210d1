#!/usr/bin/env bash
# The figures of BENCHMARKS.md for mixtures at scale, all on this machine in one run (GPT-2
# tokenizer, --seq-len 2048, release build):
#   - a 3-source weighted build (Rust sources, SOTU addresses, Linux sources) at 1x and 10x:
#     tokens/s and peak RSS;
#   - --read-as-needed for --inject 0.01 beside a 100-file pretraining source (100x the SOTU
#     corpus): time and bytes tokenized with and without it;
#   - a build in 2 slices run at once (1 thread each) + merge against one build with 2 threads.
#   bench/mixture_bench.sh   (needs: release build, scripts/fetch_samples.sh bench,
#                             bench/make_big_corpus.sh)
# Env: BENCH_DATA (default /tmp/benchdata).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BENCH_DATA:-/tmp/benchdata}
bin=${CARGO_TARGET_DIR:-target}/release/sluice
[ -f "$data/pretrain/sotu_all.jsonl" ] || scripts/fetch_samples.sh bench "$data"
[ -f "$data/kernel.jsonl" ] || bench/make_big_corpus.sh "$data/kernel.jsonl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "## machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# N copies of a JSONL file, each document marked with its copy (distinct content, distinct keys).
copies() { # SRC N DIR
  mkdir -p "$3"
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(src, encoding="utf-8").read().splitlines()
for c in range(n):
    with open(f"{out}/part-{c:03d}.jsonl", "w", encoding="utf-8") as o:
        for l in lines:
            d = json.loads(l)
            d["text"] = f"[copy {c}] " + d["text"]
            o.write(json.dumps(d) + "\n")
EOF
}

# The Rust sources as JSONL (one document per file), so that they can be copied like the rest.
python3 - "$data/target/rust" "$work/rust.jsonl" <<'EOF'
import json, os, sys
root, out = sys.argv[1:3]
with open(out, "w", encoding="utf-8") as o:
    for d, _, fs in sorted(os.walk(root)):
        for f in sorted(fs):
            if not f.startswith("."):
                o.write(json.dumps({"text": open(os.path.join(d, f), encoding="utf-8", errors="replace").read()}) + "\n")
EOF

report() { # LABEL OUT TIMEFILE
  read -r wall rss < "$3"
  python3 - "$1" "$2" "$wall" "$rss" <<'EOF'
import json, sys
label, out, wall, rss = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
m = json.load(open(f"{out}/manifest.json"))
read = sum(c["train_tokens"] + c["val_tokens"] for c in m["sources"].values())
mb = sum(c["bytes"] for c in m["sources"].values()) / 1e6
print(f"{label}: wall_s={wall} tokenized={read} tokens_per_s={read / wall:.0f} input_mb_tokenized={mb:.1f} "
      f"train_sequences={m['splits']['train']['sequences']} max_rss_mb={rss / 1024:.0f}")
for n, s in m["schedule"]["sources"].items():
    print(f"  {n}: weight {s['weight_exact']} sequences {s['sequences']} fraction {s['fraction']:.6f} unused_tokens {s['unused_tokens']}")
EOF
}

echo "# 3 weighted sources: code=0.5 (Rust), prose=0.2 (SOTU), kernel=0.3 (Linux)"
for x in 1 10; do
  copies "$work/rust.jsonl" $x "$work/x$x/code"
  copies "$data/pretrain/sotu_all.jsonl" $x "$work/x$x/prose"
  copies "$data/kernel.jsonl" $x "$work/x$x/kernel"
  du -sh "$work/x$x" | sed "s/^/  input: /"
  /usr/bin/time -o "$work/t" -f "%e %M" "$bin" --quiet mix build \
    --source code="$work/x$x/code" --source prose="$work/x$x/prose" --source kernel="$work/x$x/kernel" \
    --weights code=0.5,prose=0.2,kernel=0.3 --tokenizer samples/tokenizer.json --on-error skip \
    --out "$work/o$x" >/dev/null
  report "3 sources ${x}x, 2 threads" "$work/o$x" "$work/t"
  rm -rf "$work/o$x"
done
rm -rf "$work/x10"

echo "# --inject 0.01 beside a pretraining source of 100 files (100x SOTU), target: Rust sources"
copies "$data/pretrain/sotu_all.jsonl" 100 "$work/pre100"
du -sh "$work/pre100" | sed "s/^/  pretrain: /"
for mode in whole needed; do
  extra=(); [ $mode = needed ] && extra=(--read-as-needed pretrain)
  /usr/bin/time -o "$work/t" -f "%e %M" "$bin" --quiet mix build --target "$data/target/rust" \
    --pretrain "$work/pre100" --inject 0.01 --on-error skip "${extra[@]}" --out "$work/r$mode" >/dev/null
  report "pretrain read $mode" "$work/r$mode" "$work/t"
  python3 -c "import json; c=json.load(open('$work/r$mode/manifest.json'))['sources']['pretrain']; print(f\"  pretrain files tokenized {c['files']}, bytes {c['bytes']/1e6:.1f} MB\")"
done
rm -rf "$work/pre100" "$work"/r*

echo "# one build (2 threads) vs 2 slices at once (1 thread each) + merge: code + prose + kernel at 1x"
args=(--source code="$work/x1/code" --source prose="$work/x1/prose" --source kernel="$work/x1/kernel"
  --weights code=0.5,prose=0.2,kernel=0.3 --tokenizer samples/tokenizer.json --on-error skip)
s=$(date +%s.%N)
"$bin" --quiet mix build "${args[@]}" --threads 2 --out "$work/one" >/dev/null
e=$(date +%s.%N)
echo "one build: wall_s=$(python3 -c "print(round($e - $s, 2))")"
s=$(date +%s.%N)
for i in 0 1; do "$bin" --quiet mix build "${args[@]}" --threads 1 --shard $i --of 2 --out "$work/two" >/dev/null & done
wait
"$bin" --quiet mix merge "$work/two" --of 2 >/dev/null
e=$(date +%s.%N)
echo "2 slices + merge: wall_s=$(python3 -c "print(round($e - $s, 2))")"
if diff <(cd "$work/one" && find . -type f | sort | xargs sha256sum) <(cd "$work/two" && find . -type f | sort | xargs sha256sum) >/dev/null; then
  echo "  merged output byte-identical to the one build"
else
  echo "  MERGED OUTPUT DIFFERS"; exit 1
fi
