"""The indicators from Python: every function against TA-Lib (and the pandas formulas of the
``pandas`` convention) on random walks, every input form, the many-series functions, the
streaming states (= batch, peek, reset, bytes / copy / pickle round trips), and the errors.

The TA-Lib comparisons need ``talib``; without it they are skipped, unless ``CI`` is set."""

import copy
import ctypes
import os
import pickle

import numpy as np
import pandas as pd
import pytest

import ohlcv
from ohlcv import _lib
from ohlcv import indicators as ind

from conftest import make_bars

try:
    import talib
except ImportError:  # pragma: no cover - depends on the environment
    talib = None


@pytest.fixture
def ta():
    if talib is None:
        if os.environ.get("CI"):
            pytest.fail("talib is not installed")
        pytest.skip("talib is not installed")
    return talib


def walk(n, seed, level=100.0, vol=0.01):
    """High, low, close, volume and ts of a random walk with flat stretches (some without
    volume) and minute timestamps that cross UTC days."""
    rng = np.random.default_rng(seed)
    close = level * np.exp(np.cumsum(rng.normal(0, vol, n)))
    for start in rng.integers(20, n - 30, 4):
        close[start : start + rng.integers(3, 25)] = close[start]
    prev = np.concatenate([[close[0]], close[:-1]])
    high = np.maximum(prev, close) * (1 + np.abs(rng.normal(0, vol / 3, n)))
    low = np.minimum(prev, close) * (1 - np.abs(rng.normal(0, vol / 3, n)))
    flat = np.concatenate([[False], close[1:] == close[:-1]])
    high[flat], low[flat] = close[flat], close[flat]
    volume = np.round(rng.uniform(1, 1000, n))
    volume[flat & (rng.uniform(size=n) < 0.5)] = 0.0
    ts = (1_704_150_000_000 + 60_000 * np.cumsum(rng.integers(1, 40, n))).astype(np.uint64)
    return high, low, close, volume, ts


def assert_matches(got, want, what):
    """Same NaN positions and values within 1e-10 relative / 1e-12 absolute."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.dtype == np.float64 and got.shape == want.shape, what
    nan_g, nan_w = np.isnan(got), np.isnan(want)
    first = np.argmax(nan_g != nan_w)
    assert np.array_equal(nan_g, nan_w), f"{what}: NaN positions differ at {first}"
    ok = ~nan_w
    close = np.abs(got[ok] - want[ok]) <= 1e-12 + 1e-10 * np.abs(want[ok])
    assert close.all(), f"{what}: {got[ok][~close][:3]} vs {want[ok][~close][:3]}"


def bits(a):
    """The values' bits, NaN normalised."""
    a = np.where(np.isnan(a), np.nan, np.asarray(a, dtype=np.float64))
    return a.view(np.uint64)


