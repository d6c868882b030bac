"""Technical indicators through the library's C ABI: NumPy float64 arrays in and out, numbers
bit-identical to TA-Lib (or to the legacy pipeline's pandas formulas with
``convention="pandas"``), plus streaming states that are plain bytes.

Batch functions take columns (any 1-D array-like: NumPy arrays of any dtype or stride, lists,
pandas Series) or, in place of the columns, a whole bar array (:data:`ohlcv.DTYPE`, e.g.
``Reader.bars()``) or a pandas DataFrame with ``open, high, low, close, volume`` columns (e.g.
:func:`ohlcv.to_dataframe`), from which the columns they need are taken (``close`` for the
single-series indicators). They return new float64 arrays of the input's length, NaN over the
lookback (TA-Lib's leading values); several outputs come as a named tuple. A non-finite input
is a gap: NaN there, and the indicator restarts after it. These functions need NumPy.

    >>> import ohlcv
    >>> ohlcv.sma(close, 20)                              # doctest: +SKIP
    >>> macd, signal, hist = ohlcv.macd(close, 12, 26, 9)  # doctest: +SKIP
    >>> ohlcv.atr(bars, 14)                               # doctest: +SKIP

Streaming: ``SmaState(20)``, ``MacdState(12, 26, 9)``, ... with ``update(...)`` (the value at
the new bar), ``peek(...)`` (the value a still-forming bar would give; the state is unchanged)
and ``reset()``. A state is a plain value: ``to_bytes()`` / ``from_bytes()`` (also ``copy``
and ``pickle``) save it and restore it, and the restored state continues bit for bit. The
streaming classes work without NumPy.

Errors from the library (a bad period, say) raise :class:`ohlcv.OhlcvError`; malformed Python
arguments raise ``TypeError`` or ``ValueError``.
"""

from __future__ import annotations

import ctypes
import enum
import inspect
import operator
import threading
from collections import namedtuple
from ctypes import byref, c_double, c_size_t

from . import _lib

try:  # NumPy is optional for the package, required by the batch functions.
    import numpy as _np
except ImportError:  # pragma: no cover - exercised only without numpy
    _np = None

__all__ = [
    "Convention",
    "MacdResult",
    "BandsResult",
    "StochResult",
    "AdxResult",
    "sma",
    "ema",
    "wma",
    "dema",
    "tema",
    "rsi",
    "macd",
    "bbands",
    "stddev",
    "trange",
    "atr",
    "stoch",
    "willr",
    "cci",
    "adx",
    "mfi",
    "obv",
    "vwap",
    "roc",
    "mom",
    "rolling_max",
    "rolling_min",
    "donchian",
    "lookback",
    "ema_many",
    "rsi_many",
    "atr_many",
    "macd_many",
    "STATE_CAPACITY",
    "SmaState",
    "EmaState",
    "WmaState",
    "DemaState",
    "TemaState",
    "RsiState",
    "MacdState",
    "BbandsState",
    "StddevState",
    "AtrState",
    "TrangeState",
    "StochState",
    "WillrState",
    "CciState",
    "AdxState",
    "MfiState",
    "ObvState",
    "RocState",
    "MomState",
    "MaxState",
    "MinState",
    "DonchianState",
    "VwapState",
]

_c = _lib.lib

#: Longest window a streaming state of a windowed indicator holds (``OHLCV_IND_STATE_CAPACITY``).
STATE_CAPACITY = 256


class Convention(enum.IntEnum):
    """Which reference EMA, RSI, ATR and MACD follow (``ohlcv_convention``)."""

    TALIB = 0
    PANDAS = 1


MacdResult = namedtuple("MacdResult", "macd signal hist")
BandsResult = namedtuple("BandsResult", "upper middle lower")
StochResult = namedtuple("StochResult", "k d")
AdxResult = namedtuple("AdxResult", "adx plus_di minus_di")


def _check(status):
    if status != 0:
        from . import OhlcvError, _last_error

        raise OhlcvError(status, _last_error())


