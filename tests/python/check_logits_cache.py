"""Independent read of `logits cache` outputs with pyarrow: schema against the golden file, file
metadata, and the documented encoding row by row.

usage: check_logits_cache.py TOPK_DIR SAMPLED_DIR GOLDEN_JSON
"""
import glob
import json
import math
import sys

import numpy as np
import pyarrow.parquet as pq

topk_dir, sample_dir, golden_path = sys.argv[1:4]
golden = json.load(open(golden_path))
TYPES = {"uint64": "uint64", "list<uint32>": "list<item: uint32 not null>",
         "list<float32>": "list<item: float not null>",
         "list<list<uint32>>": "list<item: list<item: uint32 not null> not null>",
         "list<list<uint8>>": "list<item: list<item: uint8 not null> not null>",
         "list<list<uint16>>": "list<item: list<item: uint16 not null> not null>"}


def check(d, mode):
    files = sorted(glob.glob(f"{d}/*/part-*.parquet"))
    assert files, d
    want = [(f["name"], TYPES[f["type"]]) for f in golden["common"] + golden[mode]]
    rows = 0
    for path in files:
        f = pq.ParquetFile(path)
        got = [(x.name, str(x.type)) for x in f.schema_arrow]
        assert got == want, (path, got, want)
        meta = json.loads(f.metadata.metadata[b"sluice.logits"])
        assert meta["mode"] == mode and meta["convention"] == "row position t predicts token t+1", meta
        assert meta["vocab_size"] == 49152 and len(meta["teacher_sha256"]) == 64, meta
        t = f.read().to_pylist()
        for r in t:
            ids, n = r["input_ids"], len(r["input_ids"])
            assert len(r["target_logprob"]) == n and len(r["logz"]) == n
            assert math.isnan(r["target_logprob"][-1])
            assert all(v <= 1e-6 for v in r["target_logprob"][:-1])
            if mode == "topk":
                k = meta["k"]
                for pos in range(n):
                    tid, q = r["topk_ids"][pos], r["topk_logprob_q"][pos]
                    assert len(tid) == k and len(set(tid)) == k and q == sorted(q), (pos, q)
                    p = np.exp(-np.array(q) / 16.0)
                    p *= (1.0 - r["tail_mass"][pos]) / p.sum()
                    # The recorded next token, when in the top K, decodes to its exact log-prob
                    # within one quantisation step.
                    if pos + 1 < n and ids[pos + 1] in tid:
                        j = tid.index(ids[pos + 1])
                        assert abs(math.log(p[j]) - r["target_logprob"][pos]) < 0.25, (pos, p[j])
            else:
                for pos in range(n):
                    gaps, c = r["sample_id_gaps"][pos], r["sample_counts"][pos]
                    sid = np.cumsum(gaps).tolist()
                    assert all(g > 0 for g in gaps[1:]), (pos, gaps)
                    assert sid[-1] < meta["vocab_size"] and sum(c) == meta["draws"], (pos, sid, c)
        rows += len(t)
    return rows


print("rows", check(topk_dir, "topk"), check(sample_dir, "sample"))
print("logits cache OK")
