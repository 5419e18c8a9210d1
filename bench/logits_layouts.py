"""Re-encodes a sampled `logits cache` shard's id and count columns in other Parquet layouts with
pyarrow (zstd) and prints each one's bytes per token, next to the columns as written.

    python bench/logits_layouts.py OUT/train/part-00000.parquet

How the `sample_id_gaps` layout was chosen (BENCHMARKS.md, issue 13).
"""
import io
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

path = sys.argv[1]
t = pq.read_table(path)
ntok = sum(len(x) for x in t.column("input_ids").to_pylist())
md = pq.ParquetFile(path).metadata
print("as written:")
for c in range(md.num_columns):
    s = sum(md.row_group(r).column(c).total_compressed_size for r in range(md.num_row_groups))
    print(f"  {md.schema.column(c).path:36s} {s / ntok:6.2f} B/token {md.row_group(0).column(c).encodings}")

col = "sample_id_gaps" if "sample_id_gaps" in t.column_names else "sample_ids"
nested_ids = t.column(col).combine_chunks()
pos_off = nested_ids.values.offsets.to_numpy()
flat = nested_ids.values.values.to_numpy().astype(np.int64)
starts = pos_off[:-1][pos_off[:-1] < pos_off[1:]]
if col == "sample_id_gaps":  # back to ids: a cumulative sum restarting at each position
    run = np.cumsum(flat)
    base = np.zeros_like(flat)
    base[starts] = run[starts] - flat[starts]
    flat = run - np.maximum.accumulate(base)
counts = t.column("sample_counts").combine_chunks().values.values.to_numpy()


def gaps(v):
    d = v.copy()
    d[1:] = v[1:] - v[:-1]
    d[starts] = v[starts]
    return d


def size(values, typ=pa.uint32(), level=3, **kw):
    inner = pa.ListArray.from_arrays(pa.array(pos_off, pa.int32()), pa.array(values, typ))
    tb = pa.table({"x": pa.ListArray.from_arrays(nested_ids.offsets, inner)})
    b = io.BytesIO()
    pq.write_table(tb, b, compression="zstd", compression_level=level, **kw)
    return len(b.getvalue()) / ntok


def entropy(x):
    _, c = np.unique(x, return_counts=True)
    p = c / c.sum()
    return -(p * np.log2(p)).sum()


g = gaps(flat)
assert (g[np.setdiff1d(np.arange(len(g)), starts)] > 0).all(), "ids not ascending distinct"
print(f"{len(flat) / (len(pos_off) - 1):.2f} distinct ids per position; B/token of the id column:")
rows = [
    ("ids, dictionary (the old layout)", size(flat)),
    ("ids, dictionary, zstd 19", size(flat, level=19)),
    ("ids, plain", size(flat, use_dictionary=False)),
    ("ids, byte-stream-split", size(flat, use_dictionary=False, use_byte_stream_split=True)),
    ("ids, delta-binary-packed", size(flat, use_dictionary=False, column_encoding="DELTA_BINARY_PACKED")),
    ("gaps, dictionary", size(g)),
    ("gaps, plain", size(g, use_dictionary=False)),
    ("gaps, byte-stream-split (written)", size(g, use_dictionary=False, use_byte_stream_split=True)),
]
for name, v in rows:
    print(f"  {name:36s} {v:6.2f}")
bits = len(flat) / ntok / 8
print(f"  order-0 entropy bound: ids {entropy(flat) * bits:.2f}, gaps {entropy(g) * bits:.2f}")
print(f"counts: dictionary {size(counts, pa.uint16()):.2f}, plain {size(counts, pa.uint16(), use_dictionary=False):.2f}, "
      f"byte-stream-split {size(counts, pa.uint16(), use_dictionary=False, use_byte_stream_split=True):.2f}, "
      f"order-0 bound {entropy(counts) * bits:.2f}")
