"""PyTorch loaders over sluice data, exact for any worker count, rank count and resume.

Every loader here is an ``IterableDataset`` that yields whole batches; use it as
``DataLoader(ds, batch_size=None, num_workers=n)``. An epoch's rows are put in a keyed order of
``(seed, epoch)`` and cut into global steps of ``batch_size x world_size`` rows; rank ``r`` takes
rows ``[r * batch_size, (r + 1) * batch_size)`` of each step, and DataLoader worker ``w`` of ``n``
takes every n-th of the rank's batches, which the DataLoader re-interleaves in order: the batches
are the same whatever ``num_workers`` is. The rows after the last full step (fewer than
``batch_size x world_size``) are dealt out as one short batch per rank (ranks then differ by at
most one batch), or left out of the epoch with ``drop_last=True``; with ``shuffle`` a different
remainder each epoch.

``state_dict(samples_seen=N)`` records where the epoch stands once every rank has taken ``N``
samples (a multiple of ``batch_size``, or the rank's whole share): a global row offset, so
``load_state_dict`` resumes exactly, also with another ``num_workers``, ``world_size`` or
``batch_size``. The state names the data's fingerprint and is refused for other data.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import torch
from torch.utils.data import IterableDataset, get_worker_info

from . import _native
from ._native import ConfigError

__all__ = ["DistillDataset", "MixDataset", "ViewStream", "ViewsDataset", "kd_loss"]


def _worker() -> tuple[int, int]:
    info = get_worker_info()
    return (0, 1) if info is None else (info.id, info.num_workers)


class _Loader(IterableDataset):
    """What the loaders share: the rank's share of the epoch, worker splitting and the state."""

    _kind = ""

    def __init__(self, *, batch_size: int, seed: int, epoch: int, rank: int, world_size: int,
                 shuffle: bool, drop_last: bool) -> None:
        super().__init__()
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.epoch = int(epoch)
        self.rank = int(rank)
        self.world_size = int(world_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._start = 0
        self._share()  # checks batch_size, rank and world_size now

    # Subclasses: `_rows()` (rows in an epoch), `_read(lo, hi)` (one batch), `_identity()`.

    def _share(self) -> Any:
        return _native.Share(self._rows(), self.batch_size, self.rank, self.world_size,
                             self._start, self.drop_last)

    def set_epoch(self, epoch: int) -> None:
        """Start epoch ``epoch`` from its beginning (call before each epoch's iteration)."""
        self.epoch = int(epoch)
        self._start = 0

    def __len__(self) -> int:
        """Batches this rank yields in the current epoch (from the resume point on)."""
        return self._share().batches()

    def __iter__(self) -> Iterator[dict]:
        share = self._share()
        w, n = _worker()
        for j in range(w, share.batches(), n):
            lo, hi = share.batch_rows(j)
            yield self._read(lo, hi)

    def state_dict(self, samples_seen: int) -> dict:
        """Where the epoch stands once every rank has taken ``samples_seen`` samples since the
        epoch's start (or since the state this loader was loaded from)."""
        point = self._share().resume_point(int(samples_seen))
        if point is None:
            raise ConfigError(
                f"samples_seen={samples_seen} is not at a batch boundary (batch_size "
                f"{self.batch_size}) nor the end of this rank's share of epoch {self.epoch}")
        return {"format": f"sluice.{self._kind}/1", "identity": self._identity(),
                "seed": self.seed, "shuffle": self.shuffle, "epoch": self.epoch, "row": point}

    def load_state_dict(self, state: dict) -> None:
        want = {"format": f"sluice.{self._kind}/1", "identity": self._identity(),
                "seed": self.seed, "shuffle": self.shuffle}
        for key, value in want.items():
            if state.get(key) != value:
                raise ConfigError(
                    f"state_dict was saved for other data or settings: {key} is "
                    f"{state.get(key)!r} there, {value!r} here")
        self.epoch, self._start = int(state["epoch"]), int(state["row"])
        if self._start >= self._rows():
            self.set_epoch(self.epoch + 1)

    def __getstate__(self) -> dict:
        # A spawned DataLoader worker gets the options and opens the data itself.
        s = dict(self.__dict__)
        s.pop("_native", None)
        return s

    def __setstate__(self, s: dict) -> None:
        self.__dict__.update(s)
        self._native = self._open()


class _Split(_Loader):
    """A loader over one split of a sluice output read by the native class `_native_class`."""

    _native_class = ""

    def __init__(self, path: str | os.PathLike, *, batch_size: int, split: str = "train",
                 seed: int = 0, epoch: int = 0, rank: int = 0, world_size: int = 1,
                 shuffle: bool = True, drop_last: bool = False) -> None:
        self.path, self.split = os.fspath(path), split
        self._native = self._open()
        super().__init__(batch_size=batch_size, seed=seed, epoch=epoch, rank=rank,
                         world_size=world_size, shuffle=shuffle, drop_last=drop_last)

    def _open(self) -> Any:
        return getattr(_native, self._native_class)(self.path, self.split)

    def _rows(self) -> int:
        return self._native.rows

    def _identity(self) -> str:
        return f"{self._native.fingerprint}/{self.split}"


class MixDataset(_Split):
    """Batches of a ``sluice mix build`` split: ``input_ids`` and ``position_ids`` (int64
    ``[B, T]``; positions restart at each document start), ``cu_seqlens`` (int32, every row and
    document boundary of the flattened batch, for varlen attention) with ``max_seqlen``,
    ``doc_starts`` (per row), ``source`` (per row) and ``rows`` (the split's row ids).

    The split is read into memory when the dataset is made (4 bytes per token), before the
    DataLoader forks, so workers share it."""

    _kind = "MixDataset"
    _native_class = "MixSplit"

    @property
    def seq_len(self) -> int:
        return self._native.seq_len

    @property
    def sources(self) -> list[str]:
        return self._native.sources

    def _read(self, lo: int, hi: int) -> dict:
        d = self._native.read(self.seed, self.epoch, self.shuffle, lo, hi)
        b, t = d["batch"], d["seq_len"]
        return {
            "input_ids": torch.frombuffer(d["input_ids"], dtype=torch.int64).view(b, t),
            "position_ids": torch.frombuffer(d["position_ids"], dtype=torch.int64).view(b, t),
            "cu_seqlens": torch.frombuffer(d["cu_seqlens"], dtype=torch.int32),
            "max_seqlen": d["max_seqlen"],
            "doc_starts": d["doc_starts"],
            "source": d["source"],
            "rows": torch.tensor(d["rows"], dtype=torch.int64),
        }


class ViewStream(_Loader):
    """K augmented views per image, rendered online in Rust threads, per epoch: ``views`` (uint8
    ``[B, K, 3, H, W]``), ``params`` (float32 ``[B, K, P]``, every sampled parameter, named by
    ``param_names``), ``sample_id`` and ``label``. Epoch 0 with seed ``s`` is bit for bit what
    ``sluice views gen --seed s`` writes for the same recipe, K and size; each later epoch draws
    fresh views and a fresh order.

    ``images``: class folders (label = folder) or Parquet with an image column. ``threads``:
    rendering threads per process [default: 1 inside a DataLoader worker, else every core];
    pools start in the process that renders, after a worker forks."""

    _kind = "ViewStream"

    def __init__(self, images: str | os.PathLike, *, k: int, size: int, batch_size: int,
                 recipe: str | None = "simclr", seed: int = 0, epoch: int = 0, rank: int = 0,
                 world_size: int = 1, threads: int | None = None, shuffle: bool = True,
                 drop_last: bool = False, image_column: str = "image",
                 label_column: str | None = None) -> None:
        self.path, self.k, self.size, self.recipe = os.fspath(images), int(k), int(size), recipe
        self.threads, self.image_column, self.label_column = threads, image_column, label_column
        self._seed = int(seed)
        self._native = self._open()
        if not shuffle:
            raise ConfigError("ViewStream serves the stream's keyed order; shuffle=False is not offered")
        super().__init__(batch_size=batch_size, seed=seed, epoch=epoch, rank=rank,
                         world_size=world_size, shuffle=True, drop_last=drop_last)

    def _open(self) -> Any:
        path = getattr(self, "_fetched", None) or self.path
        return _native.Views(path, self.k, self.size, self.recipe, self._seed,
                             self.image_column, self.label_column)

    def __getstate__(self) -> dict:
        # Images fetched from object storage: a spawned worker opens the parent's copy (the same
        # samples) instead of fetching its own, which it would leave behind; the parent's stream
        # removes the copy when it is dropped.
        s = super().__getstate__()
        local = self._native.local_copy
        if local is not None:
            s["_fetched"] = os.fspath(local)
        return s

    param_names: list[str] = _native.Views.param_names()

    @property
    def side(self) -> int:
        return self._native.side

    def _rows(self) -> int:
        return len(self._native)

    def _identity(self) -> str:
        return f"{self.path}|k={self.k}|size={self.size}|recipe={self._native.recipe}"

    def _threads(self) -> int:
        if self.threads:
            return int(self.threads)
        if get_worker_info() is not None:
            return 1
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)

    def _read(self, lo: int, hi: int) -> dict:
        d = self._native.read(self.epoch, lo, hi, self._threads())
        b, k, s = d["batch"], self._native.k, self._native.side
        return {
            "views": torch.frombuffer(d["views"], dtype=torch.uint8).view(b, k, 3, s, s),
            "params": torch.frombuffer(d["params"], dtype=torch.float32).view(b, k, -1),
            "sample_id": d["sample_id"],
            "label": d["label"],
        }


