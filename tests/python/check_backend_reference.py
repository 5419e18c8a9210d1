"""Independent reference for the backend tests: transformers dequantises the GGUF (gguf-py) and runs
its own PyTorch Llama; its tokenizer is its own GGUF conversion.

usage: check_backend_reference.py MODEL_DIR GGUF_NAME SLUICE_TOKENIZER_JSON CASES_JSON
CASES_JSON: [{"ids": [...], "logits": "file.f32" | null, "texts": [...]}]; prints one JSON report.
"""
import json
import os
import sys

os.environ.setdefault("TQDM_DISABLE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM, AutoTokenizer

model_dir, gguf_name, sluice_tok, cases_path = sys.argv[1:5]
cases = json.load(open(cases_path))
torch.set_num_threads(1)
ref_tok = AutoTokenizer.from_pretrained(model_dir, gguf_file=gguf_name)
model = AutoModelForCausalLM.from_pretrained(model_dir, gguf_file=gguf_name, dtype=torch.float32)
model.eval()
ours = Tokenizer.from_file(sluice_tok)

report = {"tokenizer_mismatches": [], "cases": []}
for case in cases:
    for text in case.get("texts", []):
        a = ours.encode(text, add_special_tokens=False).ids
        b = ref_tok(text, add_special_tokens=False)["input_ids"]
        if a != b:
            report["tokenizer_mismatches"].append({"text": text[:80], "sluice": a[:40], "reference": b[:40]})
    ids = case["ids"]
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0].double().numpy()
    ref_lp = ref - np.logaddexp.reduce(ref, axis=-1, keepdims=True)
    nll = -float(np.mean([ref_lp[t, ids[t + 1]] for t in range(len(ids) - 1)]))
    out = {"tokens": len(ids), "ref_nll": nll, "ref_ppl": float(np.exp(nll))}
    if case.get("logits"):
        got = np.fromfile(case["logits"], dtype="<f4").reshape(len(ids), -1).astype(np.float64)
        got_lp = got - np.logaddexp.reduce(got, axis=-1, keepdims=True)
        p = np.exp(ref_lp)
        kl = np.sum(p * (ref_lp - got_lp), axis=-1)
        out.update({
            "max_abs_logit_diff": float(np.max(np.abs(got - ref))),
            "logit_scale": float(np.max(np.abs(ref))),
            "argmax_agree": float(np.mean(got.argmax(-1) == ref.argmax(-1))),
            "max_kl": float(kl.max()),
            "mean_kl": float(kl.mean()),
        })
    report["cases"].append(out)
print(json.dumps(report))
