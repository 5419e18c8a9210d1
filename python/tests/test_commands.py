"""The command wrappers: `sluice.tokenize` writes, in input order, the ids HuggingFace
`tokenizers` gives each document (read back with pyarrow), and a rerun is left alone."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from tokenizers import Tokenizer

import sluice

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_tokenize_writes_the_reference_ids_in_input_order(tmp_path: Path):
    out = tmp_path / "ids"
    corpus = SAMPLES / "pretrain/sotu_1790_1849.jsonl"
    m = sluice.tokenize(out, inputs=[corpus], tokenizer=SAMPLES / "tokenizer.json",
                        docs_per_shard=16)
    texts = [json.loads(line)["text"] for line in corpus.read_text().splitlines()]
    assert m["command"] == "tokenize" and m["documents"] == len(texts) == 60
    rows = []
    for s in m["shards"]:
        rows += pq.read_table(out / s["path"]).to_pylist()
    assert [r["doc"] for r in rows] == list(range(60))
    reference = Tokenizer.from_file(str(SAMPLES / "tokenizer.json"))
    assert [r["input_ids"] for r in rows] == [e.ids for e in reference.encode_batch(texts)]
    shards = [(s["path"], s["sha256"]) for s in m["shards"]]
    again = sluice.tokenize(out, inputs=[corpus], tokenizer=SAMPLES / "tokenizer.json",
                            docs_per_shard=16)
    assert [(s["path"], s["sha256"]) for s in again["shards"]] == shards
    assert again["fingerprint"] == m["fingerprint"]
