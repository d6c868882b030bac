"""Reductions, resampling and the engine from Python, checked against NumPy, pandas and the
CLI on the same data."""

import math
import subprocess

import numpy as np
import pandas as pd
import pytest

import ohlcv

from conftest import copy_tree, make_bars


def kahan(values):
    s = c = 0.0
    for v in values:
        if math.isnan(v):
            continue
        y = v - c
        t = s + y
        c = (t - s) - y
        if math.isnan(c):
            c = 0.0
        s = t
    return s


def eight_lanes(values):
    lanes = [0.0] * 8
    for i, v in enumerate(values):
        if not math.isnan(v):
            lanes[i % 8] += v
    l0, l1, l2, l3, l4, l5, l6, l7 = lanes
    return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))


def test_reductions_equal_numpy(bars):
    b = bars.copy()
    rng = np.random.default_rng(3)
    b["ohlcv"][:, 4] = rng.random(len(b)) * 1e3  # non-integer volumes: the order matters
    b["ohlcv"][7, 1] = np.nan
    b["ohlcv"][0, 0] = np.nan
    o, h, l, c, v = (b["ohlcv"][:, k] for k in range(5))
    assert ohlcv.max_high(b) == np.nanmax(h)
    assert ohlcv.min_low(b) == np.nanmin(l)
    assert ohlcv.first_open(b) == o[1]
    assert ohlcv.last_close(b) == c[-1]
    assert ohlcv.sum_volume_kahan(b) == kahan(v.tolist())
    assert ohlcv.sum_volume(b) == eight_lanes(v.tolist())
    f = ohlcv.fold(b)
    assert f.as_tuple() == (int(b["ts"][0]), o[1], np.nanmax(h), np.nanmin(l), c[-1], kahan(v))
    # Empty input.
    empty = np.zeros(0, ohlcv.DTYPE)
    assert math.isnan(ohlcv.max_high(empty)) and ohlcv.sum_volume(empty) == 0.0
    assert ohlcv.fold(empty) is None


def pandas_resample(bars, rule, **kw):
    """pandas' aggregation of the bars, empty bins dropped."""
    df = ohlcv.to_dataframe(bars)
    agg = df.resample(rule, **kw).agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    counts = df["open"].resample(rule, **kw).count()
    return agg[counts > 0]


def assert_frames_equal(ours, theirs):
    df = ohlcv.to_dataframe(ours)
    assert len(df) == len(theirs)
    assert np.array_equal(df.index.values, theirs.index.values)
    for col in ["open", "high", "low", "close", "volume"]:
        assert np.array_equal(df[col].to_numpy(), theirs[col].to_numpy()), col


@pytest.mark.parametrize("rule", ["5min", "15min", "1h", "4h", "1D"])
def test_resample_equals_pandas(rule, bars):
    ref = pandas_resample(bars, rule, closed="left", label="left")
    plain = ohlcv.resample(bars, rule, drop_nonpositive_volume=False, round_decimals=None)
    assert_frames_equal(plain, ref)
    # The pipeline's defaults: volume > 0 kept, NumPy rounding to 8 decimals.
    piped = ohlcv.resample(bars, rule)
    assert_frames_equal(piped, ref[ref["volume"] > 0].round(8))


def test_resample_options_equal_pandas(bars):
    ref = pandas_resample(
        bars, "15min", closed="right", label="right", origin=pd.Timestamp("1970-01-01 00:05")
    )
    ours = ohlcv.resample(
        bars,
        "15min",
        origin="00:05",
        closed="right",
        label="right",
        drop_nonpositive_volume=False,
        round_decimals=None,
    )
    assert_frames_equal(ours, ref)
    # The same through the spec string.
    spec = ohlcv.resample(
        bars, "15min,origin=00:05,closed=right,label=right", drop_nonpositive_volume=False,
        round_decimals=None,
    )
    assert np.array_equal(spec, ours)


