"""Times TA-Lib on the indicator benchmark's series, for a side-by-side ns/bar table.

Usage: python3 benches/talib_bench.py DIR [REPEATS]

DIR holds the benchmark's 10M-bar series as raw little-endian float64 columns (high.f64,
low.f64, close.f64, volume.f64), written by `cargo bench --bench indicators`, which runs this
script itself when python3 and talib are available. Prints one line per indicator:
`talib NAME NS_PER_BAR` (best of REPEATS calls, output allocation included as TA-Lib's Python
API allocates it), and the same for four series one after the other (`talib4`).
"""

import os
import sys
import time

import numpy as np
import talib


def main():
    root = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    col = {f: np.fromfile(os.path.join(root, f + ".f64"), dtype="<f8") for f in ("high", "low", "close", "volume")}
    h, l, c, v = col["high"], col["low"], col["close"], col["volume"]
    n = len(c)
    cases = [
        ("SMA(20)", lambda: talib.SMA(c, 20)),
        ("EMA(20)", lambda: talib.EMA(c, 20)),
        ("WMA(20)", lambda: talib.WMA(c, 20)),
        ("DEMA(20)", lambda: talib.DEMA(c, 20)),
        ("TEMA(20)", lambda: talib.TEMA(c, 20)),
        ("RSI(14)", lambda: talib.RSI(c, 14)),
        ("MACD(12,26,9)", lambda: talib.MACD(c, 12, 26, 9)),
        ("BBANDS(20,2,2)", lambda: talib.BBANDS(c, 20, 2.0, 2.0, 0)),
        ("STDDEV(20)", lambda: talib.STDDEV(c, 20, 1.0)),
        ("TRANGE", lambda: talib.TRANGE(h, l, c)),
        ("ATR(14)", lambda: talib.ATR(h, l, c, 14)),
        ("STOCH(5,3,3)", lambda: talib.STOCH(h, l, c, 5, 3, 0, 3, 0)),
        ("WILLR(14)", lambda: talib.WILLR(h, l, c, 14)),
        ("CCI(20)", lambda: talib.CCI(h, l, c, 20)),
        ("ADX(14)+DI", lambda: (talib.ADX(h, l, c, 14), talib.PLUS_DI(h, l, c, 14), talib.MINUS_DI(h, l, c, 14))),
        ("MFI(14)", lambda: talib.MFI(h, l, c, v, 14)),
        ("OBV", lambda: talib.OBV(c, v)),
        ("ROC(10)", lambda: talib.ROC(c, 10)),
        ("MOM(10)", lambda: talib.MOM(c, 10)),
        ("MAX(20)", lambda: talib.MAX(c, 20)),
        ("DONCHIAN(20)", lambda: (talib.MAX(h, 20), talib.MIN(l, 20), talib.MIDPRICE(h, l, 20))),
    ]
    only = set(os.environ.get("TALIB_BENCH_ONLY", "").split(",")) - {""}
    for name, f in cases:
        if only and name not in only:
            continue
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            f()
            best = min(best, time.perf_counter() - t0)
        print(f"talib {name} {best / n * 1e9:.3f}", flush=True)


if __name__ == "__main__":
    main()
