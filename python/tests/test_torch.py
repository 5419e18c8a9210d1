"""`sluice.torch` through real `torch.utils.data.DataLoader`s: batches independent of the worker
count, disjoint ranks, exact resume, documents' positions, online views equal to `views gen`'s
files (read back with pyarrow and PIL), and errors carrying sluice's class."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import torch
from PIL import Image
from torch.utils.data import DataLoader

import sluice
from sluice.torch import MixDataset, ViewsDataset, ViewStream


def batches(ds, workers: int) -> list[dict]:
    loader = DataLoader(ds, batch_size=None, num_workers=workers,
                        multiprocessing_context="fork" if workers else None)
    return list(loader)


def ids(bs: list[dict]) -> list[list[int]]:
    return [b["rows"].tolist() for b in bs]


def train_rows(mix_dir: Path) -> list[list[int]]:
    """The train split's rows as pyarrow reads them, in manifest order."""
    m = json.loads((mix_dir / "manifest.json").read_text())
    rows = []
    for f in m["splits"]["train"]["files"]:
        if f["path"].endswith(".parquet"):
            rows += pq.read_table(mix_dir / f["path"]).column("input_ids").to_pylist()
    return rows


def test_batches_equal_for_any_worker_count_and_match_the_parquet(mix_dir):
    ds = MixDataset(mix_dir, batch_size=4, seed=1)
    b0, b2 = batches(ds, 0), batches(ds, 2)
    assert len(b0) == len(ds) and len(b0) > 2
    assert ids(b0) == ids(b2)
    for x, y in zip(b0, b2):
        assert torch.equal(x["input_ids"], y["input_ids"])
    rows = train_rows(mix_dir)
    seen = sorted(r for b in b0 for r in b["rows"].tolist())
    assert seen == list(range(len(rows))), "an epoch yields every train row once"
    for b in b0:
        assert b["input_ids"].dtype == torch.int64 and b["input_ids"].shape[1] == ds.seq_len
        for i, r in enumerate(b["rows"].tolist()):
            assert b["input_ids"][i].tolist() == rows[r]
    # Another epoch: another order of the same rows; shuffle off: the split's order.
    ds.set_epoch(1)
    assert ids(batches(ds, 0)) != ids(b0)
    plain = MixDataset(mix_dir, batch_size=4, shuffle=False)
    assert [r for b in batches(plain, 0) for r in b["rows"].tolist()] == list(range(len(rows)))


def test_positions_restart_at_document_starts(mix_dir):
    b = next(iter(MixDataset(mix_dir, batch_size=8, seed=2)))
    t = b["input_ids"].shape[1]
    cu = b["cu_seqlens"].tolist()
    assert cu[0] == 0 and cu[-1] == b["input_ids"].numel() and cu == sorted(set(cu))
    assert b["max_seqlen"] == max(y - x for x, y in zip(cu, cu[1:]))
    for i, starts in enumerate(b["doc_starts"]):
        want, begin = [], 0
        for p in range(t):
            if p in starts:
                begin = p
            want.append(p - begin)
        assert b["position_ids"][i].tolist() == want
        assert [c - i * t for c in cu if i * t < c < (i + 1) * t] == [s for s in starts if s > 0]
    assert set(b["source"]) <= {"target", "pretrain"}


def test_two_ranks_take_disjoint_parts_of_every_row(mix_dir):
    n = len(train_rows(mix_dir))
    parts = [ids(batches(MixDataset(mix_dir, batch_size=3, rank=r, world_size=2, seed=5), 2))
             for r in range(2)]
    flat = [sorted(r for b in p for r in b) for p in parts]
    assert not set(flat[0]) & set(flat[1])
    assert sorted(flat[0] + flat[1]) == list(range(n))
    dropped = MixDataset(mix_dir, batch_size=3, rank=1, world_size=2, seed=5, drop_last=True)
    assert all(len(b) == 3 for b in ids(batches(dropped, 0)))


def test_resume_mid_epoch_is_exact_across_workers_and_world_sizes(mix_dir):
    full = ids(batches(MixDataset(mix_dir, batch_size=4, seed=9), 0))
    ds = MixDataset(mix_dir, batch_size=4, seed=9)
    it = iter(DataLoader(ds, batch_size=None, num_workers=2, multiprocessing_context="fork"))
    first = [next(it)["rows"].tolist() for _ in range(3)]
    state = ds.state_dict(samples_seen=12)
    del it
    resumed = MixDataset(mix_dir, batch_size=4, seed=9)
    resumed.load_state_dict(state)
    rest = ids(batches(resumed, 0))
    assert first + rest == full
    # The same point taken by two ranks of batch 2: together, exactly the rest.
    halves = []
    for r in range(2):
        d = MixDataset(mix_dir, batch_size=2, seed=9, rank=r, world_size=2)
        d.load_state_dict(state)
        halves += [x for b in ids(batches(d, 2)) for x in b]
    assert sorted(halves) == sorted(x for b in rest for x in b)
    with pytest.raises(sluice.ConfigError, match="batch boundary"):
        ds.state_dict(samples_seen=5)
    other = MixDataset(mix_dir, batch_size=4, seed=10)
    with pytest.raises(sluice.ConfigError, match="seed"):
        other.load_state_dict(state)