def test_weekly_and_monthly_equal_pandas():
    bars = make_bars(60_000, seed=5)  # about four months
    for rule, ours_rule in [("W-MON", "W-MON"), ("MS", "MS")]:
        ref = pandas_resample(bars, rule, closed="left", label="left")
        assert len(ref) >= 3
        ours = ohlcv.resample(bars, ours_rule, drop_nonpositive_volume=False, round_decimals=None)
        assert_frames_equal(ours, ref)


def test_streaming_resampler_equals_one_shot(bars):
    once = ohlcv.resample(bars, "30min")
    with ohlcv.Resampler("30min") as rs:
        parts = []
        i, step = 0, 1
        while i < len(bars):
            parts.append(rs.push(bars[i : i + step]))
            i += step
            step = step * 5 % 113 + 1
        forming = rs.forming()
        last = rs.finish()
        assert forming is not None and last.as_tuple() == forming.as_tuple()
        assert rs.finish() is None
    streamed = np.concatenate(parts)
    assert np.array_equal(streamed, once[:-1])
    assert last.as_tuple() == (int(once["ts"][-1]), *once["ohlcv"][-1].tolist())


def test_resample_errors(bars):
    unsorted = bars[:10].copy()
    unsorted[[3, 4]] = unsorted[[4, 3]]
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.resample(unsorted, "5m")
    assert e.value.status == ohlcv.Status.INVALID_DATA and "row 4" in e.value.message
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.resample(bars, "5m", origin="noon")
    assert e.value.status == ohlcv.Status.INVALID_TIMEFRAME
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.Resampler("5m", round_decimals=400)
    assert e.value.status == ohlcv.Status.INVALID_ARGUMENT
    with pytest.raises(ValueError):
        ohlcv.resample(bars, "5m", closed="middle")


@pytest.mark.parametrize("mode", ["binary", "csv"])
def test_engine_equals_the_cli(tmp_path, data_dir, cli, mode):
    if mode == "csv":
        # The same data as CSV files.
        root = data_dir / "aggregate" / "1m"
        for p in sorted(root.glob("*.bin")):
            with ohlcv.Reader(p) as r, ohlcv.Writer(p.with_suffix(".csv")) as w:
                w.append(r.bars())
            p.unlink()
    a = copy_tree(data_dir, tmp_path / "a")
    b = copy_tree(data_dir, tmp_path / "b")
    args = ["--timeframes", "5m,15m,30m,1h", "--jobs", "2", "--batch-size", "1500"]
    args += ["--durability", "process", "--quiet", "--mode", "bin" if mode == "binary" else "csv"]
    subprocess.run([cli, "resample", str(a), *args], check=True, capture_output=True)
    s = ohlcv.run_engine(
        b,
        mode=mode,
        timeframes=["5m", "15m", "30m", "1h"],
        jobs=2,
        batch_rows=1500,
        durability="process",
    )
    assert s.symbols == 2 and s.timeframes == 4 and s.root_rows_in == 6000 + 4000
    assert s.bars_out > 0 and s.full_recomputes == 0
    files_a = sorted(p.relative_to(a) for p in (a / "resample").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in (b / "resample").rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 2 * 4 * 2  # bars and index per tf and symbol
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    # The 1h output is the pipeline resample of the 1-minute bars.
    ext = ".bin" if mode == "binary" else ".csv"
    with ohlcv.Reader(b / "aggregate" / "1m" / f"EURUSD{ext}") as r1:
        want = ohlcv.resample(r1.bars(), "1h")
    with ohlcv.Reader(b / "resample" / "1h" / f"EURUSD{ext}") as r:
        assert np.array_equal(r.bars(), want)


def test_engine_errors(data_dir, tmp_path):
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.run_engine(data_dir, timeframes="5m,7m")
    assert e.value.status == ohlcv.Status.INVALID_ARGUMENT and "7m" in e.value.message
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.run_engine(tmp_path / "nowhere")
    assert e.value.status == ohlcv.Status.NOT_FOUND
    # Only one symbol.
    s = ohlcv.run_engine(data_dir, timeframes="5m", symbols=["GBPUSD"], durability="process")
    assert s.symbols == 1 and s.root_rows_in == 4000
