#!/usr/bin/env bash
# The one device check for a session lent a GPU (issue 13), run in a single `run` call:
#   correctness of the torch backend on CUDA against itself on the CPU, then SmolLM2-135M-shaped
#   training tokens/s and MFU for sluice (torch, bf16; its JSON names the attention kernel) vs plain
#   PyTorch eager bf16 (transformers and a hand-written Llama) at seq 2048,
#   then the logits-cache writer share of the teacher's time.
#
# Prepare here (a call carries at most 64 MiB, and the GPU machine reaches nothing outside it):
#   source scripts/test_env.sh && cargo build --release --features torch --bin sluice
#   mkdir -p dist && strip -o dist/sluice $CARGO_TARGET_DIR/release/sluice && xz -T2 -9 dist/sluice
#   target/release/sluice model tokenizer $(scripts/fetch_models.sh) --out dist/tok.json
# then: run(command="bash bench/gpu_check.sh", carry=["dist"], timeout_s=540).
# The model is made on the device (random weights in SmolLM2-135M's shape, by the transformers the
# machine carries), so no 93 MB GGUF travels. NOT YET RUN: no session has been lent a GPU since it
# was written; expect to fix it on its first run.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${TORCH_PY:-/opt/torch/.venv/bin/python}
out=${OUT:-/tmp/gpu_check}
mkdir -p "$out"
export LD_LIBRARY_PATH="$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))'):${LD_LIBRARY_PATH:-}"
bin=$out/sluice
[ -x "$bin" ] || { xz -dc dist/sluice.xz > "$bin" && chmod +x "$bin"; }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
"$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)'

echo "# model: SmolLM2-135M shape, random weights (seed 0)"
"$py" - "$out/model" <<'EOF'
import sys, torch
from transformers import LlamaConfig, LlamaForCausalLM
torch.manual_seed(0)
cfg = LlamaConfig(vocab_size=49152, hidden_size=576, intermediate_size=1536, num_hidden_layers=30,
                  num_attention_heads=9, num_key_value_heads=3, rope_theta=100000.0, rms_norm_eps=1e-5,
                  max_position_embeddings=8192, tie_word_embeddings=True)
LlamaForCausalLM(cfg).save_pretrained(sys.argv[1], safe_serialization=True)
EOF
M=$out/model/model.safetensors

echo "# 1. correctness: torch on cuda (bf16) vs torch on cpu (f32), 64 tokens"
ids=$(seq -s, 11 37 2342)   # 64 ids
"$bin" model score "$M" --ids "$ids" --backend torch --device cpu --dump-logits "$out/cpu.f32" --json > "$out/cpu.json"
"$bin" model score "$M" --ids "$ids" --backend torch --device cuda --dump-logits "$out/cuda.f32" --json > "$out/cuda.json"
"$py" - "$out" <<'EOF'
import sys, json, numpy as np
d = sys.argv[1]
a = np.fromfile(f"{d}/cpu.f32", "<f4").reshape(64, -1).astype(np.float64)
b = np.fromfile(f"{d}/cuda.f32", "<f4").reshape(64, -1).astype(np.float64)
ls = lambda x: x - np.log(np.exp(x - x.max(1, keepdims=True)).sum(1, keepdims=True)) - x.max(1, keepdims=True)
pa, pb = ls(a), ls(b)
kl = (np.exp(pa) * (pa - pb)).sum(1)
print(json.dumps({"max_abs_logit_diff": float(abs(a - b).max()), "max_kl": float(kl.max()),
                  "argmax_agree": float((a.argmax(1) == b.argmax(1)).mean()),
                  "nll_cpu": json.load(open(f"{d}/cpu.json"))["nll_mean"],
                  "nll_cuda": json.load(open(f"{d}/cuda.json"))["nll_mean"]}))
EOF

echo "# 2. training throughput, batch 4 x 2048, bf16"
"$bin" model bench "$M" --backend torch --device cuda --batch-size 4 --seq-len 2048 --reps 5 --json
for impl in transformers hand; do
  "$py" bench/peers_backend.py "$out/model" --batch-size 4 --seq-len 2048 --reps 5 --device cuda --dtype bfloat16 \
    --impl $impl 2>/dev/null | tail -1
done

echo "# 3. logits cache: writer share of the teacher's time (random-weight teacher, 64 x 2048 tokens)"
"$bin" mix build --quiet --inject 0.01 --tokenizer dist/tok.json --seq-len 2048 --out "$out/mix" >/dev/null
for args in "--k 64" "--mode sample --draws 50"; do
  name=$(echo "$args" | tr -d ' -')
  "$bin" logits cache --quiet --data "$out/mix" --teacher "$M" --backend torch --device cuda $args \
    --limit 64 --splits train --batch-size 8 --out "$out/$name"
done

echo "# 4. train ssl on cuda: ResNet-18 (width 1, 32 px) SimCLR on the Fashion-MNIST slice; the loader's"
echo "#    share of step time (data_wait_seconds / step_seconds, goal < 5 %) and views/s consumed"
"$bin" train ssl --quiet --data samples/fashion-mnist --backend torch --device cuda --size 32 \
  --batch-size 64 --steps 100 --eval-every 50 --out "$out/ssl" >/dev/null
"$py" - "$out/ssl/manifest.json" <<'EOF2'
import json, sys
m = json.load(open(sys.argv[1]))
print(json.dumps({"device": m["device"], "views_per_s": m["views_seen"] / m["step_seconds"],
                  "wait_share": m["data_wait_seconds"] / m["step_seconds"],
                  "knn": [e["knn_top1"] for e in m["evals"]]}))
EOF2
