"""`DistillDataset` against the cache's Parquet read by pyarrow, and `kd_loss` against the loss
written out densely in float64."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

from sluice.torch import DistillDataset, kd_loss


def cache_rows(cache_dir) -> list[dict]:
    m = json.loads((cache_dir / "manifest.json").read_text())
    rows = []
    for s in m["splits"]["train"]:
        rows += pq.read_table(cache_dir / s["path"]).to_pylist()
    return rows


def test_teacher_targets_equal_the_cache_and_batches_ignore_workers(cache_dir):
    ds = DistillDataset(cache_dir, batch_size=4, seed=1)
    b0 = list(DataLoader(ds, batch_size=None, num_workers=0))
    b2 = list(DataLoader(ds, batch_size=None, num_workers=2, multiprocessing_context="fork"))
    assert [b["rows"].tolist() for b in b0] == [b["rows"].tolist() for b in b2]
    rows = cache_rows(cache_dir)
    assert sorted(r for b in b0 for r in b["rows"].tolist()) == list(range(len(rows)))
    for b in b0:
        for i, r in enumerate(b["rows"].tolist()):
            row = rows[r]
            assert row["seq_id"] == r and b["input_ids"][i].tolist() == row["input_ids"]
            for t in (0, 7, len(row["input_ids"]) - 2):
                ids = row["topk_ids"][t]
                raw = np.exp(-np.array(row["topk_logprob_q"][t], dtype=np.float64) / 16)
                want = raw * (1 - row["tail_mass"][t]) / raw.sum()
                assert b["teacher_ids"][i, t].tolist() == ids
                assert np.allclose(b["teacher_probs"][i, t].numpy(), want, atol=1e-6)
                assert b["tail_mass"][i, t].item() == np.float32(row["tail_mass"][t])
                assert b["targets"][i, t].item() == row["input_ids"][t + 1]
            assert b["loss_mask"][i, -1].item() == 0.0
            for s in row["doc_starts"]:
                if s > 0:
                    assert b["loss_mask"][i, s - 1].item() == 0.0


def test_kd_loss_is_the_documented_objective(cache_dir):
    b = next(iter(DistillDataset(cache_dir, batch_size=2, seed=2)))
    bsz, t = b["input_ids"].shape
    v = int(b["teacher_ids"].max()) + 50
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(bsz, t, v, generator=g, dtype=torch.float64).float()
    temp = 2.0
    # Dense, in float64: the teacher's K ids plus one bucket for the rest.
    mask = b["loss_mask"].double()
    logq = torch.log_softmax(logits.double() / temp, -1)
    ids, p, tail = b["teacher_ids"], b["teacher_probs"].double(), b["tail_mass"].double()
    inside = logq.gather(2, ids)
    kd = -(inside * p).sum(-1) - torch.log1p(-inside.exp().sum(-1)) * tail
    nll = F.cross_entropy(logits.double().reshape(-1, v), b["targets"].reshape(-1),
                          reduction="none").view(bsz, t)
    for w in (1.0, 0.0, 0.3):
        want = ((kd * w * temp * temp + nll * (1 - w)) * mask).sum() / mask.sum()
        got = kd_loss(logits, b, temperature=temp, weight=w)
        assert abs(got.item() - want.item()) < 1e-4 * max(1.0, abs(want.item())), (w, got, want)