def stored_views(out: Path) -> dict:
    """(sample_id, view) -> (CHW pixels, params) of a `views gen` output, via pyarrow + PIL."""
    m = json.loads((out / "manifest.json").read_text())
    got = {}
    for s in m["shards"]:
        t = pq.read_table(out / s["path"])
        for r in t.to_pylist():
            px = np.asarray(Image.open(io.BytesIO(r["image"])).convert("RGB")).transpose(2, 0, 1)
            params = [r["params"][n] for n in ViewStream.param_names]
            got[(r["sample_id"], r["view"])] = (px, params)
    return got


def test_online_views_epoch_0_equal_views_gen_and_later_epochs_differ(fashion, tmp_path):
    out = tmp_path / "views"
    m = sluice.views_gen(out, input=fashion, k=2, size=32, seed=4, format="png")
    assert m["views"] == 400
    want = stored_views(out)
    ds = ViewStream(fashion, k=2, size=32, batch_size=16, seed=4)
    b0 = batches(ds, 2)
    assert sum(len(b["sample_id"]) for b in b0) == 200
    for b in b0:
        assert b["views"].shape[1:] == (2, 3, 32, 32) and b["views"].dtype == torch.uint8
        for i, sid in enumerate(b["sample_id"]):
            assert b["label"][i] == sid.split("/")[0]
            for v in range(2):
                px, params = want[(sid, v)]
                assert np.array_equal(b["views"][i, v].numpy(), px), (sid, v)
                assert np.allclose(b["params"][i, v].numpy(), params), (sid, v)
    assert [b["sample_id"] for b in b0] == [b["sample_id"] for b in batches(ds, 0)]
    ds.set_epoch(1)
    b1 = batches(ds, 0)
    assert [b["sample_id"] for b in b1] != [b["sample_id"] for b in b0]
    # The stored output as a dataset: the same views as epoch 0, batched by the same order.
    stored = batches(ViewsDataset(out, batch_size=16, seed=4), 2)
    for x, y in zip(stored, b0):
        assert x["sample_id"] == y["sample_id"] and torch.equal(x["views"], y["views"])


def test_errors_carry_sluices_class_and_exit_code(tmp_path, fashion):
    with pytest.raises(sluice.ConfigError) as e:
        ViewStream(fashion, k=0, size=32, batch_size=4)
    assert e.value.kind == "config" and e.value.exit_code == 2 and "--k" in str(e.value)
    with pytest.raises(sluice.InputError, match="not a finished `mix build` output"):
        MixDataset(tmp_path, batch_size=2)
    with pytest.raises(sluice.ConfigError, match="unknown field"):
        sluice.views_gen(tmp_path / "v", input=fashion, no_such_option=1)
    with pytest.raises(sluice.ConfigError, match="rank"):
        sluice._native.Share(10, 2, 2, 2, 0, False)


def sluice_threads() -> int:
    names = []
    for task in Path("/proc/self/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except OSError:
            pass
    return sum(n.startswith("sluice-") for n in names)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_rust_pools_start_in_the_process_that_renders(fashion):
    ds = ViewStream(fashion, k=2, size=32, batch_size=50, seed=1, threads=2)
    before = sluice_threads()
    forked = batches(ds, 2)
    assert sluice_threads() == before, "rendering in workers started no pool in the trainer"
    here = batches(ds, 0)
    assert sluice_threads() == before + 2, "rendering here starts this process's pool"
    assert [b["sample_id"] for b in forked] == [b["sample_id"] for b in here]
    # A fork after the parent's pool exists still renders (the child makes its own pool).
    again = batches(ds, 2)
    assert all(torch.equal(x["views"], y["views"]) for x, y in zip(again, here))


def test_threads_reading_other_epochs_do_not_deadlock(mix_dir):
    """Making an epoch's order releases the GIL; no lock may be held across it."""
    import threading

    ds = MixDataset(mix_dir, batch_size=4, seed=1)
    native = ds._native

    def read(epochs):
        for e in epochs:
            native.read(1, e, True, 0, 4)

    threads = [threading.Thread(target=read, args=(range(i, 40, 2),), daemon=True) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
