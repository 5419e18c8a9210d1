#!/usr/bin/env bash
# Fashion-MNIST (70,000 28x28 grayscale images, 10 classes; MIT) from Debian's
# `dataset-fashion-mnist`, as class folders of PNGs that `views gen` and the view stream read
# (label = parent folder):
#   scripts/fetch_fashion_mnist.sh OUT [PER_CLASS]   -> OUT/train/<class>/<n>.png, OUT/test/<class>/<n>.png
# PER_CLASS keeps the first N images of each class per split (all when omitted); images keep their
# index in the IDX file as their name. Needs apt-get (after apt-get update), dpkg-deb, and python3
# with numpy and Pillow (tests/requirements.txt; PYTHON picks the interpreter).
set -euo pipefail
out=$(realpath -m "$1")
per=${2:-0}
py=${PYTHON:-${SLUICE_VENV:-$HOME/.cache/sluice-venv}/bin/python}
[ -x "$py" ] || py=python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && { apt-get download dataset-fashion-mnist=0.0~git20200523.55506a9-1 >/dev/null 2>&1 \
  || apt-get download dataset-fashion-mnist >/dev/null; } && dpkg-deb -x dataset-fashion-mnist_*.deb x)
"$py" - "$work/x/usr/share/datasets/fashion-mnist" "$out" "$per" <<'PY'
import gzip, os, struct, sys
import numpy as np
from PIL import Image
src, out, per = sys.argv[1], sys.argv[2], int(sys.argv[3])
classes = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
def idx(path, magic):
    with gzip.open(path) as f:
        m, n = struct.unpack(">II", f.read(8))
        assert m == magic, (path, m)
        dims = struct.unpack(">II", f.read(8)) if magic == 2051 else ()
        return np.frombuffer(f.read(), np.uint8).reshape((n, *dims))
for split, stem in [("train", "train"), ("test", "t10k")]:
    images = idx(f"{src}/{stem}-images-idx3-ubyte.gz", 2051)
    labels = idx(f"{src}/{stem}-labels-idx1-ubyte.gz", 2049)
    assert len(images) == len(labels)
    kept = [0] * 10
    for i, (img, y) in enumerate(zip(images, labels)):
        if per and kept[y] >= per:
            continue
        kept[y] += 1
        d = os.path.join(out, split, classes[y])
        os.makedirs(d, exist_ok=True)
        Image.fromarray(img, "L").save(os.path.join(d, f"{i:05d}.png"), optimize=True)
    print(split, sum(kept), "images,", dict(zip(classes, kept)))
PY
