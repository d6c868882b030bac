"""Reference outputs for tests/indicators_talib.rs: TA-Lib, and the legacy pipeline's pandas
formulas.

Usage: python3 indicator_ref.py DIR

DIR holds the input columns as raw little-endian arrays, DATASET.FIELD.f64 (FIELD is open,
high, low, close or volume) and DATASET.ts.u64, and a file jobs.txt with one job per line:

    OUT FUNC DATASET [ARG ...]

Single-input functions read the close column. Every output array of a job is written to
DIR/OUT.K.f64 (K = 0, 1, ... in the order TA-Lib returns them), as little-endian float64.
"""

import os
import sys

import numpy as np


def main():
    import pandas as pd
    import talib

    root = sys.argv[1]
    cache = {}

    def col(ds, field):
        key = (ds, field)
        if key not in cache:
            dtype = "<u8" if field == "ts" else "<f8"
            ext = "u64" if field == "ts" else "f64"
            cache[key] = np.fromfile(os.path.join(root, f"{ds}.{field}.{ext}"), dtype=dtype)
        return cache[key]

    def ohlcv(ds):
        return [col(ds, f) for f in ("high", "low", "close", "volume")]

    def pd_ewm_span(x, span):
        return pd.Series(x).ewm(span=span, adjust=False).mean()

    def pandas_rsi(c, p):
        d = pd.Series(c).diff()
        gain = d.where(d > 0, 0)
        loss = -d.where(d < 0, 0)
        ag = gain.ewm(com=p - 1, adjust=False).mean()
        al = loss.ewm(com=p - 1, adjust=False).mean()
        rs = ag / al.replace(0, np.nan)
        return (100 - (100 / (1 + rs))).fillna(100)

    def pandas_atr(h, l, c, p):
        h, l, c = pd.Series(h), pd.Series(l), pd.Series(c)
        pc = c.shift()
        tr = pd.concat([h - l, (h - pc).abs(), (l - pc).abs()], axis=1).max(axis=1)
        return tr.ewm(com=p - 1, adjust=False).mean()

    def pandas_macd(c, f, s, sig):
        macd = pd_ewm_span(c, f) - pd_ewm_span(c, s)
        signal = macd.ewm(span=sig, adjust=False).mean()
        return macd, signal, macd - signal

    def pandas_vwap(ts, h, l, c, v):
        day = ts // np.uint64(86_400_000)
        tp = (pd.Series(h) + pd.Series(l) + pd.Series(c)) / 3
        df = pd.DataFrame({"day": day, "pv": tp * pd.Series(v), "v": v})
        g = df.groupby("day", sort=False)
        return g["pv"].cumsum() / g["v"].cumsum()

    def run(func, ds, a):
        h, l, c, v = ohlcv(ds)
        i = [int(float(x)) for x in a]
        f = [float(x) for x in a]
        table = {
            "SMA": lambda: talib.SMA(c, i[0]),
            "EMA": lambda: talib.EMA(c, i[0]),
            "WMA": lambda: talib.WMA(c, i[0]),
            "DEMA": lambda: talib.DEMA(c, i[0]),
            "TEMA": lambda: talib.TEMA(c, i[0]),
            "RSI": lambda: talib.RSI(c, i[0]),
            "MOM": lambda: talib.MOM(c, i[0]),
            "ROC": lambda: talib.ROC(c, i[0]),
            "MAX": lambda: talib.MAX(c, i[0]),
            "MIN": lambda: talib.MIN(c, i[0]),
            "MAXH": lambda: talib.MAX(h, i[0]),
            "MINL": lambda: talib.MIN(l, i[0]),
            "MIDPRICE": lambda: talib.MIDPRICE(h, l, i[0]),
            "STDDEV": lambda: talib.STDDEV(c, int(f[0]), f[1]),
            "BBANDS": lambda: talib.BBANDS(c, int(f[0]), f[1], f[2], 0),
            "MACD": lambda: talib.MACD(c, i[0], i[1], i[2]),
            "TRANGE": lambda: talib.TRANGE(h, l, c),
            "ATR": lambda: talib.ATR(h, l, c, i[0]),
            "STOCH": lambda: talib.STOCH(h, l, c, i[0], i[1], 0, i[2], 0),
            "WILLR": lambda: talib.WILLR(h, l, c, i[0]),
            "CCI": lambda: talib.CCI(h, l, c, i[0]),
            "ADX": lambda: talib.ADX(h, l, c, i[0]),
            "PLUS_DI": lambda: talib.PLUS_DI(h, l, c, i[0]),
            "MINUS_DI": lambda: talib.MINUS_DI(h, l, c, i[0]),
            "MFI": lambda: talib.MFI(h, l, c, v, i[0]),
            "OBV": lambda: talib.OBV(c, v),
            "PD_EMA": lambda: pd_ewm_span(c, i[0]),
            "PD_RSI": lambda: pandas_rsi(c, i[0]),
            "PD_ATR": lambda: pandas_atr(h, l, c, i[0]),
            "PD_MACD": lambda: pandas_macd(c, i[0], i[1], i[2]),
            "PD_VWAP": lambda: pandas_vwap(col(ds, "ts"), h, l, c, v),
        }
        out = table[func]()
        return out if isinstance(out, tuple) else (out,)

    with open(os.path.join(root, "jobs.txt")) as jobs:
        for line in jobs:
            parts = line.split()
            if not parts:
                continue
            name, func, ds, args = parts[0], parts[1], parts[2], parts[3:]
            for k, arr in enumerate(run(func, ds, args)):
                np.asarray(arr, dtype="<f8").tofile(os.path.join(root, f"{name}.{k}.f64"))


if __name__ == "__main__":
    main()
