"""ohlcv: 64-byte OHLCV bar files, the pipeline's CSV, index files, resampling, SIMD
reductions and technical indicators, through the library's C ABI (ctypes only; NumPy and
pandas are optional, the indicator functions need NumPy).

Bars come back as NumPy structured arrays with the pipeline's dtype :data:`DTYPE` when NumPy
is installed (zero-copy for :meth:`Reader.bars`), else as ctypes arrays of :class:`Bar`.
Every failure raises :class:`OhlcvError` carrying the library's status and message.

The library releases the GIL during each call and is thread-safe: use one object from several
threads (calls on it are serialised) or one object per thread.

    >>> import ohlcv
    >>> with ohlcv.Reader("EURUSD.bin") as r:        # doctest: +SKIP
    ...     bars = r.bars()                            # zero-copy NumPy view
    ...     hourly = ohlcv.resample(bars, "1h")
    >>> rsi = ohlcv.rsi(hourly, 14)                     # doctest: +SKIP
    >>> state = ohlcv.RsiState(14)                      # doctest: +SKIP

The indicators (:mod:`ohlcv.indicators`, all re-exported here) take NumPy columns, a bar array
or a DataFrame, and return float64 arrays bit-identical to TA-Lib's; their streaming states
(``ohlcv.SmaState``, ...) can be saved as bytes and restored.
"""

from __future__ import annotations

import ctypes
import enum
import os
import weakref
from collections import namedtuple
from ctypes import byref, c_bool, c_double, c_size_t, c_uint64, c_void_p

from . import _lib
from ._lib import Bar, find_library

try:  # NumPy is optional.
    import numpy as _np
except ImportError:  # pragma: no cover - exercised only without numpy
    _np = None

__all__ = [
    "Bar",
    "DTYPE",
    "Status",
    "OhlcvError",
    "Reader",
    "Writer",
    "Resampler",
    "FileInfo",
    "IndexRecord",
    "EngineSummary",
    "read_index",
    "write_index",
    "max_high",
    "min_low",
    "first_open",
    "last_close",
    "sum_volume",
    "sum_volume_kahan",
    "fold",
    "resample",
    "run_engine",
    "to_dataframe",
    "read_dataframe",
    "aligned_bars",
    "version",
    "abi_version",
    "simd_backend",
    "handles_count",
    "library_path",
    "find_library",
]

#: The pipeline's NumPy dtype of one bar (64 bytes).
DTYPE = (
    _np.dtype([("ts", "<u8"), ("ohlcv", "<f8", (5,)), ("padding", "<u8", (2,))])
    if _np is not None
    else None
)

_lib_ = _lib.lib
if _lib_.ohlcv_abi_version() != _lib.ABI_VERSION:
    raise ImportError(
        f"ohlcv: the loaded library has ABI {_lib_.ohlcv_abi_version()}, this package needs "
        f"{_lib.ABI_VERSION}; rebuild or point OHLCV_LIBRARY at a matching libohlcv"
    )

__version__ = _lib_.ohlcv_version().decode()


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------

Status = enum.IntEnum("Status", {name: code for code, name in enumerate(_lib.STATUS_NAMES)})
Status.__doc__ = "The library's stable status codes (``ohlcv_status``)."


class OhlcvError(Exception):
    """A failed library call: ``status`` (a :class:`Status`) and the library's ``message``."""

    def __init__(self, status, message):
        try:
            self.status = Status(status)
        except ValueError:
            self.status = status
        self.message = message
        name = getattr(self.status, "name", str(status))
        super().__init__(f"{name}: {message}" if message else name)


def _last_error():
    n = c_size_t(0)
    _lib_.ohlcv_last_error_message(None, 0, byref(n))
    buf = ctypes.create_string_buffer(n.value + 1)
    _lib_.ohlcv_last_error_message(buf, len(buf), byref(n))
    return buf.value.decode("utf-8", "replace")


def _check(status):
    if status != 0:
        raise OhlcvError(status, _last_error())


def _path(p):
    """A path argument as bytes (os.fsencode: str, bytes or PathLike)."""
    return os.fsencode(p)


# ------------------------------------------------------------------------------------------
# Version and diagnostics
# ------------------------------------------------------------------------------------------


