"""Independent check of a `sluice mix build` output with pyarrow, numpy and HF `tokenizers`.

usage: check_mix_output.py OUT_DIR TOKENIZER_JSON TARGET_DIR PRETRAIN_JSONL
       check_mix_output.py OUT_DIR TOKENIZER_JSON NAME=PATH [NAME=PATH ...]   (weighted sources;
       PATH: a file or directory of text files and .jsonl files with a `text` field)

- every split's Parquet shards have the golden schema (schemas/mix_sequences.json);
- every whole document found in the output equals Python `tokenizers`' encoding (+ end-of-document
  token) of a source document, and whole documents cover most of the tokens;
- the Megatron .bin/.idx files, read from their documented layout with numpy, hold the same rows.
Exits non-zero with a message on the first failure.
"""
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from tokenizers import Tokenizer

out, tok_path = sys.argv[1:3]
named = sys.argv[3:]
if not all("=" in a for a in named):
    named = [f"target={named[0]}", f"pretrain={named[1]}"]
repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
manifest = json.load(open(os.path.join(out, "manifest.json")))
golden = json.load(open(os.path.join(repo, "schemas", "mix_sequences.json")))

tok = Tokenizer.from_file(tok_path)
eos = manifest["tokenizer"]["eos_id"]


def encode(text):
    return tuple(tok.encode(text, add_special_tokens=False).ids) + ((eos,) if eos is not None else ())


def texts(path):
    files = [path] if os.path.isfile(path) else sorted(
        os.path.join(r, f) for r, _, fs in os.walk(path) for f in fs if not f.startswith("."))
    for f in files:
        with open(f, encoding="utf-8") as fh:
            if f.endswith(".jsonl"):
                for line in fh:
                    yield json.loads(line)["text"]
            else:
                yield fh.read()


docs = {}
for a in named:
    name, path = a.split("=", 1)
    docs[name] = {encode(t) for t in texts(path)}

packing = manifest["config"].get("packing", "concat")
fields = [f for f in golden["fields"] if f.get("packing", packing) == packing]


def check_schema(table, where):
    want = [(f["name"], f["type"]) for f in fields]
    got = [(f.name, str(f.type)) for f in table.schema]
    assert got == want, f"{where}: schema {got} != golden {want}"
    for f in fields:
        assert table.schema.field(f["name"]).nullable == f["nullable"], f"{where}: nullability of {f['name']}"


def whole_docs(rows):
    """Documents that start and end inside `rows`; padding ends a row's last document."""
    flat, marks = [], []  # (position, is a document start)
    for ids, st, pad in rows:
        marks.extend((s + len(flat), True) for s in st)
        real = ids[: len(ids) - pad]
        if pad:
            assert all(t == eos for t in ids[len(real):]), "padding is not the end-of-document id"
            marks.append((len(flat) + len(real), False))
        flat.extend(real)
    return [tuple(flat[a:b]) for (a, doc), (b, _) in zip(marks, marks[1:]) if doc and b > a], len(flat)


seq_len = manifest["config"]["seq_len"]
for split, info in manifest["splits"].items():
    files = sorted(f["path"] for f in info["files"] if f["path"].endswith(".parquet"))
    tables = [pq.read_table(os.path.join(out, f)) for f in files]
    for f, t in zip(files, tables):
        check_schema(t, f)
    table = pa.concat_tables(tables)
    assert table.num_rows == info["sequences"], f"{split}: {table.num_rows} rows, manifest says {info['sequences']}"
    ids = table.column("input_ids").to_pylist()
    src = table.column("source").to_pylist()
    starts = table.column("doc_starts").to_pylist()
    pads = table.column("padding").to_pylist() if packing == "best-fit" else [0] * len(ids)
    assert sum(pads) == info.get("padding_tokens", 0), f"{split}: padding column vs manifest"
    assert all(len(r) == seq_len for r in ids), f"{split}: a row is not {seq_len} tokens"
    assert set(src) <= set(docs), f"{split}: sources {set(src)} beyond {set(docs)}"
    for source in docs:
        rows = [(i, s, p) for i, s, p, o in zip(ids, starts, pads, src) if o == source]
        if not rows:
            continue
        found, total = whole_docs(rows)
        assert found, f"{split}/{source}: no whole document"
        covered = 0
        for d in found:
            assert d in docs[source], f"{split}/{source}: a document ({len(d)} tokens, starting {d[:8]}) is not Python's tokenization of any source document"
            covered += len(d)
        print(f"{split}/{source}: {len(found)} whole documents match Python tokenizers, {covered}/{total} tokens")

    mega = [f["path"] for f in info["files"] if f["path"].endswith(".idx")]
    for idx_rel in mega:
        raw = open(os.path.join(out, idx_rel), "rb").read()
        assert raw[:9] == b"MMIDIDX\x00\x00", f"{idx_rel}: bad magic"
        version = np.frombuffer(raw, np.uint64, 1, 9)[0]
        dtype_code = raw[17]
        n_seq = int(np.frombuffer(raw, np.uint64, 1, 18)[0])
        n_doc = int(np.frombuffer(raw, np.uint64, 1, 26)[0])
        off = 34
        lengths = np.frombuffer(raw, np.int32, n_seq, off); off += 4 * n_seq
        pointers = np.frombuffer(raw, np.int64, n_seq, off); off += 8 * n_seq
        doc_idx = np.frombuffer(raw, np.int64, n_doc, off); off += 8 * n_doc
        assert off == len(raw) and version == 1, f"{idx_rel}: layout"
        dtype = {8: np.uint16, 4: np.int32}[dtype_code]
        data = np.fromfile(os.path.join(out, idx_rel[:-4] + ".bin"), dtype=dtype)
        assert n_seq == len(ids) and list(doc_idx) == list(range(n_seq + 1)), f"{idx_rel}: counts"
        for k in range(n_seq):
            start = pointers[k] // np.dtype(dtype).itemsize
            row = data[start:start + lengths[k]]
            assert row.tolist() == ids[k][: len(ids[k]) - pads[k]], f"{idx_rel}: row {k} differs from Parquet"
        print(f"{idx_rel}: {n_seq} sequences identical to Parquet")
print("ok")