# Each case: (name, our call, TA-Lib call) on (h, l, c, v, ts). Every output is compared.
CASES = [
    ("sma", lambda h, l, c, v, t: ohlcv.sma(c, 20), lambda h, l, c, v, t: talib.SMA(c, 20)),
    ("sma1", lambda h, l, c, v, t: ohlcv.sma(c, 1), lambda h, l, c, v, t: talib.SMA(c, 1)),
    ("ema", lambda h, l, c, v, t: ohlcv.ema(c, 12), lambda h, l, c, v, t: talib.EMA(c, 12)),
    ("wma", lambda h, l, c, v, t: ohlcv.wma(c, 9), lambda h, l, c, v, t: talib.WMA(c, 9)),
    ("dema", lambda h, l, c, v, t: ohlcv.dema(c, 10), lambda h, l, c, v, t: talib.DEMA(c, 10)),
    ("tema", lambda h, l, c, v, t: ohlcv.tema(c, 7), lambda h, l, c, v, t: talib.TEMA(c, 7)),
    ("rsi", lambda h, l, c, v, t: ohlcv.rsi(c, 14), lambda h, l, c, v, t: talib.RSI(c, 14)),
    (
        "macd",
        lambda h, l, c, v, t: ohlcv.macd(c, 12, 26, 9),
        lambda h, l, c, v, t: talib.MACD(c, 12, 26, 9),
    ),
    (
        "macd swapped",
        lambda h, l, c, v, t: ohlcv.macd(c, 30, 10, 5),
        lambda h, l, c, v, t: talib.MACD(c, 30, 10, 5),
    ),
    (
        "bbands",
        lambda h, l, c, v, t: ohlcv.bbands(c, 20, 2.0, 1.5),
        lambda h, l, c, v, t: talib.BBANDS(c, 20, 2.0, 1.5, 0),
    ),
    (
        "bbands equal",
        lambda h, l, c, v, t: ohlcv.bbands(c, 5),
        lambda h, l, c, v, t: talib.BBANDS(c, 5, 2.0, 2.0, 0),
    ),
    (
        "stddev",
        lambda h, l, c, v, t: ohlcv.stddev(c, 10, 1.5),
        lambda h, l, c, v, t: talib.STDDEV(c, 10, 1.5),
    ),
    (
        "trange",
        lambda h, l, c, v, t: ohlcv.trange(h, l, c),
        lambda h, l, c, v, t: talib.TRANGE(h, l, c),
    ),
    (
        "atr",
        lambda h, l, c, v, t: ohlcv.atr(h, l, c, 14),
        lambda h, l, c, v, t: talib.ATR(h, l, c, 14),
    ),
    (
        "stoch",
        lambda h, l, c, v, t: ohlcv.stoch(h, l, c, 14, 3, 3),
        lambda h, l, c, v, t: talib.STOCH(h, l, c, 14, 3, 0, 3, 0),
    ),
    (
        "willr",
        lambda h, l, c, v, t: ohlcv.willr(h, l, c, 14),
        lambda h, l, c, v, t: talib.WILLR(h, l, c, 14),
    ),
    (
        "cci",
        lambda h, l, c, v, t: ohlcv.cci(h, l, c, 20),
        lambda h, l, c, v, t: talib.CCI(h, l, c, 20),
    ),
    (
        "adx",
        lambda h, l, c, v, t: ohlcv.adx(h, l, c, 14),
        lambda h, l, c, v, t: (
            talib.ADX(h, l, c, 14),
            talib.PLUS_DI(h, l, c, 14),
            talib.MINUS_DI(h, l, c, 14),
        ),
    ),
    (
        "mfi",
        lambda h, l, c, v, t: ohlcv.mfi(h, l, c, v, 14),
        lambda h, l, c, v, t: talib.MFI(h, l, c, v, 14),
    ),
    ("obv", lambda h, l, c, v, t: ohlcv.obv(c, v), lambda h, l, c, v, t: talib.OBV(c, v)),
    ("roc", lambda h, l, c, v, t: ohlcv.roc(c, 10), lambda h, l, c, v, t: talib.ROC(c, 10)),
    ("mom", lambda h, l, c, v, t: ohlcv.mom(c, 10), lambda h, l, c, v, t: talib.MOM(c, 10)),
    ("max", lambda h, l, c, v, t: ohlcv.rolling_max(c, 30), lambda h, l, c, v, t: talib.MAX(c, 30)),
    ("min", lambda h, l, c, v, t: ohlcv.rolling_min(c, 30), lambda h, l, c, v, t: talib.MIN(c, 30)),
    (
        "donchian",
        lambda h, l, c, v, t: ohlcv.donchian(h, l, 20),
        lambda h, l, c, v, t: (talib.MAX(h, 20), talib.MIDPRICE(h, l, 20), talib.MIN(l, 20)),
    ),
]


def outputs(r):
    return list(r) if isinstance(r, tuple) else [r]


@pytest.mark.parametrize("seed,n,level", [(1, 2000, 100.0), (2, 500, 1.1), (3, 3000, 25000.0)])
def test_every_indicator_matches_talib(ta, seed, n, level):
    h, l, c, v, t = walk(n, seed, level)
    for name, ours, theirs in CASES:
        got, want = outputs(ours(h, l, c, v, t)), outputs(theirs(h, l, c, v, t))
        assert len(got) == len(want), name
        for k, (g, w) in enumerate(zip(got, want)):
            assert_matches(g, w, f"{name} output {k}")
            # The library promises more: the same bits as TA-Lib.
            assert np.array_equal(bits(g), bits(w)), f"{name} output {k} is not bit-identical"


def pandas_ewm(x, **kw):
    return pd.Series(x).ewm(adjust=False, **kw).mean().to_numpy()


