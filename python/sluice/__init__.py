"""sluice: training data for GPU trainers, from Python.

The commands run in-process through sluice's Rust library (the same lock, fingerprint, resume
and manifest as the CLI) and return the output's manifest as a dict; errors raise
:class:`SluiceError` subclasses carrying sluice's message, ``kind`` and ``exit_code``.
PyTorch loaders live in :mod:`sluice.torch`.
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import _native
from ._native import (
    BackendError,
    BusyError,
    ConfigError,
    InputError,
    InternalError,
    IoError,
    SluiceError,
)

__version__ = _native.__version__

__all__ = [
    "BackendError",
    "BusyError",
    "ConfigError",
    "InputError",
    "InternalError",
    "IoError",
    "SluiceError",
    "run",
    "mix_build",
    "tokenize",
    "views_gen",
    "logits_cache",
    "train_lm",
    "train_ssl",
    "fisher",
]


def run(kind: str, out: str | os.PathLike, *, overwrite: bool = False, progress: bool = False,
        **options: Any) -> dict:
    """Run one step of ``kind`` (``mix``, ``tokenize``, ``views``, ``logits``, ``train``, ``ssl``,
    ``fisher``, ``sql``) into ``out`` with ``options`` as a pipeline file names them (the CLI
    flags with ``_`` for ``-``), and return its manifest. A finished output with the same fingerprint is left alone;
    an interrupted one is resumed."""
    text = json.dumps(options, default=os.fspath)
    return json.loads(_native.run_step(kind, os.fspath(out), text, overwrite, progress))


def mix_build(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice mix build``: e.g. ``mix_build("out/mix", target=["data/target"],
    pretrain=["data/web"], inject="0.01", tokenizer="tokenizer.json", seq_len=2048)``."""
    return run("mix", out, **options)


def tokenize(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice tokenize``: one row of ids per document, in input order; e.g.
    ``tokenize("out/ids", inputs=["data/web"], tokenizer="tokenizer.json")``."""
    return run("tokenize", out, **options)


def views_gen(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice views gen``: e.g. ``views_gen("out/views", input="images/", k=8, size=224)``."""
    return run("views", out, **options)


def logits_cache(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice logits cache``."""
    return run("logits", out, **options)


def train_lm(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice train lm``."""
    return run("train", out, **options)


def train_ssl(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice train ssl`` (needs a sluice built with the libtorch backend)."""
    return run("ssl", out, **options)


def fisher(out: str | os.PathLike, **options: Any) -> dict:
    """``sluice fisher``: the diagonal Fisher of a model for ``train_lm(..., ewc=out)`` (needs a
    sluice built with the libtorch backend)."""
    return run("fisher", out, **options)
