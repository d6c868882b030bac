#!/usr/bin/env python3
"""Reference outputs from Python, NumPy and pandas for the CSV tests and benchmark.

Usage:
  csv_oracle.py repr BITS OUT        BITS: little-endian u64 bit patterns of doubles; OUT gets,
                                     per double, "repr<TAB>numpy-str" on one line
  csv_oracle.py to_csv BIN OUT [crlf] BIN: 64-byte bar records; OUT: the pipeline's to_csv
  csv_oracle.py read_csv CSV OUT     the pipeline's read_csv of CSV, saved as 64-byte records
  csv_oracle.py bench CSV            times pandas read_csv and to_csv on CSV (rows/s)
"""
import sys
import time

import numpy as np

DTYPE = np.dtype([('ts', '<u8'), ('ohlcv', '<f8', (5,)), ('padding', '<u8', (2,))])
COLS = ['open', 'high', 'low', 'close', 'volume']


def frame(rec):
    import pandas as pd
    # Millisecond resolution keeps every year up to 9999 representable.
    idx = pd.DatetimeIndex(rec['ts'].astype('int64').astype('datetime64[ms]'))
    df = pd.DataFrame(rec['ohlcv'], columns=COLS, index=idx)
    # The pipeline's writer: strftime index named 'time', then to_csv.
    df.index = df.index.strftime('%Y-%m-%d %H:%M:%S')
    df.index.name = 'time'
    return df


def read_pipeline(path):
    import pandas as pd
    # The pipeline's reader (default 'high' float converter).
    return pd.read_csv(path, parse_dates=['time'], index_col='time',
                       date_format='%Y-%m-%d %H:%M:%S', sep=',')


def main():
    cmd = sys.argv[1]
    if cmd == 'repr':
        v = np.fromfile(sys.argv[2], dtype='<u8').view('<f8')
        np_str = v.astype(str)
        with open(sys.argv[3], 'w', newline='') as f:
            f.write(''.join(f'{repr(float(x))}\t{s}\n' for x, s in zip(v, np_str)))
    elif cmd == 'to_csv':
        rec = np.fromfile(sys.argv[2], dtype=DTYPE)
        term = '\r\n' if len(sys.argv) > 4 and sys.argv[4] == 'crlf' else '\n'
        frame(rec).to_csv(sys.argv[3], lineterminator=term)
    elif cmd == 'read_csv':
        df = read_pipeline(sys.argv[2])
        rec = np.zeros(len(df), DTYPE)
        rec['ts'] = df.index.values.astype('datetime64[ms]').astype('int64').astype('uint64')
        rec['ohlcv'] = df[COLS].to_numpy(dtype='<f8')
        rec.tofile(sys.argv[3])
    elif cmd == 'bench':
        # Best of 3, by wall-clock and by this process's CPU time (robust to a busy machine).
        path = sys.argv[2]
        out = path + '.pandas.csv'

        def best(fn):
            wall = cpu = float('inf')
            for _ in range(3):
                w, c = time.perf_counter(), time.process_time()
                result = fn()
                wall = min(wall, time.perf_counter() - w)
                cpu = min(cpu, time.process_time() - c)
            return result, wall, cpu

        def write():
            d = df.copy()
            d.index = d.index.strftime('%Y-%m-%d %H:%M:%S')
            d.index.name = 'time'
            d.to_csv(out)

        df, rw, rc = best(lambda: read_pipeline(path))
        _, ww, wc = best(write)
        n = len(df)
        for name, w, c in (('read_csv', rw, rc), ('to_csv (with strftime)', ww, wc)):
            print(f'pandas {name}: {n} rows, {w:.3f} s wall = {n / w / 1e6:.3f} M rows/s, '
                  f'{c:.3f} s CPU = {n / c / 1e6:.3f} M rows/s per CPU-second')
    else:
        sys.exit(f'unknown command {cmd!r}')


if __name__ == '__main__':
    main()
