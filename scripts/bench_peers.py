#!/usr/bin/env python3
"""Peer comparison: the pipeline's resample cascade on the standard workload, files to files,
run by ohlcv and by pandas (binary and CSV paths, as the pipeline), Polars and DuckDB, in one run
on the same machine. Prints a Markdown table and, with --write FILE, replaces the section between
`<!-- peers:begin -->` and `<!-- peers:end -->` in FILE with it.

usage: python3 scripts/bench_peers.py [--symbols 42] [--years 1] [--work DIR] [--repeat 3]
                                      [--write BENCHMARKS.md] [--skip NAME ...]

Needs: a release build (`cargo build --release`), numpy, pandas, polars, duckdb.
Each peer runs the same 9-step cascade (5m<-1m, 15m<-5m, 30m<-15m, 1h<-30m, 4h<-1h, 1d<-4h,
1W<-1d, 1M<-1d, 1Y<-1M), reads its source files and writes one output file per step. pandas runs
one process per symbol over all cores, as the pipeline does; Polars and DuckDB parallelise
internally. Timings are wall clock, warm page cache, best of --repeat runs.
"""
import argparse, glob, mmap, multiprocessing as mp, os, platform, shutil, subprocess, sys, time
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE = os.path.join(ROOT, 'target', 'release', 'ohlcv')
DTYPE = np.dtype([('ts', '<u8'), ('ohlcv', '<f8', (5,)), ('padding', '<u8', (2,))])
CASCADE = [("5m", "1m", "5min"), ("15m", "5m", "15min"), ("30m", "15m", "30min"),
           ("1h", "30m", "1h"), ("4h", "1h", "4h"), ("1d", "4h", "1D"),
           ("1W", "1d", "W-MON"), ("1M", "1d", "MS"), ("1Y", "1M", "YS")]
COLS = ['open', 'high', 'low', 'close', 'volume']


def src_path(d, tf, sym, ext):
    if tf == '1m':
        return os.path.join(d, 'aggregate', '1m', sym + ext)
    return os.path.join(d, 'resample', tf, sym + ext)


def symbols(d, ext):
    return sorted(os.path.basename(p)[:-len(ext)]
                  for p in glob.glob(os.path.join(d, 'aggregate', '1m', '*' + ext)))


def write_bin(path, ts_ms, values):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = np.zeros(len(ts_ms), dtype=DTYPE)
    buf['ts'] = ts_ms
    buf['ohlcv'] = values
    with open(path, 'wb') as f:
        f.write(buf.tobytes())


def read_bin(path):
    size = os.path.getsize(path)
    if size == 0:
        return np.zeros(0, DTYPE)
    with open(path, 'rb') as f:
        return np.frombuffer(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), dtype=DTYPE)


# ---------------------------------------------------------------------------- pandas (pipeline)

def pandas2_kernels():
    """The pipeline ran pandas 2.x, whose grouped sums are Kahan-compensated; pandas 3.1 sums
    sorted groups with np.add.reduceat. Switch that fast path off so results match the pipeline."""
    try:
        from pandas.core.groupby import ops
        if isinstance(getattr(ops, '_REDUCEAT_UFUNCS', None), dict):
            ops._REDUCEAT_UFUNCS.clear()
    except ImportError:
        pass


def pandas_symbol(args):
    import pandas as pd
    pandas2_kernels()
    d, sym, mode = args
    ext = '.bin' if mode == 'bin' else '.csv'
    for name, src, rule in CASCADE:
        path = src_path(d, src, sym, ext)
        if mode == 'bin':
            rec = read_bin(path)
            df = pd.DataFrame(rec['ohlcv'], columns=COLS, index=pd.to_datetime(rec['ts'], unit='ms'))
        else:
            df = pd.read_csv(path, parse_dates=['time'], index_col='time',
                             date_format='%Y-%m-%d %H:%M:%S')
        extra = {'origin': 'epoch'} if rule[-1] in 'nh' else {}
        r = df.resample(rule, label='left', closed='left', **extra).agg(
            {'open': 'first', 'high': 'max', 'low': 'min', 'close': 'last', 'volume': 'sum'})
        r = r[r['volume'] > 0].round(8)
        out = src_path(d, name, sym, ext)
        if mode == 'bin':
            write_bin(out, r.index.values.astype('datetime64[ms]').astype('uint64'), r[COLS].values)
        else:
            os.makedirs(os.path.dirname(out), exist_ok=True)
            r.index = r.index.strftime('%Y-%m-%d %H:%M:%S')
            r.index.name = 'time'
            r.to_csv(out)


