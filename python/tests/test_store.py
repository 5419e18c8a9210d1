"""Images in an S3 bucket (moto's server, as the Rust store tests use it): `ViewStream` renders
the views of the same files on disk through forked and spawned DataLoader workers, fetches them
once (spawned workers open the parent's copy), and removes its copy when it is dropped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from torch.utils.data import DataLoader

from sluice.torch import ViewStream

REPO = Path(__file__).resolve().parents[2]
FASHION = REPO / "samples/fashion-mnist"


@pytest.fixture
def bucket(tmp_path, monkeypatch):
    """`s3://corpora/fashion/` holding the Fashion-MNIST slice; the environment points at it."""
    server = subprocess.Popen([sys.executable, str(REPO / "tests/python/s3_server.py"), "corpora"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(server.stdout.readline())
        server.stdin.write(f"put fashion {FASHION}\n")
        server.stdin.flush()
        assert "error" not in json.loads(server.stdout.readline())
        for k in [k for k in os.environ if k.startswith("AWS_")]:
            monkeypatch.delenv(k)
        monkeypatch.setenv("AWS_ENDPOINT_URL", info["endpoint"])
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", info["access_key"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", info["secret_key"])
        monkeypatch.setenv("AWS_REGION", "us-east-1")
        monkeypatch.setenv("SLUICE_STAGE_DIR", str(tmp_path / "stage"))
        yield tmp_path / "stage" / "inputs"
    finally:
        server.stdin.close()
        server.wait(timeout=30)


def views(ds, workers: int, context: str = "fork") -> list[np.ndarray]:
    loader = DataLoader(ds, batch_size=None, num_workers=workers,
                        multiprocessing_context=context if workers else None)
    return [b["views"].numpy() for b in loader]


def test_views_of_images_in_s3_equal_the_local_ones_across_forked_workers(bucket):
    local = views(ViewStream(FASHION, k=2, size=32, batch_size=50, seed=2), 0)
    ds = ViewStream("s3://corpora/fashion/", k=2, size=32, batch_size=50, seed=2)
    [copy] = list(bucket.iterdir())
    for workers, context in [(2, "fork"), (2, "spawn"), (2, "fork"), (0, "fork")]:
        got = views(ds, workers, context)
        assert len(got) == len(local)
        assert all(np.array_equal(a, b) for a, b in zip(got, local))
        # The workers are gone: no other copy was made, and the stream's own is whole.
        assert list(bucket.iterdir()) == [copy], context
        assert sum(1 for _ in copy.rglob("*.png")) == 200
    del ds
    assert list(bucket.iterdir()) == []
