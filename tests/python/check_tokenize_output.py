"""Check a `sluice tokenize` output against Python `tokenizers`, read with pyarrow.

usage: check_tokenize_output.py OUT TOKENIZER.json DOCS.jsonl MIN_YEAR|all
The output must hold, in input order, one row per document (per SOTU address of year >= MIN_YEAR;
every non-blank line's with `all`: Python's own `json` parses them), with
`encode(text, add_special_tokens=True)`'s ids, and a manifest that counts them.
"""
import json
import sys

import pyarrow.parquet as pq
from tokenizers import Tokenizer

out, tok_path, src = sys.argv[1], sys.argv[2], sys.argv[3]
min_year = None if sys.argv[4] == "all" else int(sys.argv[4])
lines = open(src, encoding="utf-8", newline="\n").read().split("\n")
records = [json.loads(line) for line in lines if line.strip()]
docs = [d["text"] for d in records if min_year is None or d["year"] >= min_year]
want = [e.ids for e in Tokenizer.from_file(tok_path).encode_batch_fast(docs, add_special_tokens=True)]
manifest = json.load(open(f"{out}/manifest.json"))
shards = [s["path"] for s in manifest["shards"]]
table = pq.read_table([f"{out}/{p}" for p in shards])
assert table.schema.field("doc").type == "uint64", table.schema
assert str(table.schema.field("input_ids").type) == "list<item: uint32 not null>", table.schema
assert table.column("doc").to_pylist() == list(range(len(docs))), "rows out of input order"
got = table.column("input_ids").to_pylist()
assert len(got) == len(want), (len(got), len(want))
for i, (g, w) in enumerate(zip(got, want)):
    assert g == w, f"document {i}: ids differ at {next(k for k, (a, b) in enumerate(zip(g, w)) if a != b) if len(g) == len(w) else 'length'}"
assert manifest["documents"] == len(docs) and manifest["tokens"] == sum(map(len, want)), manifest
assert [s["rows"] for s in manifest["shards"]] == [pq.ParquetFile(f"{out}/{p}").metadata.num_rows for p in shards]
print(f"ok: {len(docs)} documents, {sum(map(len, want))} tokens in {len(shards)} shards")
