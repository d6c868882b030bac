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