class ViewsDataset(ViewStream):
    """The views of a ``sluice views gen`` output, as :class:`ViewStream` yields them (the stored
    views, the same in every epoch, in the epoch's keyed order); ``k`` takes the first k of each
    sample's views [default: all]."""

    _kind = "ViewsDataset"

    def __init__(self, path: str | os.PathLike, *, batch_size: int, k: int | None = None,
                 seed: int = 0, epoch: int = 0, rank: int = 0, world_size: int = 1,
                 threads: int | None = None, drop_last: bool = False) -> None:
        stored_k, size = _native.Views.stored_layout(os.fspath(path))
        super().__init__(path, k=k or stored_k, size=size, batch_size=batch_size, recipe=None,
                         seed=seed, epoch=epoch, rank=rank, world_size=world_size,
                         threads=threads, drop_last=drop_last)


class DistillDataset(_Split):
    """Batches of a ``sluice logits cache`` split for distillation: the packed batch of
    :class:`MixDataset` (``input_ids``, ``position_ids``, ``cu_seqlens``, ``max_seqlen``,
    ``doc_starts``) plus ``targets`` (int64 ``[B, T]``, token t+1), ``loss_mask`` (float32
    ``[B, T]``: 0 at the last position and where t+1 opens a document), the teacher's sparse
    distribution per position — ``teacher_ids`` (int64 ``[B, T, K]``), ``teacher_probs`` (float32
    ``[B, T, K]``, at the cache's ``temperature``; zero-padded), ``tail_mass`` (the teacher's mass
    outside those ids) — and ``logz`` (float32 ``[B, T]``). Train with :func:`kd_loss`."""

    _kind = "DistillDataset"
    _native_class = "DistillSplit"

    @property
    def temperature(self) -> float:
        """The temperature the teacher's distributions were cached at (what ``kd_loss`` uses)."""
        return self._native.temperature

    @property
    def mode(self) -> str:
        return self._native.mode

    def _read(self, lo: int, hi: int) -> dict:
        d = self._native.read(self.seed, self.epoch, self.shuffle, lo, hi)
        b, t, k = d["batch"], d["seq_len"], d["k"]

        def tensor(name: str, dtype: torch.dtype, *shape: int) -> torch.Tensor:
            return torch.frombuffer(d[name], dtype=dtype).view(*shape)

        return {
            "input_ids": tensor("input_ids", torch.int64, b, t),
            "position_ids": tensor("position_ids", torch.int64, b, t),
            "cu_seqlens": torch.frombuffer(d["cu_seqlens"], dtype=torch.int32),
            "max_seqlen": d["max_seqlen"],
            "doc_starts": d["doc_starts"],
            "targets": tensor("targets", torch.int64, b, t),
            "loss_mask": tensor("loss_mask", torch.float32, b, t),
            "teacher_ids": tensor("teacher_ids", torch.int64, b, t, k),
            "teacher_probs": tensor("teacher_probs", torch.float32, b, t, k),
            "tail_mass": tensor("tail_mass", torch.float32, b, t),
            "logz": tensor("logz", torch.float32, b, t),
            "rows": torch.tensor(d["rows"], dtype=torch.int64),
        }