def _need_numpy():
    if _np is None:
        raise ImportError(
            "the ohlcv indicator functions need NumPy (pip install numpy); the streaming "
            "state classes (ohlcv.SmaState, ...) work without it"
        )


def _convention(c):
    """A convention argument: ``"talib"``, ``"pandas"``, a :class:`Convention` or an int."""
    if isinstance(c, str):
        try:
            return int(Convention[c.upper()])
        except KeyError:
            raise ValueError(f"convention must be 'talib' or 'pandas', not {c!r}") from None
    return _int32("convention", c)


def _int32(name, v):
    """An integer argument that fits ``int32_t`` (the library checks its range)."""
    try:
        i = operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an integer, not {type(v).__name__}") from None
    if not -(2**31) <= i < 2**31:
        raise ValueError(f"{name} = {i} does not fit in int32")
    return i


# ------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------


def _is_frame(x):
    """True for a bar array (a structured array with ``ohlcv``), a ctypes array of bars, or a
    pandas DataFrame."""
    if _np is not None and isinstance(x, _np.ndarray):
        return x.dtype.names is not None and "ohlcv" in x.dtype.names
    if isinstance(x, ctypes.Array) and issubclass(x._type_, _lib.Bar):
        return True
    return type(x).__name__ == "DataFrame" and hasattr(x, "columns")


_FIELD = {"open": 0, "high": 1, "low": 2, "close": 3, "volume": 4}


def _frame_column(frame, field):
    """Column ``field`` (``ts``, ``open``, ..., ``volume``) of a bar array or DataFrame."""
    if isinstance(frame, ctypes.Array):
        from . import DTYPE

        frame = _np.frombuffer(frame, dtype=DTYPE)
    if isinstance(frame, _np.ndarray):
        return frame["ts"] if field == "ts" else frame["ohlcv"][:, _FIELD[field]]
    if field in frame.columns:
        return frame[field]
    if field == "ts":
        # The DataFrame's time index (to_dataframe's "time"), as epoch milliseconds.
        values = _np.asarray(frame.index.values)
        if values.dtype.kind != "M":
            raise ValueError("the DataFrame has neither a 'ts' column nor a datetime index")
        return values.astype("datetime64[ms]").astype(_np.int64)
    raise ValueError(f"the DataFrame has no {field!r} column")


def _column(x, name, n=None, dtype=None):
    """A contiguous 1-D float64 (or ``dtype``) array from ``x``, of length ``n`` if given."""
    dtype = _np.float64 if dtype is None else dtype
    if hasattr(x, "to_numpy") and not isinstance(x, _np.ndarray):
        x = x.to_numpy()
    a = _np.ascontiguousarray(x, dtype=dtype)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, not of shape {a.shape}")
    if n is not None and len(a) != n:
        raise ValueError(f"{name} has {len(a)} values, {n} expected (columns differ in length)")
    return a


def _split(fname, fields, params, args, kwargs):
    """The columns and parameter values of a call: either a bar array / DataFrame followed by
    the parameters, or one column per field followed by the parameters; any of them may also
    be given by keyword."""
    args = list(args)
    if args and _is_frame(args[0]):
        frame = args.pop(0)
        cols = [_frame_column(frame, f if f != "input" else "close") for f in fields]
    else:
        cols = []
        for f in fields:
            if args:
                cols.append(args.pop(0))
            elif f in kwargs:
                cols.append(kwargs.pop(f))
            else:
                raise TypeError(
                    f"{fname}() needs the columns {', '.join(fields)}, or a bar array or "
                    "DataFrame in their place"
                )
    if len(args) > len(params):
        raise TypeError(f"{fname}() takes at most {len(params)} parameters after the columns")
    values = {}
    for (pname, _), v in zip(params, args):
        if pname in kwargs:
            raise TypeError(f"{fname}() got two values for {pname}")
        values[pname] = v
    for pname, default in params[len(values) :]:
        values[pname] = kwargs.pop(pname, default)
    if kwargs:
        raise TypeError(f"{fname}() got unexpected arguments: {', '.join(kwargs)}")
    n = None
    arrays = []
    for f, col in zip(fields, cols):
        a = _column(col, f, n, _np.uint64 if f == "ts" else None)
        n = len(a)
        arrays.append(a)
    return arrays, values


