"""The `sluice` Python package's loaders against what users write by hand, side by side in one run.

1. ViewStream (online SimCLR views, K=8, 224 px) through a DataLoader with 2 workers (1 Rust
   thread each) vs torchvision v2 transforms (the same recipe as bench/peers_views.py) in a
   DataLoader with 2 workers: views/s over one epoch, decode included on both sides.
2. MixDataset: tokens/s handed to the training loop on one core (num_workers=0), over a
   `mix build` output.

usage: python bench/python_loaders.py IMAGE_DIR COPIES MIX_DIR [ROUNDS]
IMAGE_DIR: class folders of photos, copied COPIES times under new names (a temp dir).
Prints one line per measurement and the ratios.
"""
import os
import shutil
import statistics
import sys
import tempfile
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import v2 as T

from sluice.torch import MixDataset, ViewStream

image_dir, copies, mix_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
K, SIZE, BATCH, WORKERS = 8, 224, 16, 2

tmp = tempfile.mkdtemp()
for root, _, files in os.walk(image_dir):
    for f in files:
        cls = os.path.basename(root)
        os.makedirs(os.path.join(tmp, cls), exist_ok=True)
        for c in range(copies):
            shutil.copy(os.path.join(root, f), os.path.join(tmp, cls, f"{c:03d}-{f}"))
paths = sorted(os.path.join(r, f) for r, _, fs in os.walk(tmp) for f in fs)

aug = T.Compose([
    T.RandomResizedCrop(SIZE, scale=(0.08, 1.0), antialias=True),
    T.RandomHorizontalFlip(),
    T.RandomApply([T.ColorJitter(0.8, 0.8, 0.8, 0.2)], p=0.8),
    T.RandomGrayscale(p=0.2),
    T.RandomApply([T.GaussianBlur(23, sigma=(0.1, 2.0))], p=0.5),
    T.PILToTensor(),
])


class TorchvisionViews(Dataset):
    """The hand-written loader: decode once, K views, stacked [K, 3, H, W]."""

    def __len__(self):
        return len(paths)

    def __getitem__(self, i):
        img = Image.open(paths[i]).convert("RGB")
        return torch.stack([aug(img) for _ in range(K)])


def worker_init(_):
    torch.set_num_threads(1)


def epoch_views(loader) -> tuple[int, float]:
    t0 = time.perf_counter()
    n = 0
    for b in loader:
        v = b["views"] if isinstance(b, dict) else b
        n += v.shape[0] * v.shape[1]
    return n, time.perf_counter() - t0


def run_views():
    sl, tv = [], []
    for _ in range(rounds):
        ds = ViewStream(tmp, k=K, size=SIZE, batch_size=BATCH, seed=0, threads=1)
        n, s = epoch_views(DataLoader(ds, batch_size=None, num_workers=WORKERS,
                                      multiprocessing_context="fork"))
        sl.append(n / s)
        n2, s2 = epoch_views(DataLoader(TorchvisionViews(), batch_size=BATCH, num_workers=WORKERS,
                                        worker_init_fn=worker_init, multiprocessing_context="fork"))
        tv.append(n2 / s2)
        print(f"views/s  sluice ViewStream {n / s:8.0f}   torchvision v2 {n2 / s2:8.0f}"
              f"   ({n} views, {WORKERS} workers)", flush=True)
    ms, mt = statistics.median(sl), statistics.median(tv)
    print(f"median   sluice {ms:.0f}  torchvision {mt:.0f}  ratio {ms / mt:.2f}x")


def run_mix():
    ds = MixDataset(mix_dir, batch_size=8, seed=0)
    rates = []
    for r in range(rounds):
        ds.set_epoch(r)
        t0 = time.perf_counter()
        tokens = 0
        for _ in range(5):
            for b in DataLoader(ds, batch_size=None, num_workers=0):
                tokens += b["input_ids"].numel()
        rates.append(tokens / (time.perf_counter() - t0))
        print(f"tokens/s MixDataset {rates[-1] / 1e6:.2f} M  ({tokens} tokens, 1 core)", flush=True)
    print(f"median   MixDataset {statistics.median(rates) / 1e6:.2f} M tokens/s")


torch.set_num_threads(1)
run_mix()
run_views()
shutil.rmtree(tmp)