def version():
    """The library version, e.g. ``"0.1.0"``."""
    return _lib_.ohlcv_version().decode()


def abi_version():
    """The library's ABI version."""
    return _lib_.ohlcv_abi_version()


def simd_backend():
    """The SIMD backend of the reductions: ``"scalar"``, ``"wide"``, ``"avx2"``, ``"avx512"``."""
    return _lib_.ohlcv_simd_backend().decode()


def handles_count():
    """Open readers, writers and resamplers in this process (a leak check)."""
    n = c_size_t(0)
    _check(_lib_.ohlcv_handles_count(byref(n)))
    return n.value


def library_path():
    """The file the native library was loaded from."""
    return _lib_._name


# ------------------------------------------------------------------------------------------
# Bar buffers
# ------------------------------------------------------------------------------------------


class _NativeBars:
    """A 64-byte aligned buffer from ``ohlcv_bars_alloc``, freed when garbage-collected."""

    def __init__(self, n):
        p = c_void_p()
        _check(_lib_.ohlcv_bars_alloc(n, byref(p)))
        self.address = p.value or 0
        self.n = n
        if self.address:
            weakref.finalize(self, _lib_.ohlcv_bars_free, c_void_p(self.address))


def _view(address, n, owner):
    """Bars at ``address`` (n of them) as a NumPy array (or a ctypes array without NumPy) that
    keeps ``owner`` alive as long as the array lives."""
    if n == 0:
        return _np.zeros(0, DTYPE) if _np is not None else (Bar * 0)()
    if _np is None:
        arr = (Bar * n).from_address(address)
        arr._ohlcv_owner = owner
        return arr
    raw = (ctypes.c_char * (64 * n)).from_address(address)
    raw._ohlcv_owner = owner  # the NumPy array's base is `raw`, which holds the owner
    return _np.frombuffer(raw, dtype=DTYPE)


def aligned_bars(n):
    """``n`` zeroed bars in 64-byte aligned memory (a NumPy array with :data:`DTYPE`, or a
    ctypes array of :class:`Bar` without NumPy), ready to be filled and passed to the library."""
    if _np is not None:
        raw = _np.zeros(64 * n + 64, dtype=_np.uint8)
        start = (-raw.ctypes.data) % 64
        return raw[start : start + 64 * n].view(DTYPE)
    buf = _NativeBars(n)
    arr = _view(buf.address, n, buf)
    return arr


def _as_c_bars(bars):
    """``(address, count, keepalive)`` of a 64-byte aligned copy-or-view of ``bars``.

    Accepts a NumPy array with :data:`DTYPE` (or any 64-byte record dtype with the same
    layout), a ctypes array or sequence of :class:`Bar`, or a sequence of
    ``(ts, open, high, low, close, volume)`` tuples. Aligned contiguous NumPy arrays are passed
    without copying.
    """
    if _np is not None and isinstance(bars, _np.ndarray):
        if bars.dtype.itemsize != 64 or bars.dtype.fields is None:
            raise TypeError(f"bars must have the 64-byte bar dtype, not {bars.dtype}")
        n = len(bars)
        if n == 0:
            return 0, 0, None
        if bars.flags.c_contiguous and bars.ctypes.data % 64 == 0 and bars.dtype == DTYPE:
            return bars.ctypes.data, n, bars
        out = aligned_bars(n)
        out[...] = bars.astype(DTYPE, copy=False)
        return out.ctypes.data, n, out
    if isinstance(bars, ctypes.Array) and issubclass(bars._type_, Bar):
        n = len(bars)
        if n == 0:
            return 0, 0, None
        addr = ctypes.addressof(bars)
        if addr % 64 == 0:
            return addr, n, bars
        buf = _NativeBars(n)
        ctypes.memmove(buf.address, addr, 64 * n)
        return buf.address, n, buf
    seq = list(bars)
    n = len(seq)
    if n == 0:
        return 0, 0, None
    buf = _NativeBars(n)
    arr = (Bar * n).from_address(buf.address)
    for i, b in enumerate(seq):
        if isinstance(b, Bar):
            arr[i] = b
        else:
            ts, o, h, lo, c, v = b
            arr[i] = Bar(ts, o, h, lo, c, v)
    return buf.address, n, buf