def _signature(fields, params):
    P = inspect.Parameter
    return inspect.Signature(
        [P(f, P.POSITIONAL_OR_KEYWORD) for f in fields]
        + [P(p, P.POSITIONAL_OR_KEYWORD, default=d) for p, d in params]
    )


# How each parameter goes to C.
_KIND = {
    "nbdev": float,
    "nbdev_up": float,
    "nbdev_dn": float,
    "convention": _convention,
}


def _param(name, v):
    conv = _KIND.get(name)
    if conv is float:
        return float(v)
    if conv is not None:
        return conv(v)
    return _int32(name, v)


def _indicator(cname, fields, params, result=None):
    """Builds the batch function over ``ohlcv_ind_<cname>``: ``fields`` are the input columns
    (in the C order), ``params`` the ``(name, default)`` pairs after them, ``result`` the named
    tuple of several outputs."""
    cfunc = getattr(_c, f"ohlcv_ind_{cname}")
    nout = len(result._fields) if result is not None else 1

    def f(*args, **kwargs):
        _need_numpy()
        cols, values = _split(f.__name__, fields, params, args, kwargs)
        n = len(cols[0]) if cols else 0
        outs = [_np.empty(n, dtype=_np.float64) for _ in range(nout)]
        cparams = [_param(p, values[p]) for p, _ in params]
        _check(
            cfunc(
                *[a.ctypes.data for a in cols],
                n,
                *cparams,
                *[o.ctypes.data for o in outs],
            )
        )
        return result(*outs) if result is not None else outs[0]

    f.__signature__ = _signature(fields, params)
    return f


def _doc(f, name, text):
    f.__name__ = f.__qualname__ = name
    f.__doc__ = text
    return f


_CONV = ("convention", "talib")

