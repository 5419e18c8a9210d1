"""Writes a GGUF with one 8x64 tensor per type sluice dequantises (F32, F16, BF16, Q8_0, Q4_0, Q4_1),
quantised by gguf-py, and gguf-py's own dequantisation of each as OUT_DIR/<type>.f32.

usage: make_quant_gguf.py OUT_DIR
"""
import os
import sys

import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFWriter
from gguf.quants import dequantize, quantize

out = sys.argv[1]
rng = np.random.default_rng(7)
w = GGUFWriter(os.path.join(out, "quants.gguf"), "llama")
for qt in [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q4_0, Q.Q4_1]:
    data = (rng.standard_normal((8, 64)) * 0.1).astype(np.float32)
    if qt == Q.F32:
        raw, ref = data, data
    elif qt == Q.F16:
        raw = data.astype(np.float16)
        ref = raw.astype(np.float32)
    else:
        raw = quantize(data, qt)
        ref = dequantize(raw, qt).astype(np.float32)
    w.add_tensor(qt.name.lower(), raw, raw_dtype=qt if qt not in (Q.F32, Q.F16) else None)
    ref.reshape(-1).astype("<f4").tofile(os.path.join(out, f"{qt.name}.f32"))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print("wrote", out)