# ------------------------------------------------------------------------------------------
# Handles
# ------------------------------------------------------------------------------------------


class _Handle:
    """Owns one native handle. It is closed by :meth:`close`, or else when this object is
    garbage-collected, which happens only after every view of its memory is gone."""

    def __init__(self, value, closer):
        self.value = value
        self._closer = closer
        self._finalizer = weakref.finalize(self, closer, c_void_p(value))

    def close(self):
        """Closes now and returns the status; a second call does nothing and returns 0."""
        if not self._finalizer.alive:
            return 0
        self._finalizer.detach()
        return self._closer(c_void_p(self.value))


_FORMATS = {"binary": 0, "bin": 0, "csv": 1, "text": 1, "auto": 2}


def _format(f):
    if isinstance(f, int):
        return f
    try:
        return _FORMATS[f]
    except KeyError:
        raise ValueError(f"format must be one of {sorted(_FORMATS)}, not {f!r}") from None


FileInfo = namedtuple("FileInfo", "format len_bytes data_start")
FileInfo.__doc__ = "A file's format (``'binary'`` or ``'csv'``), length and first record offset."


def _info(c):
    return FileInfo("binary" if c.format == 0 else "csv", c.len_bytes, c.data_start)


class Reader:
    """A bar file opened for reading (binary or CSV; ``format="auto"`` decides by extension,
    then by content). Use as a context manager, or call :meth:`close`."""

    def __init__(self, path, format="auto"):
        h = c_void_p()
        _check(_lib_.ohlcv_reader_open(_path(path), _format(format), byref(h)))
        self._h = _Handle(h.value, _lib_.ohlcv_reader_close)
        self.path = path

    def _handle(self):
        if self._h is None:
            raise OhlcvError(Status.BAD_HANDLE, f"{self.path}: reader is closed")
        return self._h.value

    def bars(self):
        """Every bar of the file, read-only: for a binary file a zero-copy view of the memory
        map (a CSV file is parsed once). The view keeps the native reader alive: it stays valid
        after :meth:`close` until the view itself is gone."""
        p = c_void_p()
        n = c_size_t()
        _check(_lib_.ohlcv_reader_bars(self._handle(), byref(p), byref(n)))
        arr = _view(p.value or 0, n.value, self._h)
        if _np is not None:
            arr.flags.writeable = False
        return arr

    def read(self, max_bars=65536):
        """Reads up to ``max_bars`` bars from the position: ``(bars, offsets)`` (byte offsets in
        the file); both empty at the end."""
        buf = aligned_bars(max_bars)
        if _np is not None:
            offs = _np.zeros(max_bars, dtype=_np.uint64)
            offs_ptr = offs.ctypes.data_as(ctypes.POINTER(c_uint64))
        else:
            offs = (c_uint64 * max_bars)()
            offs_ptr = offs
        n = c_size_t()
        addr = buf.ctypes.data if _np is not None else ctypes.addressof(buf)
        _check(_lib_.ohlcv_reader_read(self._handle(), addr, offs_ptr, max_bars, byref(n)))
        return buf[: n.value], offs[: n.value]

    def seek(self, pos):
        """Moves to byte offset ``pos`` (a record boundary, or the end)."""
        _check(_lib_.ohlcv_reader_seek(self._handle(), pos))

    def tell(self):
        """The current byte offset."""
        v = c_uint64()
        _check(_lib_.ohlcv_reader_tell(self._handle(), byref(v)))
        return v.value

    @property
    def eof(self):
        """True at the end of the data."""
        v = c_bool()
        _check(_lib_.ohlcv_reader_eof(self._handle(), byref(v)))
        return v.value

    def info(self):
        """:class:`FileInfo` of the file."""
        i = _lib.FileInfo()
        _check(_lib_.ohlcv_reader_info(self._handle(), byref(i)))
        return _info(i)

    def close(self):
        """Releases the reader (the file stays mapped while views from :meth:`bars` live)."""
        h, self._h = self._h, None
        if h is not None:
            # Let the finalizer close it once no view holds it.
            del h

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Writer:
    """A bar file opened for writing, without truncating it (``format="auto"`` goes by the
    ``.bin``/``.csv`` extension). Exclusive: a second writer of the same file raises
    ``Status.BUSY``. The position starts at the first record; :meth:`seek_end` to add data."""

    def __init__(self, path, format="auto"):
        h = c_void_p()
        _check(_lib_.ohlcv_writer_open(_path(path), _format(format), byref(h)))
        self._h = _Handle(h.value, _lib_.ohlcv_writer_close)
        self.path = path

    def _handle(self):
        if self._h is None:
            raise OhlcvError(Status.BAD_HANDLE, f"{self.path}: writer is closed")
        return self._h.value

    def write_at(self, pos, bars):
        """Writes ``bars`` at byte offset ``pos``; returns the new position."""
        addr, n, keep = _as_c_bars(bars)
        end = c_uint64()
        _check(_lib_.ohlcv_writer_write_at(self._handle(), pos, addr, n, byref(end)))
        del keep
        return end.value

    def append(self, bars):
        """Writes ``bars`` at the current position; returns the new position."""
        addr, n, keep = _as_c_bars(bars)
        end = c_uint64()
        _check(_lib_.ohlcv_writer_append(self._handle(), addr, n, byref(end)))
        del keep
        return end.value

    def seek_end(self):
        """Moves to the end of the file; returns the position."""
        end = c_uint64()
        _check(_lib_.ohlcv_writer_seek_end(self._handle(), byref(end)))
        return end.value

    def truncate(self, length):
        """Cuts the file to ``length`` bytes (a record boundary)."""
        _check(_lib_.ohlcv_writer_truncate(self._handle(), length))

    def flush(self, sync=False):
        """Hands buffered rows to the OS; with ``sync``, makes them durable."""
        _check(_lib_.ohlcv_writer_flush(self._handle(), bool(sync)))

    def tell(self):
        """The current byte offset."""
        v = c_uint64()
        _check(_lib_.ohlcv_writer_tell(self._handle(), byref(v)))
        return v.value

    def info(self):
        """:class:`FileInfo` of the file."""
        i = _lib.FileInfo()
        _check(_lib_.ohlcv_writer_info(self._handle(), byref(i)))
        return _info(i)

    def close(self):
        """Flushes, syncs and closes; raises if the final flush fails. Idempotent."""
        h, self._h = self._h, None
        if h is not None:
            _check(h.close())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------------------------------
