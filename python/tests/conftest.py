"""Shared fixtures: synthetic bars, the repository root and the ohlcv CLI."""

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

import ohlcv

REPO = Path(__file__).resolve().parents[2]


def make_bars(n, seed=1, start_ms=1_704_067_200_000, gaps=True):
    """Sorted 1-minute bars in 64-byte aligned memory: a random walk with 5-decimal prices,
    sane OHLC, whole-number volumes, and (with ``gaps``) some missing minutes."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(1, 4, n) if gaps else np.ones(n, dtype=np.int64)
    ts = start_ms + 60_000 * np.cumsum(steps).astype(np.uint64)
    close = np.round(1.1 + np.cumsum(rng.normal(0, 2e-4, n)), 5)
    open_ = np.concatenate([[1.1], close[:-1]])
    high = np.round(np.maximum(open_, close) + np.abs(rng.normal(0, 1e-4, n)), 5)
    low = np.round(np.minimum(open_, close) - np.abs(rng.normal(0, 1e-4, n)), 5)
    volume = rng.integers(1, 500, n).astype(np.float64)
    bars = ohlcv.aligned_bars(n)
    bars["ts"] = ts
    bars["ohlcv"] = np.column_stack([open_, high, low, close, volume])
    return bars


@pytest.fixture
def bars():
    return make_bars(5000)


@pytest.fixture
def cli():
    """The ohlcv command-line tool built from this repository."""
    path = os.environ.get("OHLCV_CLI") or str(REPO / "target" / "release" / "ohlcv")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        if os.environ.get("CI"):
            pytest.fail(f"the ohlcv CLI is missing at {path}: run cargo build --release")
        pytest.skip(f"the ohlcv CLI is missing at {path}: run cargo build --release")
    return path


@pytest.fixture
def header_text():
    return (REPO / "include" / "ohlcv.h").read_text()


@pytest.fixture
def data_dir(tmp_path):
    """A pipeline data directory with two symbols of 1-minute bars (binary)."""
    root = tmp_path / "data" / "aggregate" / "1m"
    root.mkdir(parents=True)
    for i, sym in enumerate(["EURUSD", "GBPUSD"]):
        with ohlcv.Writer(root / f"{sym}.bin") as w:
            w.append(make_bars(6000 - 2000 * i, seed=10 + i))
    return tmp_path / "data"


def copy_tree(src, dst):
    shutil.copytree(src, dst)
    return dst