def test_pandas_convention_matches_the_pipeline_formulas():
    h, l, c, v, t = walk(1500, 4)
    assert_matches(ohlcv.ema(c, 20, convention="pandas"), pandas_ewm(c, span=20), "ema")
    d = pd.Series(c).diff()
    gain = d.where(d > 0, 0).ewm(com=13, adjust=False).mean()
    loss = (-d.where(d < 0, 0)).ewm(com=13, adjust=False).mean()
    want = (100 - 100 / (1 + gain / loss.replace(0, np.nan))).fillna(100).to_numpy()
    assert_matches(ohlcv.rsi(c, 14, ohlcv.Convention.PANDAS), want, "rsi")
    pc = pd.Series(c).shift()
    tr = pd.concat(
        [pd.Series(h - l), (pd.Series(h) - pc).abs(), (pd.Series(l) - pc).abs()], axis=1
    ).max(axis=1)
    assert_matches(ohlcv.atr(h, l, c, 14, "PANDAS"), tr.ewm(com=13, adjust=False).mean(), "atr")
    line = pandas_ewm(c, span=12) - pandas_ewm(c, span=26)
    sig = pandas_ewm(line, span=9)
    got = ohlcv.macd(c, 12, 26, 9, convention="pandas")
    for g, w, k in zip(got, (line, sig, line - sig), "msh"):
        assert_matches(g, w, f"macd {k}")
    day = t // np.uint64(86_400_000)
    df = pd.DataFrame({"day": day, "pv": (h + l + c) / 3 * v, "v": v})
    g = df.groupby("day", sort=False)
    assert_matches(ohlcv.vwap(t, h, l, c, v), g["pv"].cumsum() / g["v"].cumsum(), "vwap")


def test_lookbacks_are_the_leading_nans():
    h, l, c, v, t = walk(400, 5)
    assert ohlcv.lookback("sma", 20) == 19
    assert ohlcv.lookback("ema", 20, convention="pandas") == 0
    assert ohlcv.lookback("macd") == 33 == np.isnan(ohlcv.macd(c).macd).sum()
    assert ohlcv.lookback("adx", 10) == (19, 10)
    assert ohlcv.lookback("stoch", 9, 3, 4) == 13 == np.isnan(ohlcv.stoch(h, l, c, 9, 3, 4).k).sum()
    assert ohlcv.lookback("rolling_max", 15) == 14 == np.isnan(ohlcv.rolling_max(c, 15)).sum()
    assert ohlcv.lookback("trange") == 1 and ohlcv.lookback("vwap") == 0
    assert ohlcv.lookback("bbands", period=8) == 7
    with pytest.raises(ValueError, match="unknown indicator"):
        ohlcv.lookback("zigzag")
    with pytest.raises(ohlcv.OhlcvError, match="period = 1 is outside 2..=100000"):
        ohlcv.lookback("rsi", 1)


def test_input_forms_give_the_same_numbers():
    bars = make_bars(800, seed=3)
    o = bars["ohlcv"]
    h, l, c, v = (np.ascontiguousarray(o[:, k]) for k in (1, 2, 3, 4))
    df = ohlcv.to_dataframe(bars)
    want = ohlcv.sma(c, 10)
    for form in [bars, df, df["close"], list(c), o[:, 3], c[::-1][::-1]]:
        assert np.array_equal(ohlcv.sma(form, 10), want, equal_nan=True)
    c32 = c.astype(np.float32)  # converted to float64
    assert np.array_equal(ohlcv.sma(c32, 10), ohlcv.sma(c32.astype(np.float64), 10), equal_nan=True)
    assert np.array_equal(ohlcv.sma(bars, period=10), want, equal_nan=True)
    assert np.array_equal(ohlcv.sma(input=c, period=10), want, equal_nan=True)
    # Bar indicators: columns, a bar array or a DataFrame (parameters after it).
    want = ohlcv.atr(h, l, c, 7)
    for r in [ohlcv.atr(bars, 7), ohlcv.atr(df, 7), ohlcv.atr(df, period=7),
              ohlcv.atr(high=h, low=l, close=c, period=7)]:
        assert np.array_equal(r, want, equal_nan=True)
    assert np.array_equal(ohlcv.mfi(df, 5), ohlcv.mfi(h, l, c, v, 5), equal_nan=True)
    want = ohlcv.vwap(bars["ts"], h, l, c, v)
    assert np.array_equal(ohlcv.vwap(bars), want, equal_nan=True)
    assert np.array_equal(ohlcv.vwap(df), want, equal_nan=True)  # from the datetime index
    # A ctypes array of bars.
    cbars = (ohlcv.Bar * 50)(*[ohlcv.Bar(*b[:1], *b[1]) for b in bars[:50].tolist()])
    assert np.array_equal(ohlcv.rsi(cbars, 5), ohlcv.rsi(c[:50], 5), equal_nan=True)
    # Empty input.
    assert ohlcv.ema([], 5).shape == (0,)
    assert [x.shape for x in ohlcv.macd(np.zeros(0))] == [(0,)] * 3