sma = _doc(
    _indicator("sma", ("input",), [("period", 30)]),
    "sma",
    "Simple moving average (TA-Lib ``SMA``; period 1 to 100000, lookback ``period - 1``).",
)
ema = _doc(
    _indicator("ema", ("input",), [("period", 30), _CONV]),
    "ema",
    "Exponential moving average: TA-Lib ``EMA`` (lookback ``period - 1``) or, with "
    "``convention='pandas'``, ``ewm(span=period, adjust=False)`` (lookback 0).",
)
wma = _doc(
    _indicator("wma", ("input",), [("period", 30)]),
    "wma",
    "Linearly weighted moving average (TA-Lib ``WMA``; lookback ``period - 1``).",
)
dema = _doc(
    _indicator("dema", ("input",), [("period", 30)]),
    "dema",
    "Double exponential moving average (TA-Lib ``DEMA``; lookback ``2 (period - 1)``).",
)
tema = _doc(
    _indicator("tema", ("input",), [("period", 30)]),
    "tema",
    "Triple exponential moving average (TA-Lib ``TEMA``; lookback ``3 (period - 1)``).",
)
rsi = _doc(
    _indicator("rsi", ("input",), [("period", 14), _CONV]),
    "rsi",
    "Relative strength index: TA-Lib ``RSI`` (lookback ``period``) or, with "
    "``convention='pandas'``, the pipeline's ``ewm(com=period-1, adjust=False)`` form.",
)
macd = _doc(
    _indicator("macd", ("input",), [("fast", 12), ("slow", 26), ("signal", 9), _CONV], MacdResult),
    "macd",
    "MACD: ``(macd, signal, hist)`` (TA-Lib ``MACD``, or pandas spans with "
    "``convention='pandas'``).",
)
bbands = _doc(
    _indicator(
        "bbands", ("input",), [("period", 5), ("nbdev_up", 2.0), ("nbdev_dn", 2.0)], BandsResult
    ),
    "bbands",
    "Bollinger Bands on an SMA: ``(upper, middle, lower)`` (TA-Lib ``BBANDS``, matype SMA).",
)
stddev = _doc(
    _indicator("stddev", ("input",), [("period", 5), ("nbdev", 1.0)]),
    "stddev",
    "Rolling population standard deviation times ``nbdev`` (TA-Lib ``STDDEV``).",
)
trange = _doc(
    _indicator("trange", ("high", "low", "close"), []),
    "trange",
    "True range (TA-Lib ``TRANGE``; lookback 1).",
)
atr = _doc(
    _indicator("atr", ("high", "low", "close"), [("period", 14), _CONV]),
    "atr",
    "Average true range: TA-Lib ``ATR`` (lookback ``period``) or, with "
    "``convention='pandas'``, ``ewm(com=period-1, adjust=False)`` of the true range.",
)
stoch = _doc(
    _indicator(
        "stoch", ("high", "low", "close"), [("fastk", 5), ("slowk", 3), ("slowd", 3)], StochResult
    ),
    "stoch",
    "Slow stochastic: ``(k, d)`` (TA-Lib ``STOCH`` with SMA smoothing).",
)
willr = _doc(
    _indicator("willr", ("high", "low", "close"), [("period", 14)]),
    "willr",
    "Williams %R (TA-Lib ``WILLR``; lookback ``period - 1``).",
)
cci = _doc(
    _indicator("cci", ("high", "low", "close"), [("period", 14)]),
    "cci",
    "Commodity channel index (TA-Lib ``CCI``; lookback ``period - 1``).",
)
adx = _doc(
    _indicator("adx", ("high", "low", "close"), [("period", 14)], AdxResult),
    "adx",
    "ADX with the directional indicators: ``(adx, plus_di, minus_di)`` (TA-Lib ``ADX``, "
    "``PLUS_DI``, ``MINUS_DI``; lookbacks ``2 period - 1`` and ``period``).",
)
mfi = _doc(
    _indicator("mfi", ("high", "low", "close", "volume"), [("period", 14)]),
    "mfi",
    "Money flow index (TA-Lib ``MFI``; lookback ``period``).",
)
obv = _doc(
    _indicator("obv", ("close", "volume"), []),
    "obv",
    "On-balance volume (TA-Lib ``OBV``; lookback 0).",
)
vwap = _doc(
    _indicator("vwap", ("ts", "high", "low", "close", "volume"), []),
    "vwap",
    "Volume-weighted average price reset at each UTC day of ``ts`` (epoch milliseconds; a "
    "DataFrame without a ``ts`` column uses its datetime index), as pandas' "
    "``groupby(day).cumsum()`` ratio; NaN while the day's volume is 0.",
)
roc = _doc(
    _indicator("roc", ("input",), [("period", 10)]),
    "roc",
    "Rate of change in percent (TA-Lib ``ROC``; lookback ``period``).",
)
mom = _doc(
    _indicator("mom", ("input",), [("period", 10)]),
    "mom",
    "Momentum ``x[i] - x[i - period]`` (TA-Lib ``MOM``; lookback ``period``).",
)
rolling_max = _doc(
    _indicator("max", ("input",), [("period", 30)]),
    "rolling_max",
    "Rolling maximum of the last ``period`` values (TA-Lib ``MAX``; of the close for a bar "
    "array or DataFrame).",
)
rolling_min = _doc(
    _indicator("min", ("input",), [("period", 30)]),
    "rolling_min",
    "Rolling minimum of the last ``period`` values (TA-Lib ``MIN``; of the close for a bar "
    "array or DataFrame).",
)
donchian = _doc(
    _indicator("donchian", ("high", "low"), [("period", 20)], BandsResult),
    "donchian",
    "Donchian channel: ``(upper, middle, lower)`` = highest high, midpoint, lowest low "
    "(TA-Lib ``MAX(high)``, ``MIDPRICE``, ``MIN(low)``).",
)

