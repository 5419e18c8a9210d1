"""Reference ids from Python `tokenizers` for the encoder tests.

usage: encode_reference.py [--special] TEXTS.json TOKENIZER.json OUT.json [TOKENIZER.json OUT.json ...]
TEXTS.json holds a list of strings; each OUT.json gets a list of id lists, one per string, from
that tokenizer's `encode_batch_fast` (no special tokens added unless --special).
"""
import json
import sys

from tokenizers import Tokenizer

args = sys.argv[1:]
special = args[0] == "--special"
if special:
    args = args[1:]
texts = json.load(open(args[0], encoding="utf-8"))
for tok_path, out in zip(args[1::2], args[2::2]):
    tok = Tokenizer.from_file(tok_path)
    ids = [e.ids for e in tok.encode_batch_fast(texts, add_special_tokens=special)]
    with open(out + ".tmp", "w") as f:
        json.dump(ids, f)
    # Complete files only: the test reads each as soon as it appears.
    import os

    os.replace(out + ".tmp", out)
