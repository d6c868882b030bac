#!/usr/bin/env python3
"""Reference resampler for tests/resample_pandas.rs.

Usage: resample_ref.py DIR

Reads DIR/manifest.tsv, one case per line:

    case  dataset  rule  closed  label  origin  mode

`dataset` is a file of 64-byte bars (NumPy dtype DTYPE below) in DIR; `rule` a pandas rule;
`origin` is `epoch` or `HH:MM` (taken on 1970-01-01); `mode` is `pipeline` (the legacy
pipeline: drop bars with volume <= 0 or NaN, then `.round(8)`) or `plain` (every bin holding at
least one row, unrounded). Writes DIR/<case>.bin with the expected bars in the same format.
"""
import os
import sys
import warnings

import numpy as np
import pandas as pd

DTYPE = np.dtype([('ts', '<u8'), ('ohlcv', '<f8', (5,)), ('padding', '<u8', (2,))])
COLUMNS = ['open', 'high', 'low', 'close', 'volume']
AGG = {'open': 'first', 'high': 'max', 'low': 'min', 'close': 'last', 'volume': 'sum'}


def use_cython_groupby_kernels():
    """Make grouped sum/max/min behave as in pandas 2.x, which the legacy pipeline runs.

    pandas 3.1 added a fast path for sorted groups through `ufunc.reduceat`: `np.add.reduceat`
    sums without Kahan compensation and `np.maximum`/`np.minimum` let a tie (-0.0 vs 0.0) take
    the later value. pandas 2.x always used the Cython kernels (Kahan `group_sum`, ties keep
    the earlier value). Turning the fast path off restores those kernels.
    """
    try:
        from pandas.core.groupby import ops
    except ImportError:
        return
    fast = getattr(ops, '_REDUCEAT_UFUNCS', None)
    if isinstance(fast, dict):
        fast.clear()


def resample(df, rule, closed, label, origin):
    with warnings.catch_warnings():
        # pandas warns that `origin` has no effect on calendar rules; that is the point.
        warnings.simplefilter('ignore')
        r = df.resample(rule, closed=closed, label=label, origin=origin)
        return r.agg(AGG), r.size()


def self_check():
    """Fail loudly if this pandas does not aggregate like pandas 2.x's Cython kernels."""
    ts = np.arange(5, dtype='i8') * 60_000
    df = pd.DataFrame({
        'open': [1.0, 2.0, 3.0, 4.0, 5.0],
        'high': [-0.0, 0.0, 0.0, 0.0, 0.0],
        'low': [-0.0, 0.0, 0.0, 0.0, 0.0],
        'close': [1.0, np.nan, 3.0, np.nan, np.nan],
        'volume': [1.0, 1e-16, 1e-16, 1e-16, 1e-16],
    }, index=pd.to_datetime(ts, unit='ms'))
    out, _ = resample(df, '5min', 'left', 'left', 'epoch')
    row = out.iloc[0]
    # Kahan: the four 1e-16 survive (a plain sum gives exactly 1.0).
    assert row['volume'] == 1.0000000000000004, row['volume']
    # Ties keep the earlier value: -0.0.
    assert np.signbit(row['high']) and np.signbit(row['low']), (row['high'], row['low'])
    # first/last skip NaN.
    assert row['open'] == 1.0 and row['close'] == 3.0, row


def origin_arg(origin):
    if origin == 'epoch':
        return 'epoch'
    return pd.Timestamp('1970-01-01 ' + origin)


def main():
    directory = sys.argv[1]
    use_cython_groupby_kernels()
    self_check()
    frames = {}
    with open(os.path.join(directory, 'manifest.tsv')) as f:
        lines = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    for case, dataset, rule, closed, label, origin, mode in lines:
        if dataset not in frames:
            rec = np.fromfile(os.path.join(directory, dataset), dtype=DTYPE)
            index = pd.to_datetime(rec['ts'].astype('i8'), unit='ms')
            frames[dataset] = pd.DataFrame(rec['ohlcv'], columns=COLUMNS, index=index)
        out, size = resample(frames[dataset], rule, closed, label, origin_arg(origin))
        if mode == 'pipeline':
            out = out[out['volume'] > 0].round(8)
        elif mode == 'plain':
            out = out[size.reindex(out.index) > 0]
        else:
            raise ValueError(f'unknown mode {mode!r}')
        res = np.zeros(len(out), dtype=DTYPE)
        labels = out.index.as_unit('ms').asi8
        if len(labels) and labels.min() < 0:
            raise ValueError(f'{case}: label before 1970')
        res['ts'] = labels.astype('u8')
        res['ohlcv'] = out[COLUMNS].to_numpy(dtype='f8')
        res.tofile(os.path.join(directory, case + '.bin'))


if __name__ == '__main__':
    main()