def run_pandas(d, mode):
    ext = '.bin' if mode == 'bin' else '.csv'
    with mp.get_context('fork').Pool(os.cpu_count()) as pool:
        list(pool.imap_unordered(pandas_symbol, [(d, s, mode) for s in symbols(d, ext)]))


# ---------------------------------------------------------------------------- Polars

def run_polars(d):
    import polars as pl
    every = {'5min': '5m', '15min': '15m', '30min': '30m', '1h': '1h', '4h': '4h', '1D': '1d',
             'W-MON': '1w', 'MS': '1mo', 'YS': '1y'}
    for sym in symbols(d, '.bin'):
        for name, src, rule in CASCADE:
            rec = read_bin(src_path(d, src, sym, '.bin'))
            df = pl.DataFrame({'time': rec['ts'].astype('int64'), 'open': rec['ohlcv'][:, 0],
                               'high': rec['ohlcv'][:, 1], 'low': rec['ohlcv'][:, 2],
                               'close': rec['ohlcv'][:, 3], 'volume': rec['ohlcv'][:, 4]})
            df = df.with_columns(pl.col('time').cast(pl.Datetime('ms')))
            r = (df.group_by_dynamic('time', every=every[rule], closed='left', label='left',
                                     start_by='window')
                 .agg(pl.col('open').first(), pl.col('high').max(), pl.col('low').min(),
                      pl.col('close').last(), pl.col('volume').sum())
                 .filter(pl.col('volume') > 0)
                 .with_columns([pl.col(c).round(8) for c in COLS]))
            write_bin(src_path(d, name, sym, '.bin'),
                      r['time'].cast(pl.Int64).to_numpy().astype('uint64'),
                      r.select(COLS).to_numpy())


# ---------------------------------------------------------------------------- DuckDB

def run_duckdb(d):
    import duckdb
    con = duckdb.connect()
    width = {'5min': "INTERVAL 5 MINUTE", '15min': "INTERVAL 15 MINUTE",
             '30min': "INTERVAL 30 MINUTE", '1h': "INTERVAL 1 HOUR", '4h': "INTERVAL 4 HOUR",
             '1D': "INTERVAL 1 DAY", 'W-MON': "INTERVAL 7 DAY", 'MS': "INTERVAL 1 MONTH",
             'YS': "INTERVAL 1 YEAR"}
    for sym in symbols(d, '.bin'):
        for name, src, rule in CASCADE:
            rec = read_bin(src_path(d, src, sym, '.bin'))
            t = {'ts': rec['ts'].astype('int64'), 'o': rec['ohlcv'][:, 0], 'h': rec['ohlcv'][:, 1],
                 'l': rec['ohlcv'][:, 2], 'c': rec['ohlcv'][:, 3], 'v': rec['ohlcv'][:, 4]}
            origin = "TIMESTAMP '2000-01-03'" if rule == 'W-MON' else "TIMESTAMP '1970-01-01'"
            con.register('bars', t)
            r = con.execute(f"""
                SELECT epoch_ms(time_bucket({width[rule]}, epoch_ms(ts), {origin})) AS b,
                       arg_min(o, ts), max(h), min(l), arg_max(c, ts), sum(v) AS vol
                FROM bars GROUP BY b HAVING vol > 0 ORDER BY b""").fetchnumpy()
            con.unregister('bars')
            vals = np.round(np.stack([r[k] for k in list(r)[1:]], axis=1).astype('f8'), 8)
            write_bin(src_path(d, name, sym, '.bin'), r['b'].astype('uint64'), vals)


# ---------------------------------------------------------------------------- driver

def ours(d, mode, durability):
    subprocess.run([EXE, 'resample', d, '--mode', mode, '--durability', durability, '--quiet'],
                   check=True)


def warm(d):
    for p in glob.glob(os.path.join(d, '**', '*.*'), recursive=True):
        with open(p, 'rb') as f:
            while f.read(1 << 24):
                pass