def kd_loss(logits: torch.Tensor, batch: dict, *, temperature: float, weight: float = 1.0
            ) -> torch.Tensor:
    """The loss ``train lm --distill-from`` optimises, for student ``logits`` ``[B, T, V]`` of a
    :class:`DistillDataset` batch: ``weight * T^2 * CE(teacher_T, student_T) + (1 - weight) *
    NLL``, averaged over the positions of ``loss_mask``. The teacher's mass outside its cached ids
    (``tail_mass``) is scored as one bucket against the student's mass outside them.
    ``temperature``: the cache's (``DistillDataset.temperature``)."""
    mask = batch["loss_mask"].to(logits.device)
    ids = batch["teacher_ids"].to(logits.device)
    probs = batch["teacher_probs"].to(logits.device)
    tail = batch["tail_mass"].to(logits.device)
    logq = (logits.float() / temperature).log_softmax(-1).gather(2, ids)
    ce = -(logq * probs).sum(-1)
    outside = (1.0 - logq.exp().sum(-1)).clamp_min(1e-6).log()
    kd = ((ce - outside * tail) * mask).sum()
    logp = logits.float().log_softmax(-1).gather(2, batch["targets"].to(logits.device)[..., None])
    nll = -(logp.squeeze(-1) * mask).sum()
    loss = kd * (weight * temperature * temperature) + nll * (1.0 - weight)
    return loss / mask.sum().clamp_min(1.0)