# Index files
# ------------------------------------------------------------------------------------------

IndexRecord = namedtuple("IndexRecord", "last_date in_pos out_pos")
IndexRecord.__doc__ = "An index: last processed date (YYYYMMDD) and byte offsets."

_INDEX_FORMATS = {"binary": 0, "bin": 0, "text": 1, "csv": 1}


def read_index(path, format="binary"):
    """Reads an index file; a missing file is ``IndexRecord(19700101, 0, 0)``."""
    rec = _lib.IndexRecord()
    _check(_lib_.ohlcv_index_read(_path(path), _INDEX_FORMATS.get(format, -1), byref(rec)))
    return IndexRecord(rec.last_date, rec.in_pos, rec.out_pos)


def write_index(path, record, format="binary"):
    """Writes an index file durably and atomically. ``record`` is an :class:`IndexRecord` or
    a ``(last_date, in_pos, out_pos)`` tuple."""
    last_date, in_pos, out_pos = record
    rec = _lib.IndexRecord(last_date, 0, in_pos, out_pos)
    _check(_lib_.ohlcv_index_write(_path(path), _INDEX_FORMATS.get(format, -1), byref(rec)))


# ------------------------------------------------------------------------------------------
# Reductions
# ------------------------------------------------------------------------------------------


def _reduce(f, bars):
    addr, n, keep = _as_c_bars(bars)
    out = c_double()
    _check(f(addr, n, byref(out)))
    del keep
    return out.value


def max_high(bars):
    """Highest non-NaN high (NaN when none)."""
    return _reduce(_lib_.ohlcv_bars_max_high, bars)


def min_low(bars):
    """Lowest non-NaN low (NaN when none)."""
    return _reduce(_lib_.ohlcv_bars_min_low, bars)


def first_open(bars):
    """First non-NaN open (NaN when none)."""
    return _reduce(_lib_.ohlcv_bars_first_open, bars)


