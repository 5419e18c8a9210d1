"""Shared fixtures: small real outputs built once per session through the package's own
command wrappers (the same jobs as the CLI), from the repository's shipped samples."""

from __future__ import annotations

from pathlib import Path

import pytest

import sluice

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def mix_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mix") / "out"
    sluice.mix_build(out, target=[SAMPLES / "target"], pretrain=[SAMPLES / "pretrain"],
                     inject="0.05", tokenizer=SAMPLES / "tokenizer.json", seq_len=256, seed=3)
    return out


@pytest.fixture(scope="session")
def fashion() -> Path:
    return SAMPLES / "fashion-mnist"


@pytest.fixture(scope="session")
def cache_dir(mix_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A top-16 cache of 16 train sequences from a tiny teacher trained 2 steps on `mix_dir`."""
    root = tmp_path_factory.mktemp("distill")
    sluice.train_lm(root / "teacher", data=mix_dir, arch="tiny", steps=2, batch_size=2, warmup=1,
                    lr=3e-3, eval_every=2, eval_sequences=2)
    sluice.logits_cache(root / "cache", data=mix_dir, teacher=root / "teacher/model.safetensors",
                        k=16, splits=["train"], limit=16, shard_rows=8)
    return root / "cache"