def timed(d, fn, repeat, keep_outputs=False):
    best = float('inf')
    for _ in range(repeat):
        if keep_outputs:
            for idx in glob.glob(os.path.join(d, 'resample', '*', 'index')):
                shutil.rmtree(idx)
        else:
            shutil.rmtree(os.path.join(d, 'resample'), ignore_errors=True)
        warm(d)
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def same_files(a, b, ext):
    n = same = 0
    for p in glob.glob(os.path.join(a, 'resample', '*', '*' + ext)):
        q = os.path.join(b, os.path.relpath(p, a))
        n += 1
        with open(p, 'rb') as f, open(q, 'rb') as g:
            same += f.read() == g.read()
    return same, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--symbols', type=int, default=42)
    ap.add_argument('--years', type=float, default=1.0)
    ap.add_argument('--work', default=os.path.join(ROOT, 'target', 'bench-peers'))
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--write')
    ap.add_argument('--skip', nargs='*', default=[])
    a = ap.parse_args()
    if not os.path.exists(EXE):
        sys.exit('build first: cargo build --release')
    bin_dir, csv_dir = os.path.join(a.work, 'bin'), os.path.join(a.work, 'csv')
    for d, mode in [(bin_dir, 'bin'), (csv_dir, 'csv')]:
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([EXE, 'generate', d, '--symbols', str(a.symbols), '--years', str(a.years),
                        '--mode', mode], check=True)
    n_bars = sum(os.path.getsize(p) for p in glob.glob(os.path.join(bin_dir, 'aggregate', '1m', '*.bin'))) // 64

    runs = [
        ('ohlcv, binary', bin_dir, lambda: ours(bin_dir, 'bin', 'process')),
        ('ohlcv, binary, output files already there', bin_dir,
         lambda: ours(bin_dir, 'bin', 'process')),
        ('ohlcv, binary, fdatasync every commit', bin_dir, lambda: ours(bin_dir, 'bin', 'full')),
        ('ohlcv, CSV', csv_dir, lambda: ours(csv_dir, 'csv', 'process')),
        ('pandas, binary (pipeline)', bin_dir, lambda: run_pandas(bin_dir, 'bin')),
        ('pandas, CSV (pipeline, legacy)', csv_dir, lambda: run_pandas(csv_dir, 'csv')),
        ('Polars', bin_dir, lambda: run_polars(bin_dir)),
        ('DuckDB', bin_dir, lambda: run_duckdb(bin_dir)),
    ]
    results = []
    for name, d, fn in runs:
        if any(s.lower() in name.lower() for s in a.skip):
            continue
        slow = name.startswith(('pandas', 'Polars', 'DuckDB'))
        secs = timed(d, fn, 1 if slow else a.repeat, keep_outputs='already there' in name)
        results.append((name, secs))
        print(f'{name:42s} {secs:8.3f} s  {n_bars / secs / 1e6:8.1f} M bars/s', flush=True)

    # Exactness: keep one pandas binary result and one of ours, compare file by file.
    check = {}
    for label, fn in [('ours', lambda: ours(bin_dir, 'bin', 'process')),
                      ('pandas', lambda: run_pandas(bin_dir, 'bin'))]:
        shutil.rmtree(os.path.join(bin_dir, 'resample'), ignore_errors=True)
        fn()
        dst = os.path.join(a.work, 'check-' + label)
        shutil.rmtree(dst, ignore_errors=True)
        shutil.copytree(os.path.join(bin_dir, 'resample'), os.path.join(dst, 'resample'),
                        ignore=shutil.ignore_patterns('index'))
        check[label] = dst
    same, total = same_files(check['ours'], check['pandas'], '.bin')

    ours_secs = results[0][1]
    lines = [
        f'Workload: {a.symbols} symbols x {a.years:g} year of FX-like 1m bars '
        f'({n_bars:,} bars, {n_bars * 64 / 2**20:.0f} MiB binary), the pipeline\'s 9-step cascade, '
        f'files to files, warm page cache. Machine: {platform.machine()}, {os.cpu_count()} CPUs, '
        f'{platform.system()} {platform.release()}; Python {platform.python_version()}.',
        '',
        f'Byte-identical output files, ohlcv vs pandas (binary): {same}/{total}.',
        '',
        '| run | time (s) | M 1m bars/s | time / ohlcv binary |',
        '|---|---:|---:|---:|',
    ]
    for name, secs in results:
        lines.append(f'| {name} | {secs:.3f} | {n_bars / secs / 1e6:.1f} | {secs / ours_secs:.1f}x |')
    table = '\n'.join(lines)
    print('\n' + table)
    if a.write:
        text = open(a.write).read()
        b, e = '<!-- peers:begin -->', '<!-- peers:end -->'
        if b in text and e in text:
            text = text[:text.index(b) + len(b)] + '\n' + table + '\n' + text[text.index(e):]
        else:
            text += f'\n{b}\n{table}\n{e}\n'
        open(a.write, 'w').write(text)


if __name__ == '__main__':
    main()
