"""Bare Python `tokenizers` on a corpus, for BENCHMARKS.md: `encode_batch_fast` timed alone
(loading the corpus and the tokenizer not counted).

usage: peers_encode.py TOKENIZER_JSON CORPUS   (CORPUS: a .jsonl with `text`, or a directory of
text files, read in path order). Threads: RAYON_NUM_THREADS / RAYON_RS_NUM_CPUS.
"""
import json
import os
import sys
import time

from tokenizers import Tokenizer

tok_path, corpus = sys.argv[1], sys.argv[2]
if os.path.isdir(corpus):
    # Hidden files and directories skipped, as sluice's directory walk does.
    paths = sorted(
        os.path.join(d, f)
        for d, _, fs in os.walk(corpus)
        if not any(part.startswith(".") for part in os.path.relpath(d, corpus).split(os.sep) if part != ".")
        for f in fs
        if not f.startswith(".")
    )
    texts = []
    for p in paths:
        try:
            texts.append(open(p, encoding="utf-8").read())
        except UnicodeDecodeError:  # as `sluice tokenize --on-error skip` does
            pass
else:
    texts = [json.loads(l)["text"] for l in open(corpus, encoding="utf-8")]
tok = Tokenizer.from_file(tok_path)
t = time.perf_counter()
n = sum(len(e.ids) for e in tok.encode_batch_fast(texts, add_special_tokens=False))
secs = time.perf_counter() - t
print(f"peer=tokenizers.encode_batch_fast threads={os.environ.get('RAYON_NUM_THREADS', 'all')} docs={len(texts)} tokens={n} seconds={secs:.3f} tokens_per_s={n / secs:.0f}", flush=True)
