"""Independent check of sluice's view ops against torchvision (transforms.v2.functional, uint8).

usage: check_views_ops.py CASES_JSON

Each case names an input PNG, sluice's output PNG, an op with fixed parameters and a tolerance:
"lsb" (every value within 1 of torchvision's) or "psnr40" (PSNR >= 40 dB). A "crop_distribution"
case holds sluice's sampled RandomResizedCrop boxes and compares their area fraction and log
aspect with torchvision's `RandomResizedCrop.get_params` by a two-sample Kolmogorov-Smirnov test.
Prints one line per case; exits 1 if any case fails.
"""
import json
import math
import sys

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode, RandomResizedCrop
from torchvision.transforms.v2 import functional as F


def load(path):
    return torch.from_numpy(np.asarray(Image.open(path).convert("RGB")).copy()).permute(2, 0, 1).contiguous()


def reference(op, x, a):
    interp = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}
    if op == "crop":
        return F.crop(x, a["top"], a["left"], a["height"], a["width"])
    if op == "resized_crop":
        return F.resized_crop(x, a["top"], a["left"], a["height"], a["width"], [a["size"], a["size"]],
                              interpolation=interp[a["interpolation"]], antialias=True)
    if op == "hflip":
        return F.horizontal_flip(x)
    if op == "vflip":
        return F.vertical_flip(x)
    if op == "rot90":
        return torch.rot90(x, a["k"], dims=[-2, -1])
    if op == "rotate":
        return F.rotate(x, a["degrees"], interpolation=InterpolationMode.BILINEAR)
    if op == "grayscale":
        return F.rgb_to_grayscale(x, num_output_channels=3)
    if op == "solarize":
        return F.solarize(x, a["threshold"])
    if op == "brightness":
        return F.adjust_brightness(x, a["factor"])
    if op == "contrast":
        return F.adjust_contrast(x, a["factor"])
    if op == "saturation":
        return F.adjust_saturation(x, a["factor"])
    if op == "hue":
        return F.adjust_hue(x, a["factor"])
    if op == "blur":
        return F.gaussian_blur(x, [a["kernel"], a["kernel"]], [a["sigma"], a["sigma"]])
    raise ValueError(f"unknown op {op}")


def ks2(a, b):
    a, b = np.sort(np.asarray(a)), np.sort(np.asarray(b))
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / len(a)
    fb = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(fa - fb)))


def crop_distribution(case):
    a = case["args"]
    h, w = a["height"], a["width"]
    ours = np.asarray(a["samples"], dtype=np.float64)  # rows: crop height, crop width
    torch.manual_seed(0)
    img = torch.zeros(1, h, w)
    theirs = np.asarray([RandomResizedCrop.get_params(img, a["scale"], a["ratio"])[2:] for _ in range(len(ours))],
                        dtype=np.float64)
    n, m = len(ours), len(theirs)
    crit = 1.949 * math.sqrt((n + m) / (n * m))  # alpha = 0.001
    ok = True
    for name, f in [("area fraction", lambda s: s[:, 0] * s[:, 1] / (h * w)),
                    ("log aspect", lambda s: np.log(s[:, 1] / s[:, 0]))]:
        d = ks2(f(ours), f(theirs))
        good = d < crit
        ok &= good
        print(f"{case['name']}: {name} KS D = {d:.4f} (critical {crit:.4f} at alpha 0.001) {'ok' if good else 'FAIL'}")
    return ok


def main():
    cases = json.load(open(sys.argv[1]))
    failed = 0
    for c in cases:
        if c["op"] == "crop_distribution":
            failed += not crop_distribution(c)
            continue
        x = load(c["input"])
        ours = load(c["output"])
        ref = reference(c["op"], x, c["args"])
        if ref.shape != ours.shape:
            print(f"{c['name']}: shape {tuple(ours.shape)} != torchvision {tuple(ref.shape)} FAIL")
            failed += 1
            continue
        diff = (ours.int() - ref.int()).abs()
        maxabs = int(diff.max())
        mse = float((diff.double() ** 2).mean())
        psnr = float("inf") if mse == 0 else 10 * math.log10(255 ** 2 / mse)
        ok = maxabs <= 1 if c["tol"] == "lsb" else psnr >= 40
        failed += not ok
        print(f"{c['name']}: max |diff| {maxabs}, PSNR {psnr:.1f} dB, needs {c['tol']}: {'ok' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


main()