def last_close(bars):
    """Last non-NaN close (NaN when none)."""
    return _reduce(_lib_.ohlcv_bars_last_close, bars)


def sum_volume(bars):
    """Sum of the non-NaN volumes in the SIMD kernels' fixed association (fast; not pandas')."""
    return _reduce(_lib_.ohlcv_bars_sum_volume, bars)


def sum_volume_kahan(bars):
    """Sum of the non-NaN volumes, bit-identical to pandas' compensated group sum."""
    return _reduce(_lib_.ohlcv_bars_sum_volume_kahan, bars)


def fold(bars):
    """All bars folded into one :class:`Bar` (as one resample bin), or None for no bars."""
    addr, n, keep = _as_c_bars(bars)
    out = Bar()
    found = c_bool()
    _check(_lib_.ohlcv_bars_fold(addr, n, byref(out), byref(found)))
    del keep
    return out if found.value else None


# ------------------------------------------------------------------------------------------
# Resampling
# ------------------------------------------------------------------------------------------

_SIDES = {None: 0, "left": 1, "right": 2}


def _resample_options(origin, closed, label, drop_nonpositive_volume, round_decimals):
    o = _lib.ResampleOptions()
    _check(_lib_.ohlcv_resample_options_default(byref(o)))
    o.origin = None if origin is None else str(origin).encode()
    for name, v in (("closed", closed), ("label", label)):
        if v not in _SIDES:
            raise ValueError(f"{name} must be 'left', 'right' or None, not {v!r}")
        setattr(o, name, _SIDES[v])
    o.round_decimals = -1 if round_decimals is None else int(round_decimals)
    o.drop_nonpositive_volume = bool(drop_nonpositive_volume)
    return o


def resample(
    bars,
    timeframe,
    *,
    origin=None,
    closed=None,
    label=None,
    drop_nonpositive_volume=True,
    round_decimals=8,
):
    """Resamples sorted bars into ``timeframe`` (``"5m"``, ``"4h,origin=03:00"``, ``"W-MON"``,
    ``"MS"``...). The defaults are the pipeline's: drop bars with volume <= 0, round to 8
    decimals; ``drop_nonpositive_volume=False, round_decimals=None`` is plain pandas
    ``resample().agg(first, max, min, last, sum)`` (without its empty bins). ``origin``,
    ``closed``, ``label`` (``'left'``/``'right'``) override the spec's options."""
    opts = _resample_options(origin, closed, label, drop_nonpositive_volume, round_decimals)
    addr, n, keep = _as_c_bars(bars)
    out = aligned_bars(max(n, 1))
    out_addr = out.ctypes.data if _np is not None else ctypes.addressof(out)
    written = c_size_t()
    _check(
        _lib_.ohlcv_resample(
            addr, n, str(timeframe).encode(), byref(opts), out_addr, n, byref(written)
        )
    )
    del keep
    result = out[: written.value]
    return result.copy() if _np is not None else result


class Resampler:
    """A streaming resampler (same arguments as :func:`resample`): push sorted bars in chunks
    of any size; closed bars come back from :meth:`push`, the last one from :meth:`finish`."""

    def __init__(
        self,
        timeframe,
        *,
        origin=None,
        closed=None,
        label=None,
        drop_nonpositive_volume=True,
        round_decimals=8,
    ):
        opts = _resample_options(origin, closed, label, drop_nonpositive_volume, round_decimals)
        h = c_void_p()
        _check(_lib_.ohlcv_resampler_new(str(timeframe).encode(), byref(opts), byref(h)))
        self._h = _Handle(h.value, _lib_.ohlcv_resampler_free)

    def _handle(self):
        if self._h is None:
            raise OhlcvError(Status.BAD_HANDLE, "resampler is closed")
        return self._h.value

    def push(self, bars):
        """Consumes all of ``bars``; returns the bars of the bins they closed."""
        addr, n, keep = _as_c_bars(bars)
        cap = n + 1
        out = aligned_bars(cap)
        out_addr = out.ctypes.data if _np is not None else ctypes.addressof(out)
        consumed = c_size_t()
        written = c_size_t()
        _check(
            _lib_.ohlcv_resampler_push(
                self._handle(), addr, n, out_addr, cap, byref(consumed), byref(written)
            )
        )
        del keep
        # Every bar holds at least one row, so n + 1 slots always take everything.
        assert consumed.value == n
        result = out[: written.value]
        return result.copy() if _np is not None else result

    def _optional_bar(self, f):
        b = Bar()
        found = c_bool()
        _check(f(self._handle(), byref(b), byref(found)))
        return b if found.value else None

    def forming(self):
        """The forming bar as it would be emitted now, or None."""
        return self._optional_bar(_lib_.ohlcv_resampler_forming)

    def finish(self):
        """Closes the forming bin: returns its bar (or None) and resets."""
        return self._optional_bar(_lib_.ohlcv_resampler_finish)

    def close(self):
        """Frees the native resampler. Idempotent."""
        h, self._h = self._h, None
        if h is not None:
            _check(h.close())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------------------------------
