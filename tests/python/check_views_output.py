"""Independent check of a `sluice views gen` output with pyarrow, Pillow and torchvision.

usage: check_views_output.py OUT_DIR K

- every shard has the golden schema (schemas/views.json) and the recipe in its metadata;
- rows come as K consecutive views (0..K-1) of one sample, and every row group holds whole samples;
- every stored image decodes (Pillow) to its recorded height x width;
- torchvision (transforms.v2.functional) re-renders every view from the source image (decoded by
  Pillow) and the recorded params; the PSNR to sluice's view is printed and must be >= 30 dB
  (decoders differ by a few levels; the per-op comparison is check_views_ops.py).
Exits non-zero with a message on the first failure.
"""
import io
import json
import math
import os
import sys

import numpy as np
import pyarrow.parquet as pq
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms.v2 import functional as F

out, k = sys.argv[1], int(sys.argv[2])
repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
golden = json.load(open(os.path.join(repo, "schemas", "views.json")))
manifest = json.load(open(os.path.join(out, "manifest.json")))
root = manifest["config"]["input"]


def tensor(img):
    return torch.from_numpy(np.asarray(img.convert("RGB")).copy()).permute(2, 0, 1).contiguous()


def render(x, spec, p, side):
    interp = InterpolationMode.BICUBIC if spec.get("interpolation") == "bicubic" else InterpolationMode.BILINEAR
    t, l, h, w = (int(p[f]) for f in ("crop_top", "crop_left", "crop_height", "crop_width"))
    v = F.resized_crop(x, t, l, h, w, [side, side], interpolation=interp, antialias=True)
    for op in spec.get("ops", []):
        kind = op["op"]
        if kind == "hflip" and p["hflip"]:
            v = F.horizontal_flip(v)
        elif kind == "vflip" and p["vflip"]:
            v = F.vertical_flip(v)
        elif kind == "rotate" and p["rotation_deg"]:
            v = F.rotate(v, float(p["rotation_deg"]), interpolation=InterpolationMode.BILINEAR)
        elif kind == "rotate90" and p["rotation_k"]:
            v = torch.rot90(v, int(p["rotation_k"]), dims=[-2, -1])
        elif kind == "color_jitter" and p["jitter_applied"]:
            for i in range(4):
                o = int(p[f"jitter_order_{i}"])
                if o == 0:
                    v = F.adjust_brightness(v, float(p["brightness"]))
                elif o == 1:
                    v = F.adjust_contrast(v, float(p["contrast"]))
                elif o == 2:
                    v = F.adjust_saturation(v, float(p["saturation"]))
                elif p["hue"] != 0:
                    v = F.adjust_hue(v, float(p["hue"]))
        elif kind == "grayscale" and p["grayscale"]:
            v = F.rgb_to_grayscale(v, num_output_channels=3)
        elif kind == "gaussian_blur" and p["blur_applied"]:
            kk = int(p["blur_kernel"])
            v = F.gaussian_blur(v, [kk, kk], [float(p["blur_sigma"])] * 2)
        elif kind == "solarize" and p["solarize_applied"]:
            v = F.solarize(v, float(p["solarize_threshold"]))
    return v


want = [(f["name"], f["type"], f["nullable"]) for f in golden["fields"]]
groups = 0
psnrs = []
sources = {}
for shard in manifest["shards"]:
    path = os.path.join(out, shard["path"])
    f = pq.ParquetFile(path)
    got = [(fl.name, str(fl.type), fl.nullable) for fl in f.schema_arrow]
    assert got == want, f"{path}: schema\n{got}\n!= golden\n{want}"
    meta = json.loads(f.schema_arrow.metadata[b"sluice.views"])
    assert meta["k"] == k, meta
    specs = [s for s in meta["recipe"]["views"] for _ in range(s.get("count", 1))]
    for g in range(f.num_row_groups):
        t = f.read_row_group(g).to_pylist()
        assert len(t) % k == 0, f"{path} row group {g}: {len(t)} rows is not a multiple of K={k}"
        for i in range(0, len(t), k):
            sample = t[i:i + k]
            assert [r["view"] for r in sample] == list(range(k)), f"{path} row group {g}: views {[r['view'] for r in sample]}"
            assert len({r["sample_id"] for r in sample}) == 1, f"{path} row group {g}: a group mixes samples"
        groups += 1
        for r in t:
            img = Image.open(io.BytesIO(r["image"])) if meta["format"] != "raw" else None
            if img is not None:
                assert img.size == (r["width"], r["height"]), f"{r['sample_id']} view {r['view']}: {img.size}"
                ours = tensor(img)
            else:
                ours = torch.frombuffer(bytearray(r["image"]), dtype=torch.uint8).reshape(r["height"], r["width"], 3).permute(2, 0, 1)
            sid = r["sample_id"]
            if sid not in sources:
                sources[sid] = tensor(Image.open(os.path.join(root, sid)))
            ref = render(sources[sid], specs[r["view"] % len(specs)], r["params"], r["height"])
            mse = float(((ours.double() - ref.double()) ** 2).mean())
            psnrs.append(float("inf") if mse == 0 else 10 * math.log10(255 ** 2 / mse))
print(f"row groups: {groups} (whole samples)")
finite = [p for p in psnrs if p != float("inf")]
worst = min(psnrs)
print(f"torchvision re-rendered {len(psnrs)} views: PSNR min {worst:.1f} dB, median {sorted(psnrs)[len(psnrs) // 2]:.1f} dB"
      f" ({len(psnrs) - len(finite)} identical)")
assert worst >= 30, f"a view is {worst:.1f} dB from torchvision's rendering"
