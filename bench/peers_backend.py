"""PyTorch (transformers LlamaForCausalLM) forward and AdamW training throughput for the same model,
batch and sequence length as `sluice model bench`, on the same machine.

usage: peers_backend.py GGUF --batch-size B --seq-len T --reps R [--device cpu|cuda] [--threads N] [--dtype float32|bfloat16]
"""
import argparse
import json
import os
import time

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("gguf")
ap.add_argument("--batch-size", type=int, default=1)
ap.add_argument("--seq-len", type=int, default=256)
ap.add_argument("--reps", type=int, default=3)
ap.add_argument("--device", default="cpu")
ap.add_argument("--threads", type=int, default=0)
ap.add_argument("--dtype", default="float32")
a = ap.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
dtype = getattr(torch, a.dtype)
if os.path.isdir(a.gguf):  # an HF checkpoint directory (bench/gpu_check.sh makes one)
    model = AutoModelForCausalLM.from_pretrained(a.gguf, dtype=dtype).to(a.device)
else:
    d, f = os.path.split(os.path.abspath(a.gguf))
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=dtype).to(a.device)
g = torch.Generator().manual_seed(0)
ids = torch.randint(0, model.config.vocab_size, (a.batch_size, a.seq_len), generator=g).to(a.device)
opt = torch.optim.AdamW(model.parameters(), lr=1e-5)


def sync():
    if a.device.startswith("cuda"):
        torch.cuda.synchronize()


def fwd():
    with torch.no_grad():
        model(ids, labels=ids).loss.item()


def train():
    loss = model(ids, labels=ids).loss
    loss.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)


def timed(fn):
    fn()
    sync()
    t = time.perf_counter()
    for _ in range(a.reps):
        fn()
    sync()
    return (time.perf_counter() - t) / a.reps


n = a.batch_size * a.seq_len
tf, tt = timed(fwd), timed(train)
print(json.dumps({"peer": f"torch {torch.__version__} transformers", "device": a.device, "dtype": a.dtype,
                  "threads": torch.get_num_threads(), "batch_size": a.batch_size, "seq_len": a.seq_len,
                  "forward_tokens_per_s": n / tf, "train_tokens_per_s": n / tt}))