# Lookback parameters of each indicator, for `lookback`.
_LOOKBACK = {
    "sma": [("period", 30)],
    "ema": [("period", 30), _CONV],
    "wma": [("period", 30)],
    "dema": [("period", 30)],
    "tema": [("period", 30)],
    "rsi": [("period", 14), _CONV],
    "macd": [("fast", 12), ("slow", 26), ("signal", 9), _CONV],
    "bbands": [("period", 5), ("nbdev_up", 2.0), ("nbdev_dn", 2.0)],
    "stddev": [("period", 5), ("nbdev", 1.0)],
    "trange": [],
    "atr": [("period", 14), _CONV],
    "stoch": [("fastk", 5), ("slowk", 3), ("slowd", 3)],
    "willr": [("period", 14)],
    "cci": [("period", 14)],
    "adx": [("period", 14)],
    "mfi": [("period", 14)],
    "obv": [],
    "vwap": [],
    "roc": [("period", 10)],
    "mom": [("period", 10)],
    "max": [("period", 30)],
    "min": [("period", 30)],
    "donchian": [("period", 20)],
}
_LOOKBACK["rolling_max"] = _LOOKBACK["max"]
_LOOKBACK["rolling_min"] = _LOOKBACK["min"]


def lookback(name, *args, **kwargs):
    """Number of leading NaN outputs of indicator ``name`` (``"sma"``, ``"macd"``, ...) with
    the given parameters (the same as the batch function's, defaults included). For ``"adx"``
    it is a pair ``(adx, di)``."""
    params = _LOOKBACK.get(name)
    if params is None:
        raise ValueError(f"unknown indicator {name!r}")
    _, values = _split(f"lookback({name!r})", (), params, args, kwargs)
    cname = {"rolling_max": "max", "rolling_min": "min"}.get(name, name)
    cparams = [_param(p, values[p]) for p, _ in params]
    out = c_size_t(0)
    if cname == "adx":
        di = c_size_t(0)
        _check(_c.ohlcv_ind_adx_lookback(*cparams, byref(out), byref(di)))
        return out.value, di.value
    _check(getattr(_c, f"ohlcv_ind_{cname}_lookback")(*cparams, byref(out)))
    return out.value


# ------------------------------------------------------------------------------------------
# Many series
# ------------------------------------------------------------------------------------------


def _matrix(x, name, n=None):
    """A C-contiguous float64 matrix of series (rows) from a 2-D array-like, or a 1-D one as one
    row."""
    a = _np.ascontiguousarray(x, dtype=_np.float64)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a series or a 2-D array of series (rows)")
    if n is not None and a.shape[1] != n:
        raise ValueError(f"{name} has series of {a.shape[1]} values, {n} expected")
    return a


def _int_array(v, name):
    a = _np.atleast_1d(_np.asarray(v))
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise TypeError(f"{name} must be an integer or a sequence of integers")
    return _np.ascontiguousarray([_int32(name, int(x)) for x in a], dtype=_np.int32)


def _many(cname, inputs, params, convention, nout):
    n = inputs[0].shape[1]
    rows = inputs[0].shape[0]
    lanes = max([rows] + [len(p) for p in params])
    outs = [_np.empty((lanes, n), dtype=_np.float64) for _ in range(nout)]
    nparams = len(params[0])
    if any(len(p) != nparams for p in params):
        raise ValueError("the parameter sequences differ in length")
    _check(
        getattr(_c, f"ohlcv_ind_{cname}_many")(
            *[a.ctypes.data for a in inputs],
            n,
            rows,
            *[p.ctypes.data for p in params],
            nparams,
            _convention(convention),
            *[o.ctypes.data for o in outs],
            lanes,
        )
    )
    return outs


def ema_many(inputs, periods, convention="talib"):
    """Many EMAs at once, four per SIMD pass: row ``j`` of the result is the EMA of row ``j`` of
    ``inputs`` (a 2-D array of series, or one series shared by every row) with ``periods[j]``
    (or one period for every row). Each row equals :func:`ema` on its own, bit for bit."""
    _need_numpy()
    x = _matrix(inputs, "inputs")
    return _many("ema", [x], [_int_array(periods, "periods")], convention, 1)[0]