# Engine
# ------------------------------------------------------------------------------------------

EngineSummary = namedtuple(
    "EngineSummary",
    "symbols timeframes root_rows_in rows_in bars_out full_recomputes elapsed_seconds",
)
EngineSummary.__doc__ = "What :func:`run_engine` did."


def _csv_list(v):
    if v is None:
        return None
    if not isinstance(v, str):
        v = ",".join(v)
    return v.encode() if v else None


def run_engine(
    data_dir,
    *,
    mode="binary",
    timeframes=None,
    symbols=None,
    jobs=0,
    batch_rows=0,
    durability="full",
):
    """Runs the pipeline's incremental cascade over ``data_dir`` (holding ``aggregate/1m``).
    ``timeframes`` and ``symbols`` are lists or comma-separated strings (None: all);
    ``durability`` is ``"full"`` or ``"process"``; ``jobs=0`` uses every CPU;
    ``batch_rows=0`` the pipeline's 250 000."""
    modes = {"binary": 0, "bin": 0, "csv": 1}
    if mode not in modes:
        raise ValueError(f"mode must be 'binary' or 'csv', not {mode!r}")
    durabilities = {"full": 0, "process": 1}
    if durability not in durabilities:
        raise ValueError(f"durability must be 'full' or 'process', not {durability!r}")
    o = _lib.EngineOptions(
        modes[mode],
        durabilities[durability],
        _csv_list(timeframes),
        _csv_list(symbols),
        jobs,
        batch_rows,
    )
    s = _lib.EngineSummary()
    _check(_lib_.ohlcv_engine_run(_path(data_dir), byref(o), byref(s)))
    return EngineSummary(
        s.symbols,
        s.timeframes,
        s.root_rows_in,
        s.rows_in,
        s.bars_out,
        s.full_recomputes,
        s.elapsed_seconds,
    )


# ------------------------------------------------------------------------------------------
# pandas
# ------------------------------------------------------------------------------------------


def to_dataframe(bars):
    """A pandas DataFrame of ``bars``: index ``time`` (from ``ts`` in epoch milliseconds),
    columns ``open, high, low, close, volume`` (copied)."""
    import pandas as pd

    if _np is None:  # pragma: no cover - pandas requires numpy
        raise ImportError("to_dataframe needs numpy")
    if not isinstance(bars, _np.ndarray):
        addr, n, keep = _as_c_bars(bars)
        bars = _view(addr, n, keep)
    ohlcv = bars["ohlcv"]
    index = pd.to_datetime(bars["ts"].astype("int64"), unit="ms")
    index.name = "time"
    return pd.DataFrame(
        {
            "open": ohlcv[:, 0].copy(),
            "high": ohlcv[:, 1].copy(),
            "low": ohlcv[:, 2].copy(),
            "close": ohlcv[:, 3].copy(),
            "volume": ohlcv[:, 4].copy(),
        },
        index=index,
    )


def read_dataframe(path, format="auto"):
    """A bar file (binary or CSV) as a pandas DataFrame (see :func:`to_dataframe`)."""
    with Reader(path, format) as r:
        return to_dataframe(r.bars())


# ------------------------------------------------------------------------------------------
# Indicators (re-exported from ohlcv.indicators)
# ------------------------------------------------------------------------------------------

from . import indicators  # noqa: E402
from .indicators import *  # noqa: E402,F401,F403

__all__ += ["indicators"] + indicators.__all__