def test_gaps_restart_the_indicator():
    c = walk(300, 6)[2]
    c[100] = np.nan
    out = ohlcv.sma(c, 10)
    assert np.isnan(out[100:110]).all() and not np.isnan(out[110])
    assert np.array_equal(out[101:], ohlcv.sma(c[101:], 10), equal_nan=True)


def test_many_series_equal_single_calls():
    rng = np.random.default_rng(8)
    m = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (6, 700)), axis=1))
    hi, lo = m * 1.002, m * 0.998
    periods = [3, 5, 14, 20, 30, 50]
    for conv in ("talib", "pandas"):
        e = ohlcv.ema_many(m, periods, conv)
        r = ohlcv.rsi_many(m, 14, conv)
        a = ohlcv.atr_many(hi, lo, m, periods, conv)
        assert e.shape == r.shape == a.shape == (6, 700)
        for j in range(6):
            assert np.array_equal(e[j], ohlcv.ema(m[j], periods[j], conv), equal_nan=True)
            assert np.array_equal(r[j], ohlcv.rsi(m[j], 14, conv), equal_nan=True)
            want = ohlcv.atr(hi[j], lo[j], m[j], periods[j], conv)
            assert np.array_equal(a[j], want, equal_nan=True)
        # One series, several parameter sets.
        mm = ohlcv.macd_many(m[0], [5, 12, 20], 26, [9, 9, 4], conv)
        assert mm.macd.shape == (3, 700)
        for j, (f, s) in enumerate([(5, 9), (12, 9), (20, 4)]):
            want = ohlcv.macd(m[0], f, 26, s, conv)
            for k in range(3):
                assert np.array_equal(mm[k][j], want[k], equal_nan=True)
    with pytest.raises(ohlcv.OhlcvError, match=r"n_params = 4 must be 1 or lanes \(6\)"):
        ohlcv.ema_many(m, [5, 6, 7, 8], "talib")
    with pytest.raises(ohlcv.OhlcvError, match="parameter set 1: period = 0"):
        ohlcv.ema_many(m[0], [5, 0])


# ------------------------------------------------------------------------------------------
# Streaming


def stream_cases(h, l, c, v, t):
    """(state factory, inputs per bar, batch outputs)."""
    x = [(a,) for a in c]
    hlc = list(zip(h, l, c))
    return [
        (lambda: ohlcv.SmaState(10), x, ohlcv.sma(c, 10)),
        (lambda: ohlcv.EmaState(10), x, ohlcv.ema(c, 10)),
        (lambda: ohlcv.EmaState(10, "pandas"), x, ohlcv.ema(c, 10, "pandas")),
        (lambda: ohlcv.WmaState(8), x, ohlcv.wma(c, 8)),
        (lambda: ohlcv.DemaState(6), x, ohlcv.dema(c, 6)),
        (lambda: ohlcv.TemaState(5), x, ohlcv.tema(c, 5)),
        (lambda: ohlcv.RsiState(9), x, ohlcv.rsi(c, 9)),
        (lambda: ohlcv.RsiState(9, "pandas"), x, ohlcv.rsi(c, 9, "pandas")),
        (lambda: ohlcv.MacdState(), x, ohlcv.macd(c)),
        (lambda: ohlcv.MacdState(5, 13, 4, "pandas"), x, ohlcv.macd(c, 5, 13, 4, "pandas")),
        (lambda: ohlcv.BbandsState(20, 2.0, 1.0), x, ohlcv.bbands(c, 20, 2.0, 1.0)),
        (lambda: ohlcv.StddevState(10, 2.0), x, ohlcv.stddev(c, 10, 2.0)),
        (lambda: ohlcv.AtrState(14), hlc, ohlcv.atr(h, l, c, 14)),
        (lambda: ohlcv.AtrState(14, "pandas"), hlc, ohlcv.atr(h, l, c, 14, "pandas")),
        (lambda: ohlcv.TrangeState(), hlc, ohlcv.trange(h, l, c)),
        (lambda: ohlcv.StochState(9, 3, 4), hlc, ohlcv.stoch(h, l, c, 9, 3, 4)),
        (lambda: ohlcv.WillrState(14), hlc, ohlcv.willr(h, l, c, 14)),
        (lambda: ohlcv.CciState(20), hlc, ohlcv.cci(h, l, c, 20)),
        (lambda: ohlcv.AdxState(10), hlc, ohlcv.adx(h, l, c, 10)),
        (lambda: ohlcv.MfiState(14), list(zip(h, l, c, v)), ohlcv.mfi(h, l, c, v, 14)),
        (lambda: ohlcv.ObvState(), list(zip(c, v)), ohlcv.obv(c, v)),
        (lambda: ohlcv.RocState(10), x, ohlcv.roc(c, 10)),
        (lambda: ohlcv.MomState(5), x, ohlcv.mom(c, 5)),
        (lambda: ohlcv.MaxState(15), x, ohlcv.rolling_max(c, 15)),
        (lambda: ohlcv.MinState(15), x, ohlcv.rolling_min(c, 15)),
        (lambda: ohlcv.DonchianState(20), list(zip(h, l)), ohlcv.donchian(h, l, 20)),
        (
            lambda: ohlcv.VwapState(),
            list(zip(t.tolist(), h, l, c, v)),
            ohlcv.vwap(t, h, l, c, v),
        ),
    ]