def rsi_many(inputs, periods, convention="talib"):
    """Many RSIs at once; rows as in :func:`ema_many`."""
    _need_numpy()
    x = _matrix(inputs, "inputs")
    return _many("rsi", [x], [_int_array(periods, "periods")], convention, 1)[0]


def atr_many(high, low, close, periods, convention="talib"):
    """Many ATRs at once: ``high``, ``low`` and ``close`` are matrices of the same shape (rows
    as in :func:`ema_many`)."""
    _need_numpy()
    h = _matrix(high, "high")
    lo = _matrix(low, "low", h.shape[1])
    c = _matrix(close, "close", h.shape[1])
    if not h.shape == lo.shape == c.shape:
        raise ValueError("high, low and close have different shapes")
    return _many("atr", [h, lo, c], [_int_array(periods, "periods")], convention, 1)[0]


def macd_many(inputs, fast=12, slow=26, signal=9, convention="talib"):
    """Many MACDs at once: ``(macd, signal, hist)`` matrices; ``fast``, ``slow`` and ``signal``
    are each one integer or a sequence with one entry per row (rows as in :func:`ema_many`)."""
    _need_numpy()
    x = _matrix(inputs, "inputs")
    f, s, g = (_int_array(v, k) for v, k in ((fast, "fast"), (slow, "slow"), (signal, "signal")))
    k = max(len(f), len(s), len(g))
    f, s, g = (_np.repeat(a, k) if len(a) == 1 else a for a in (f, s, g))
    return MacdResult(*_many("macd", [x], [f, s, g], convention, 3))


# ------------------------------------------------------------------------------------------
# Streaming states
# ------------------------------------------------------------------------------------------


