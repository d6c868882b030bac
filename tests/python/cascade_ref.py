"""The pipeline's resample cascade in pandas: the reference our engine must equal, byte for byte.

usage: cascade_ref.py DATA_DIR OUT_DIR MODE   (MODE: bin or csv)

Reads DATA_DIR/aggregate/1m/*.{bin,csv}, runs 5m<-1m ... 1Y<-1M exactly as the pipeline does
(resample label/closed left, origin epoch, first/max/min/last/sum, volume > 0, round(8)), one
batch per file, and writes OUT_DIR/resample/{tf}/SYM.{bin,csv} the way the pipeline's writers do.
pandas 3 spells the pipeline's 5T/1H/AS as 5min/1h/YS.
"""
import os, sys, glob
import numpy as np
import pandas as pd

DTYPE = np.dtype([('ts', '<u8'), ('ohlcv', '<f8', (5,)), ('padding', '<u8', (2,))])
CASCADE = [("5m", "1m", "5min"), ("15m", "5m", "15min"), ("30m", "15m", "30min"),
           ("1h", "30m", "1h"), ("4h", "1h", "4h"), ("1d", "4h", "1D"),
           ("1W", "1d", "W-MON"), ("1M", "1d", "MS"), ("1Y", "1M", "YS")]
COLS = ['open', 'high', 'low', 'close', 'volume']


def read(path, mode):
    if mode == 'bin':
        rec = np.fromfile(path, dtype=DTYPE)
        df = pd.DataFrame(rec['ohlcv'], columns=COLS, index=pd.to_datetime(rec['ts'], unit='ms'))
    else:
        df = pd.read_csv(path, parse_dates=['time'], index_col='time',
                         date_format='%Y-%m-%d %H:%M:%S')
        df.index = pd.to_datetime(df.index, format='%Y-%m-%d %H:%M:%S')  # also when empty
    df.index.name = 'time'
    return df


def write(df, path, mode):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if mode == 'bin':
        buf = np.zeros(len(df), dtype=DTYPE)
        buf['ts'] = df.index.values.astype('datetime64[ms]').astype('uint64')
        buf['ohlcv'] = df[COLS].values
        with open(path, 'wb') as f:
            f.write(buf.tobytes())
    else:
        out = df.copy()
        out.index = out.index.strftime('%Y-%m-%d %H:%M:%S')
        out.index.name = 'time'
        out.to_csv(path)


def use_pandas2_groupby_kernels():
    """pandas 3.1 sums sorted groups with np.add.reduceat (no Kahan compensation); the pipeline's
    pandas 2.x always used the Kahan group_sum. Switch the fast path off, and check it worked."""
    try:
        from pandas.core.groupby import ops
        fast = getattr(ops, '_REDUCEAT_UFUNCS', None)
        if isinstance(fast, dict):
            fast.clear()
    except ImportError:
        pass
    idx = pd.date_range('2024-01-01', periods=10, freq='s')
    s = pd.DataFrame({'v': [0.1] * 10}, index=idx).resample('5min').sum()['v'].iloc[0]
    assert s == 1.0, f"pandas does not use the Kahan group sum here ({s!r})"


def resample(df, rule):
    if len(df) == 0:
        return df
    # origin only matters for fixed (Tick-like) rules; pandas warns if given for the others.
    extra = {'origin': 'epoch'} if rule[-1] in 'nh' else {}
    r = df.resample(rule, label='left', closed='left', **extra).agg(
        {'open': 'first', 'high': 'max', 'low': 'min', 'close': 'last', 'volume': 'sum'})
    r = r[r['volume'] > 0]
    return r.round(8)


def main():
    use_pandas2_groupby_kernels()
    data, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    ext = '.bin' if mode == 'bin' else '.csv'
    for path in sorted(glob.glob(os.path.join(data, 'aggregate', '1m', '*' + ext))):
        sym = os.path.basename(path)[:-len(ext)]
        frames = {'1m': read(path, mode)}
        for name, src, rule in CASCADE:
            frames[name] = resample(frames[src], rule)
            write(frames[name], os.path.join(out, 'resample', name, sym + ext), mode)


if __name__ == '__main__':
    main()