def test_every_state_class_is_tested():
    h, l, c, v, t = walk(100, 1)
    classes = {type(make()) for make, _, _ in stream_cases(h, l, c, v, t)}
    assert classes == {getattr(ohlcv, n) for n in ind.__all__ if n.endswith("State")}
    assert len(classes) == 23


def test_streaming_equals_batch_and_states_save_and_restore():
    h, l, c, v, t = walk(600, 7)
    c[300] = np.nan  # a gap restarts every indicator, streaming or batch
    save = 250
    for make, bars, batch in stream_cases(h, l, c, v, t):
        batch = np.array(outputs(batch)).T  # bar-major
        st = make()
        name = type(st).__name__
        got = []
        for i, bar in enumerate(bars):
            if i == save:
                saved_bytes = st.to_bytes()
                saved_pickle = pickle.dumps(st)
                saved_copy = copy.copy(st)
                saved_deep = copy.deepcopy(st)
            before = st.to_bytes()
            p = st.peek(*bar)
            assert st.to_bytes() == before, f"{name}: peek changed the state"
            y = st.update(*bar)
            assert np.array_equal(np.atleast_1d(p), np.atleast_1d(y), equal_nan=True), name
            got.append(np.atleast_1d(y))
        got = np.array(got)
        assert np.array_equal(bits(got), bits(batch)), f"{name}: streaming != batch"
        end = st.to_bytes()
        restored = [
            type(st).from_bytes(saved_bytes),
            pickle.loads(saved_pickle),
            saved_copy,
            saved_deep,
        ]
        for r in restored:
            assert type(r) is type(st)
            rest = np.array([np.atleast_1d(r.update(*bar)) for bar in bars[save:]])
            assert np.array_equal(bits(rest), bits(batch[save:])), f"{name}: restored differs"
            assert r.to_bytes() == end and r == st, f"{name}: restored state ends elsewhere"
        # update_many over the columns equals the bar-by-bar updates.
        fresh = make()
        cols = [np.array([b[k] for b in bars]) for k in range(len(bars[0]))]
        many = np.atleast_2d(np.array(outputs(fresh.update_many(*cols)))).T
        assert np.array_equal(bits(many), bits(batch)), f"{name}: update_many"
        # reset: the start replays like a fresh state.
        st.reset()
        again = np.array([np.atleast_1d(st.update(*bar)) for bar in bars[:60]])
        assert np.array_equal(bits(again), bits(batch[:60])), f"{name}: after reset"


def test_state_results_and_repr():
    m = ohlcv.MacdState(3, 6, 2)
    for x in range(1, 20):
        r = m.update(float(x))
    assert isinstance(r, ohlcv.MacdResult) and r.hist == r.macd - r.signal
    assert isinstance(ohlcv.SmaState(3).update(1.0), float)
    assert "MacdState" in repr(m) and str(ctypes.sizeof(_lib.IND_STATES["macd"])) in repr(m)
    assert m == m.copy() and m != ohlcv.MacdState(3, 6, 2)