class _State:
    """Base of the streaming states: wraps one ``ohlcv_ind_<name>_state`` structure."""

    _name = ""
    _params = ()
    _inputs = ()
    _result = None
    __slots__ = ("_s", "_outs", "_refs", "_lock", "__weakref__")

    def __init__(self, *args, **kwargs):
        bound = self.__signature__.bind(*args, **kwargs)
        bound.apply_defaults()
        self._setup(self._struct())
        cparams = [_param(p, bound.arguments[p]) for p, _ in self._params]
        _check(getattr(_c, f"ohlcv_ind_{self._name}_init")(*cparams, byref(self._s)))

    def _setup(self, s):
        self._s = s
        n = len(self._result._fields) if self._result is not None else 1
        self._outs = [c_double() for _ in range(n)]
        self._refs = [byref(o) for o in self._outs]
        self._lock = threading.Lock()

    @classmethod
    def _struct(cls):
        return _lib.IND_STATES[cls._name]()

    def _value(self):
        if self._result is None:
            return self._outs[0].value
        return self._result(*(o.value for o in self._outs))

    def _arity(self, inputs):
        if len(inputs) != len(self._inputs):
            raise TypeError(
                f"{type(self).__name__} takes {len(self._inputs)} inputs per bar "
                f"({', '.join(self._inputs)}), not {len(inputs)}"
            )

    def update(self, *inputs):
        """Feeds the next bar and returns the indicator's value there (NaN during the warm-up
        and at a gap)."""
        self._arity(inputs)
        with self._lock:
            _check(self._update(byref(self._s), *inputs, *self._refs))
            return self._value()

    def peek(self, *inputs):
        """The value :meth:`update` would return for these inputs; the state is unchanged."""
        self._arity(inputs)
        with self._lock:
            _check(self._peek(byref(self._s), *inputs, *self._refs))
            return self._value()

    def update_many(self, *columns):
        """Feeds many bars (columns of equal length, as the batch function takes them) and
        returns the outputs as arrays (needs NumPy)."""
        _need_numpy()
        cols = [
            _column(c, name, None, _np.uint64 if name == "ts" else None)
            for c, name in zip(columns, self._inputs)
        ]
        if len(cols) != len(self._inputs) or len({len(c) for c in cols}) > 1:
            raise ValueError(f"update_many needs the columns {', '.join(self._inputs)}")
        n = len(cols[0]) if cols else 0
        outs = _np.empty((len(self._outs), n))
        rows = [c.tolist() for c in cols]
        with self._lock:
            for i, bar in enumerate(zip(*rows)):
                _check(self._update(byref(self._s), *bar, *self._refs))
                for k, o in enumerate(self._outs):
                    outs[k, i] = o.value
        if self._result is None:
            return outs[0]
        return self._result(*outs)

    def reset(self):
        """Forgets the history, keeping the parameters."""
        with self._lock:
            _check(getattr(_c, f"ohlcv_ind_{self._name}_reset")(byref(self._s)))

    def to_bytes(self):
        """The state as bytes (native byte order): store them anywhere, restore with
        :meth:`from_bytes`."""
        with self._lock:
            return bytes(self._s)

    @classmethod
    def from_bytes(cls, data):
        """A state from :meth:`to_bytes` output. Raises ``ValueError`` for a wrong length and
        :class:`ohlcv.OhlcvError` for bytes that are not such a state."""
        size = ctypes.sizeof(_lib.IND_STATES[cls._name])
        data = bytes(data)
        if len(data) != size:
            raise ValueError(f"{cls.__name__} bytes must be {size} long, not {len(data)}")
        self = cls.__new__(cls)
        self._setup(_lib.IND_STATES[cls._name].from_buffer_copy(data))
        # Validate now (the library checks the tag on every call; peek changes nothing).
        nan = float("nan")
        args = [0 if name == "ts" else nan for name in cls._inputs]
        _check(self._peek(byref(self._s), *args, *self._refs))
        return self

    def copy(self):
        """An independent copy (continues exactly like this state)."""
        return type(self).from_bytes(self.to_bytes())

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def __reduce__(self):
        return (type(self).from_bytes, (self.to_bytes(),))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    __hash__ = None

    def __repr__(self):
        return f"<ohlcv.{type(self).__name__}, {ctypes.sizeof(self._s)} bytes>"


def _state_class(cls_name, name, params, inputs, result, doc):
    update = getattr(_c, f"ohlcv_ind_{name}_update")
    peek = getattr(_c, f"ohlcv_ind_{name}_peek")
    P = inspect.Parameter
    sig = inspect.Signature([P(p, P.POSITIONAL_OR_KEYWORD, default=d) for p, d in params])
    ns = {
        "__doc__": doc,
        "__slots__": (),
        "__module__": "ohlcv",
        "_name": name,
        "_params": tuple(params),
        "_inputs": inputs,
        "_result": result,
        "_update": staticmethod(update),
        "_peek": staticmethod(peek),
        "__signature__": sig,
    }
    return type(cls_name, (_State,), ns)


_X = ("x",)
_HLC = ("high", "low", "close")
_W = " Windows up to :data:`STATE_CAPACITY` (256)."
_SAVE = " ``to_bytes()``/``from_bytes()``, ``copy`` and ``pickle`` save and restore it."

