"""PyTorch forward and AdamW training throughput for the same model, batch and sequence length as
`sluice model bench`, on the same machine: transformers' LlamaForCausalLM, or (`--impl hand`) a
hand-written PyTorch Llama with the same weights (RMSNorm, RoPE, GQA through
`scaled_dot_product_attention(is_causal, enable_gqa)`, SwiGLU, tied embeddings) — the model code a
user would write without transformers.

usage: peers_backend.py GGUF --batch-size B --seq-len T --reps R [--device cpu|cuda] [--threads N]
       [--dtype float32|bfloat16] [--impl transformers|hand]
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
ap.add_argument("--impl", default="transformers", choices=["transformers", "hand"])
a = ap.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
dtype = getattr(torch, a.dtype)
if os.path.isdir(a.gguf):  # an HF checkpoint directory (bench/gpu_check.sh makes one)
    model = AutoModelForCausalLM.from_pretrained(a.gguf, dtype=dtype).to(a.device)
else:
    d, f = os.path.split(os.path.abspath(a.gguf))
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=dtype).to(a.device)
vocab = model.config.vocab_size


class HandLlama(torch.nn.Module):
    """Llama in plain PyTorch: returns the mean next-token cross-entropy like `labels=ids` does."""

    def __init__(self, hf):
        super().__init__()
        c = hf.config
        self.c = c
        self.hd = c.hidden_size // c.num_attention_heads
        sd = {k: v.detach().clone() for k, v in hf.state_dict().items()}
        self.embed = torch.nn.Parameter(sd["model.embed_tokens.weight"])
        self.norm = torch.nn.Parameter(sd["model.norm.weight"])
        self.layers = torch.nn.ParameterList()
        names = ["input_layernorm", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                 "self_attn.o_proj", "post_attention_layernorm", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
        for i in range(c.num_hidden_layers):
            for n in names:
                self.layers.append(torch.nn.Parameter(sd[f"model.layers.{i}.{n}.weight"]))
        inv = 1.0 / (c.rope_parameters["rope_theta"] if hasattr(c, "rope_parameters") and c.rope_parameters
                     else c.rope_theta) ** (torch.arange(0, self.hd, 2).float() / self.hd)
        self.register_buffer("inv_freq", inv, persistent=False)

    def rms(self, x, w):
        v = x.float().pow(2).mean(-1, keepdim=True)
        return (x.float() * torch.rsqrt(v + self.c.rms_norm_eps)).to(x.dtype) * w

    def forward(self, ids):
        c, (b, t) = self.c, ids.shape
        h = torch.nn.functional.embedding(ids, self.embed)
        ang = torch.outer(torch.arange(t, device=ids.device).float(), self.inv_freq)
        cos, sin = torch.cat([ang, ang], -1).cos().to(h.dtype), torch.cat([ang, ang], -1).sin().to(h.dtype)

        def rope(x):
            x1, x2 = x[..., : self.hd // 2], x[..., self.hd // 2:]
            return x * cos + torch.cat([-x2, x1], -1) * sin

        nh, nkv = c.num_attention_heads, c.num_key_value_heads
        for i in range(c.num_hidden_layers):
            ln1, wq, wk, wv, wo, ln2, wg, wu, wd = self.layers[i * 9:(i + 1) * 9]
            x = self.rms(h, ln1)
            q = rope((x @ wq.T).view(b, t, nh, self.hd).transpose(1, 2))
            k = rope((x @ wk.T).view(b, t, nkv, self.hd).transpose(1, 2))
            v = (x @ wv.T).view(b, t, nkv, self.hd).transpose(1, 2)
            o = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            h = h + o.transpose(1, 2).reshape(b, t, -1) @ wo.T
            x = self.rms(h, ln2)
            h = h + (torch.nn.functional.silu(x @ wg.T) * (x @ wu.T)) @ wd.T
        logits = self.rms(h, self.norm) @ self.embed.T
        return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)).float(),
                                                 ids[:, 1:].reshape(-1))


if a.impl == "hand":
    hf = model
    model = HandLlama(hf).to(a.device)
    loss_of = model
    with torch.no_grad():  # same weights, same loss as transformers (checked once per run)
        probe = torch.randint(0, hf.config.vocab_size, (1, 16), generator=torch.Generator().manual_seed(1))
        probe = probe.to(a.device)
        want, got = hf(probe, labels=probe).loss.item(), model(probe).item()
        assert abs(want - got) < 1e-3 * max(1.0, abs(want)) or a.dtype != "float32", (want, got)
    del hf
else:
    def loss_of(ids):
        return model(ids, labels=ids).loss
g = torch.Generator().manual_seed(0)
ids = torch.randint(0, vocab, (a.batch_size, a.seq_len), generator=g).to(a.device)
opt = torch.optim.AdamW(model.parameters(), lr=1e-5)


def sync():
    if a.device.startswith("cuda"):
        torch.cuda.synchronize()


def fwd():
    with torch.no_grad():
        loss_of(ids).item()


def train():
    loss = loss_of(ids)
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
print(json.dumps({"peer": f"torch {torch.__version__} {a.impl}", "device": a.device, "dtype": a.dtype,
                  "threads": torch.get_num_threads(), "batch_size": a.batch_size, "seq_len": a.seq_len,
                  "forward_tokens_per_s": n / tf, "train_tokens_per_s": n / tt}))
