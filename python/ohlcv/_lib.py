"""The ctypes layer: loading libohlcv, the C structures, and a prototype for every function.

Everything here mirrors ``include/ohlcv.h``. Each function gets its ``argtypes`` and
``restype`` declared (an undeclared one would silently truncate 64-bit values), and the
structures' sizes and field offsets are checked when the module is imported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from ctypes import (
    POINTER,
    Structure,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_int32,
    c_size_t,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path

# ------------------------------------------------------------------------------------------
# Finding the library
# ------------------------------------------------------------------------------------------

if sys.platform == "darwin":
    LIBRARY_FILE = "libohlcv.dylib"
elif sys.platform == "win32":
    LIBRARY_FILE = "ohlcv.dll"
else:
    LIBRARY_FILE = "libohlcv.so"


def candidate_paths(env=None, package_dir=None):
    """Where the library is looked for, in order (the system loader comes after these):

    1. the ``OHLCV_LIBRARY`` environment variable (a file path),
    2. next to this package (``ohlcv/libohlcv.so``, e.g. bundled into a wheel),
    3. ``target/release`` of the repository this package sits in (a source checkout).
    """
    env = os.environ if env is None else env
    package_dir = Path(__file__).resolve().parent if package_dir is None else Path(package_dir)
    paths = []
    if env.get("OHLCV_LIBRARY"):
        paths.append(Path(env["OHLCV_LIBRARY"]))
    paths.append(package_dir / LIBRARY_FILE)
    paths.append(package_dir.parent.parent / "target" / "release" / LIBRARY_FILE)
    return paths


def find_library(env=None, package_dir=None):
    """The path (or, for the system loader, the name) of the library to load."""
    env = os.environ if env is None else env
    paths = candidate_paths(env, package_dir)
    if env.get("OHLCV_LIBRARY"):
        # An explicit choice is never silently replaced by another library.
        return str(paths[0])
    for p in paths:
        if p.is_file():
            return str(p)
    return ctypes.util.find_library("ohlcv") or LIBRARY_FILE


def _load():
    name = find_library()
    try:
        # CDLL (not PyDLL): the GIL is released during every call, so threads run in parallel.
        return ctypes.CDLL(name)
    except OSError as e:
        raise ImportError(
            f"ohlcv: cannot load the native library {name!r} ({e}). Build it with "
            "`cargo build --release`, or set OHLCV_LIBRARY to the path of libohlcv.so."
        ) from e


# ------------------------------------------------------------------------------------------
# Structures
# ------------------------------------------------------------------------------------------


class Bar(Structure):
    """``ohlcv_bar``: one 64-byte record. ctypes places it only 8-byte aligned, which is fine
    for single bars; bar *buffers* passed to the library must be 64-byte aligned."""

    _fields_ = [
        ("ts", c_uint64),
        ("open", c_double),
        ("high", c_double),
        ("low", c_double),
        ("close", c_double),
        ("volume", c_double),
        ("reserved", c_uint64 * 2),
    ]

    def __repr__(self):
        return (
            f"Bar(ts={self.ts}, open={self.open!r}, high={self.high!r}, low={self.low!r}, "
            f"close={self.close!r}, volume={self.volume!r})"
        )

    def as_tuple(self):
        """``(ts, open, high, low, close, volume)``."""
        return (self.ts, self.open, self.high, self.low, self.close, self.volume)


class FileInfo(Structure):
    """``ohlcv_file_info``."""

    _fields_ = [
        ("format", c_int32),
        ("reserved", c_uint32),
        ("len_bytes", c_uint64),
        ("data_start", c_uint64),
    ]


class IndexRecord(Structure):
    """``ohlcv_index_record``."""

    _fields_ = [
        ("last_date", c_int32),
        ("reserved", c_uint32),
        ("in_pos", c_uint64),
        ("out_pos", c_uint64),
    ]


class ResampleOptions(Structure):
    """``ohlcv_resample_options``."""

    _fields_ = [
        ("origin", c_char_p),
        ("closed", c_int32),
        ("label", c_int32),
        ("round_decimals", c_int32),
        ("drop_nonpositive_volume", c_bool),
    ]


class EngineOptions(Structure):
    """``ohlcv_engine_options``."""

    _fields_ = [
        ("mode", c_int32),
        ("durability", c_int32),
        ("timeframes", c_char_p),
        ("symbols", c_char_p),
        ("jobs", c_size_t),
        ("batch_rows", c_size_t),
    ]


class EngineSummary(Structure):
    """``ohlcv_engine_summary``."""

    _fields_ = [
        ("symbols", c_uint64),
        ("timeframes", c_uint64),
        ("root_rows_in", c_uint64),
        ("rows_in", c_uint64),
        ("bars_out", c_uint64),
        ("full_recomputes", c_uint64),
        ("elapsed_seconds", c_double),
    ]


# Sizes and offsets as the C compiler lays the structures out (x86-64/aarch64 LP64).
LAYOUT = {
    Bar: (64, {"ts": 0, "open": 8, "high": 16, "low": 24, "close": 32, "volume": 40, "reserved": 48}),
    FileInfo: (24, {"format": 0, "reserved": 4, "len_bytes": 8, "data_start": 16}),
    IndexRecord: (24, {"last_date": 0, "reserved": 4, "in_pos": 8, "out_pos": 16}),
    ResampleOptions: (
        24,
        {"origin": 0, "closed": 8, "label": 12, "round_decimals": 16, "drop_nonpositive_volume": 20},
    ),
    EngineOptions: (
        40,
        {"mode": 0, "durability": 4, "timeframes": 8, "symbols": 16, "jobs": 24, "batch_rows": 32},
    ),
    EngineSummary: (
        56,
        {
            "symbols": 0,
            "timeframes": 8,
            "root_rows_in": 16,
            "rows_in": 24,
            "bars_out": 32,
            "full_recomputes": 40,
            "elapsed_seconds": 48,
        },
    ),
}


# The streaming indicator states (ohlcv_ind_<name>_state): a tag word and `opaque` words.
IND_STATE_WORDS = {
    "sma": 261,
    "ema": 10,
    "wma": 264,
    "dema": 16,
    "tema": 24,
    "rsi": 9,
    "macd": 30,
    "bbands": 267,
    "stddev": 266,
    "atr": 8,
    "trange": 2,
    "stoch": 1556,
    "willr": 1033,
    "cci": 260,
    "adx": 9,
    "mfi": 522,
    "obv": 3,
    "roc": 260,
    "mom": 260,
    "max": 517,
    "min": 517,
    "donchian": 1033,
    "vwap": 6,
}

#: ``{name: ctypes Structure}`` of the ``ohlcv_ind_<name>_state`` structs.
IND_STATES = {
    name: type(
        f"ohlcv_ind_{name}_state",
        (Structure,),
        {
            "_fields_": [("tag", c_uint64), ("opaque", c_uint64 * words)],
            "__doc__": f"``ohlcv_ind_{name}_state``: a plain value (tag + library state).",
        },
    )
    for name, words in IND_STATE_WORDS.items()
}

for _name, _words in IND_STATE_WORDS.items():
    LAYOUT[IND_STATES[_name]] = (8 + 8 * _words, {"tag": 0, "opaque": 8})


def check_layout():
    """Raises ImportError when a structure does not have the layout of ``ohlcv.h``."""
    for struct, (size, offsets) in LAYOUT.items():
        if ctypes.sizeof(struct) != size:
            raise ImportError(
                f"ohlcv: ctypes {struct.__name__} is {ctypes.sizeof(struct)} bytes, expected {size}"
            )
        for field, off in offsets.items():
            got = getattr(struct, field).offset
            if got != off:
                raise ImportError(
                    f"ohlcv: {struct.__name__}.{field} at offset {got}, expected {off}"
                )


check_layout()

# ------------------------------------------------------------------------------------------
# Prototypes: every function of ohlcv.h
# ------------------------------------------------------------------------------------------

status_t = c_int32
handle_t = c_void_p
bars_t = c_void_p  # const ohlcv_bar * / ohlcv_bar *: addresses of 64-byte aligned buffers
P = POINTER

PROTOTYPES = {
    # status, version, diagnostics
    "ohlcv_status_str": (c_char_p, [c_int32]),
    "ohlcv_last_error_message": (status_t, [P(c_char), c_size_t, P(c_size_t)]),
    "ohlcv_version": (c_char_p, []),
    "ohlcv_abi_version": (c_uint32, []),
    "ohlcv_simd_backend": (c_char_p, []),
    "ohlcv_handles_count": (status_t, [P(c_size_t)]),
    # buffers
    "ohlcv_bars_alloc": (status_t, [c_size_t, P(c_void_p)]),
    "ohlcv_bars_free": (None, [c_void_p]),
    # reductions
    "ohlcv_bars_max_high": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_min_low": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_first_open": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_last_close": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_sum_volume": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_sum_volume_kahan": (status_t, [bars_t, c_size_t, P(c_double)]),
    "ohlcv_bars_fold": (status_t, [bars_t, c_size_t, P(Bar), P(c_bool)]),
    # reader
    "ohlcv_reader_open": (status_t, [c_char_p, c_int32, P(handle_t)]),
    "ohlcv_reader_close": (status_t, [handle_t]),
    "ohlcv_reader_bars": (status_t, [handle_t, P(c_void_p), P(c_size_t)]),
    "ohlcv_reader_read": (status_t, [handle_t, bars_t, P(c_uint64), c_size_t, P(c_size_t)]),
    "ohlcv_reader_seek": (status_t, [handle_t, c_uint64]),
    "ohlcv_reader_tell": (status_t, [handle_t, P(c_uint64)]),
    "ohlcv_reader_eof": (status_t, [handle_t, P(c_bool)]),
    "ohlcv_reader_info": (status_t, [handle_t, P(FileInfo)]),
    # writer
    "ohlcv_writer_open": (status_t, [c_char_p, c_int32, P(handle_t)]),
    "ohlcv_writer_close": (status_t, [handle_t]),
    "ohlcv_writer_write_at": (status_t, [handle_t, c_uint64, bars_t, c_size_t, P(c_uint64)]),
    "ohlcv_writer_append": (status_t, [handle_t, bars_t, c_size_t, P(c_uint64)]),
    "ohlcv_writer_seek_end": (status_t, [handle_t, P(c_uint64)]),
    "ohlcv_writer_truncate": (status_t, [handle_t, c_uint64]),
    "ohlcv_writer_flush": (status_t, [handle_t, c_bool]),
    "ohlcv_writer_tell": (status_t, [handle_t, P(c_uint64)]),
    "ohlcv_writer_info": (status_t, [handle_t, P(FileInfo)]),
    # index files
    "ohlcv_index_read": (status_t, [c_char_p, c_int32, P(IndexRecord)]),
    "ohlcv_index_write": (status_t, [c_char_p, c_int32, P(IndexRecord)]),
    # resampling
    "ohlcv_resample_options_default": (status_t, [P(ResampleOptions)]),
    "ohlcv_resample": (
        status_t,
        [bars_t, c_size_t, c_char_p, P(ResampleOptions), bars_t, c_size_t, P(c_size_t)],
    ),
    "ohlcv_resampler_new": (status_t, [c_char_p, P(ResampleOptions), P(handle_t)]),
    "ohlcv_resampler_free": (status_t, [handle_t]),
    "ohlcv_resampler_push": (
        status_t,
        [handle_t, bars_t, c_size_t, bars_t, c_size_t, P(c_size_t), P(c_size_t)],
    ),
    "ohlcv_resampler_forming": (status_t, [handle_t, P(Bar), P(c_bool)]),
    "ohlcv_resampler_finish": (status_t, [handle_t, P(Bar), P(c_bool)]),
    # engine
    "ohlcv_engine_run": (status_t, [c_char_p, P(EngineOptions), P(EngineSummary)]),
}

# Indicators. Columns are passed as addresses (c_void_p) of contiguous float64 / uint64 arrays.
col_t = c_void_p
_i32, _f64, _sz = c_int32, c_double, c_size_t

# name: (number of input columns, parameters after the columns and n, number of outputs). The
# lookback and init functions take the same parameters.
_P = [_i32]
IND_BATCH = {
    "sma": (1, _P, 1),
    "ema": (1, [_i32, _i32], 1),
    "wma": (1, _P, 1),
    "dema": (1, _P, 1),
    "tema": (1, _P, 1),
    "rsi": (1, [_i32, _i32], 1),
    "macd": (1, [_i32, _i32, _i32, _i32], 3),
    "bbands": (1, [_i32, _f64, _f64], 3),
    "stddev": (1, [_i32, _f64], 1),
    "trange": (3, [], 1),
    "atr": (3, [_i32, _i32], 1),
    "stoch": (3, [_i32, _i32, _i32], 2),
    "willr": (3, _P, 1),
    "cci": (3, _P, 1),
    "adx": (3, _P, 3),
    "mfi": (4, _P, 1),
    "obv": (2, [], 1),
    "vwap": (5, [], 1),  # ts (uint64) first
    "roc": (1, _P, 1),
    "mom": (1, _P, 1),
    "max": (1, _P, 1),
    "min": (1, _P, 1),
    "donchian": (2, _P, 3),
}

# Inputs of a streaming update, by value: double, except VWAP's leading uint64 timestamp.
IND_STREAM_INPUTS = {name: [_f64] * ncols for name, (ncols, _p, _o) in IND_BATCH.items()}
IND_STREAM_INPUTS["vwap"] = [c_uint64] + [_f64] * 4


def _indicator_prototypes():
    protos = {}
    for name, (ncols, params, nout) in IND_BATCH.items():
        protos[f"ohlcv_ind_{name}"] = (
            status_t,
            [col_t] * ncols + [_sz] + params + [col_t] * nout,
        )
        lb_outs = [P(_sz), P(_sz)] if name == "adx" else [P(_sz)]
        protos[f"ohlcv_ind_{name}_lookback"] = (status_t, params + lb_outs)
        state = P(IND_STATES[name])
        ins = IND_STREAM_INPUTS[name]
        protos[f"ohlcv_ind_{name}_init"] = (status_t, params + [state])
        protos[f"ohlcv_ind_{name}_update"] = (status_t, [state] + ins + [P(_f64)] * nout)
        protos[f"ohlcv_ind_{name}_peek"] = (status_t, [state] + ins + [P(_f64)] * nout)
        protos[f"ohlcv_ind_{name}_reset"] = (status_t, [state])
    # Many series: (inputs..., n, n_inputs, parameter arrays..., n_params, convention,
    # outputs..., lanes); parameter arrays are addresses of int32 arrays.
    many = {"ema": (1, 1, 1), "rsi": (1, 1, 1), "atr": (3, 1, 1), "macd": (1, 3, 3)}
    for name, (ncols, nparams, nout) in many.items():
        protos[f"ohlcv_ind_{name}_many"] = (
            status_t,
            [col_t] * ncols + [_sz, _sz] + [c_void_p] * nparams + [_sz, _i32]
            + [col_t] * nout + [_sz],
        )
    return protos


PROTOTYPES.update(_indicator_prototypes())

lib = _load()
for _name, (_restype, _argtypes) in PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _restype
    _f.argtypes = _argtypes
del _name, _restype, _argtypes, _f

# Stable status codes (ohlcv_status).
STATUS_NAMES = [
    "OK",
    "INVALID_ARGUMENT",
    "NULL_POINTER",
    "MISALIGNED",
    "OVERFLOW",
    "INVALID_PATH",
    "BUFFER_TOO_SMALL",
    "IO",
    "NOT_FOUND",
    "BUSY",
    "TRUNCATED_FILE",
    "PARSE",
    "INDEX_CORRUPT",
    "INVALID_TIMEFRAME",
    "INVALID_DATA",
    "INDEX_MISMATCH",
    "UNKNOWN_FORMAT",
    "BAD_HANDLE",
    "PANIC",
    "UNSUPPORTED",
]

ABI_VERSION = 1