SmaState = _state_class(
    "SmaState", "sma", [("period", 30)], _X, None,
    "Streaming :func:`sma`: ``update(x) -> float``." + _W + _SAVE,
)
EmaState = _state_class(
    "EmaState", "ema", [("period", 30), _CONV], _X, None,
    "Streaming :func:`ema`: ``update(x) -> float``." + _SAVE,
)
WmaState = _state_class(
    "WmaState", "wma", [("period", 30)], _X, None,
    "Streaming :func:`wma`: ``update(x) -> float``." + _W + _SAVE,
)
DemaState = _state_class(
    "DemaState", "dema", [("period", 30)], _X, None,
    "Streaming :func:`dema`: ``update(x) -> float``." + _SAVE,
)
TemaState = _state_class(
    "TemaState", "tema", [("period", 30)], _X, None,
    "Streaming :func:`tema`: ``update(x) -> float``." + _SAVE,
)
RsiState = _state_class(
    "RsiState", "rsi", [("period", 14), _CONV], _X, None,
    "Streaming :func:`rsi`: ``update(x) -> float``." + _SAVE,
)
MacdState = _state_class(
    "MacdState", "macd", [("fast", 12), ("slow", 26), ("signal", 9), _CONV], _X, MacdResult,
    "Streaming :func:`macd`: ``update(x) -> MacdResult``." + _SAVE,
)
BbandsState = _state_class(
    "BbandsState", "bbands", [("period", 5), ("nbdev_up", 2.0), ("nbdev_dn", 2.0)], _X,
    BandsResult,
    "Streaming :func:`bbands`: ``update(x) -> BandsResult``." + _W + _SAVE,
)
StddevState = _state_class(
    "StddevState", "stddev", [("period", 5), ("nbdev", 1.0)], _X, None,
    "Streaming :func:`stddev`: ``update(x) -> float``." + _W + _SAVE,
)
AtrState = _state_class(
    "AtrState", "atr", [("period", 14), _CONV], _HLC, None,
    "Streaming :func:`atr`: ``update(high, low, close) -> float``." + _SAVE,
)
TrangeState = _state_class(
    "TrangeState", "trange", [], _HLC, None,
    "Streaming :func:`trange`: ``update(high, low, close) -> float``." + _SAVE,
)
StochState = _state_class(
    "StochState", "stoch", [("fastk", 5), ("slowk", 3), ("slowd", 3)], _HLC, StochResult,
    "Streaming :func:`stoch`: ``update(high, low, close) -> StochResult``." + _W + _SAVE,
)
WillrState = _state_class(
    "WillrState", "willr", [("period", 14)], _HLC, None,
    "Streaming :func:`willr`: ``update(high, low, close) -> float``." + _W + _SAVE,
)
CciState = _state_class(
    "CciState", "cci", [("period", 14)], _HLC, None,
    "Streaming :func:`cci`: ``update(high, low, close) -> float``." + _W + _SAVE,
)
AdxState = _state_class(
    "AdxState", "adx", [("period", 14)], _HLC, AdxResult,
    "Streaming :func:`adx`: ``update(high, low, close) -> AdxResult``." + _SAVE,
)
MfiState = _state_class(
    "MfiState", "mfi", [("period", 14)], ("high", "low", "close", "volume"), None,
    "Streaming :func:`mfi`: ``update(high, low, close, volume) -> float``." + _W + _SAVE,
)
ObvState = _state_class(
    "ObvState", "obv", [], ("close", "volume"), None,
    "Streaming :func:`obv`: ``update(close, volume) -> float``." + _SAVE,
)
RocState = _state_class(
    "RocState", "roc", [("period", 10)], _X, None,
    "Streaming :func:`roc`: ``update(x) -> float``." + _W + _SAVE,
)
MomState = _state_class(
    "MomState", "mom", [("period", 10)], _X, None,
    "Streaming :func:`mom`: ``update(x) -> float``." + _W + _SAVE,
)
MaxState = _state_class(
    "MaxState", "max", [("period", 30)], _X, None,
    "Streaming :func:`rolling_max`: ``update(x) -> float``." + _W + _SAVE,
)
MinState = _state_class(
    "MinState", "min", [("period", 30)], _X, None,
    "Streaming :func:`rolling_min`: ``update(x) -> float``." + _W + _SAVE,
)
DonchianState = _state_class(
    "DonchianState", "donchian", [("period", 20)], ("high", "low"), BandsResult,
    "Streaming :func:`donchian`: ``update(high, low) -> BandsResult``." + _W + _SAVE,
)
VwapState = _state_class(
    "VwapState", "vwap", [], ("ts", "high", "low", "close", "volume"), None,
    "Streaming :func:`vwap`: ``update(ts, high, low, close, volume) -> float`` (``ts`` in "
    "epoch milliseconds)." + _SAVE,
)