def test_state_errors():
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.SmaState(300)
    assert e.value.status == ohlcv.Status.INVALID_ARGUMENT
    assert "exceeds the streaming capacity of 256" in e.value.message
    ohlcv.SmaState(ohlcv.STATE_CAPACITY)
    ohlcv.EmaState(5000)  # no window: any period
    with pytest.raises(ohlcv.OhlcvError, match="period = 1 is outside 2..=100000"):
        ohlcv.RsiState(1)
    with pytest.raises(ValueError, match="convention must be 'talib' or 'pandas'"):
        ohlcv.EmaState(5, "excel")
    with pytest.raises(TypeError):
        ohlcv.SmaState(5, 6)
    size = ctypes.sizeof(_lib.IND_STATES["sma"])
    with pytest.raises(ValueError, match=f"must be {size} long"):
        ohlcv.SmaState.from_bytes(b"\0" * 10)
    with pytest.raises(ohlcv.OhlcvError, match="never initialised"):
        ohlcv.SmaState.from_bytes(bytes(size))
    # Bytes of another indicator with the same size.
    with pytest.raises(ohlcv.OhlcvError, match="not that of an initialised ohlcv_ind_max_state"):
        ohlcv.MaxState.from_bytes(ohlcv.MinState(5).to_bytes())
    with pytest.raises(TypeError):
        ohlcv.SmaState(5).update(1.0, 2.0)
    with pytest.raises(TypeError, match="takes 3 inputs per bar"):
        ohlcv.AtrState(5).peek(1.0, 2.0)


# ------------------------------------------------------------------------------------------
# Errors


def test_errors_become_exceptions():
    c = walk(100, 9)[2]
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.sma(c, 0)
    assert e.value.status == ohlcv.Status.INVALID_ARGUMENT
    assert e.value.message == "ohlcv_ind_sma: period = 0 is outside 1..=100000"
    with pytest.raises(ohlcv.OhlcvError, match="period = -4 is negative"):
        ohlcv.wma(c, -4)
    with pytest.raises(ohlcv.OhlcvError, match="nbdev_up must be finite"):
        ohlcv.bbands(c, 5, float("inf"))
    with pytest.raises(ohlcv.OhlcvError, match="convention 5"):
        ohlcv.ema(c, 5, 5)
    with pytest.raises(ValueError, match="does not fit in int32"):
        ohlcv.sma(c, 2**32 + 5)  # would wrap to 5 if passed to C unchecked
    with pytest.raises(TypeError, match="period must be an integer"):
        ohlcv.sma(c, 5.0)
    with pytest.raises(ValueError, match="columns differ in length"):
        ohlcv.atr(c, c[:-1], c)
    with pytest.raises(ValueError, match="one-dimensional"):
        ohlcv.sma(np.zeros((3, 3)), 2)
    with pytest.raises(TypeError, match="needs the columns high, low, close"):
        ohlcv.atr(c, c)
    with pytest.raises(TypeError, match="at most 1 parameters"):
        ohlcv.sma(c, 5, 6)
    with pytest.raises(TypeError, match="unexpected arguments: window"):
        ohlcv.sma(c, window=5)
    with pytest.raises(TypeError, match="two values for period"):
        ohlcv.sma(c, 5, period=6)


def test_without_numpy_the_functions_say_so(monkeypatch):
    monkeypatch.setattr(ind, "_np", None)
    with pytest.raises(ImportError, match="need NumPy"):
        ohlcv.sma([1.0, 2.0, 3.0], 2)
    with pytest.raises(ImportError, match="need NumPy"):
        ohlcv.ema_many([[1.0, 2.0]], 2)
    # The streaming states do not need it.
    s = ohlcv.SmaState(2)
    assert np.isnan(s.update(1.0)) and s.update(3.0) == 2.0
    assert ohlcv.SmaState.from_bytes(s.to_bytes()).update(5.0) == 4.0


def test_prototypes_cover_the_indicator_functions(header_text):
    names = [n for n in _lib.PROTOTYPES if n.startswith("ohlcv_ind_")]
    assert len(names) == 23 * 6 + 4
    for name in names:
        assert f" {name}(" in header_text, name
