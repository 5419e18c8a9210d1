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
