"""Readers, writers and index files from Python, checked against NumPy, pandas and the CLI."""

import ctypes
import gc
import subprocess

import numpy as np
import pandas as pd
import pytest

import ohlcv
from ohlcv import _lib

from conftest import make_bars


def test_binary_round_trip_and_zero_copy_view(tmp_path, bars):
    path = tmp_path / "EURUSD.bin"
    with ohlcv.Writer(path) as w:
        assert w.append(bars[:1000]) == 64 * 1000
        assert w.append(bars[1000:]) == 64 * len(bars)
        assert w.info() == ohlcv.FileInfo("binary", 64 * len(bars), 0)
    # NumPy reading the file (the pipeline's way) sees exactly what was written.
    on_disk = np.fromfile(path, dtype=ohlcv.DTYPE)
    assert np.array_equal(on_disk, bars)

    before = ohlcv.handles_count()
    r = ohlcv.Reader(path)
    view = r.bars()
    assert view.dtype == ohlcv.DTYPE and np.array_equal(view, bars)
    assert view.ctypes.data % 64 == 0
    assert not view.flags.writeable and not view.flags.owndata
    with pytest.raises(ValueError):
        view["ts"][0] = 1
    # The view is the reader's memory map: a second borrow is the same memory.
    assert r.bars().ctypes.data == view.ctypes.data
    # The view outlives close() and the reader object; the native reader goes with the view.
    r.close()
    with pytest.raises(ohlcv.OhlcvError) as e:
        r.bars()
    assert e.value.status == ohlcv.Status.BAD_HANDLE
    del r
    gc.collect()
    assert ohlcv.handles_count() == before + 1
    assert np.array_equal(view, bars)
    del view
    gc.collect()
    assert ohlcv.handles_count() == before


def test_batches_offsets_seek(tmp_path, bars):
    path = tmp_path / "a.bin"
    with ohlcv.Writer(path, "binary") as w:
        w.append(bars)
    with ohlcv.Reader(path) as r:
        got, offs = [], []
        while True:
            b, o = r.read(777)
            if len(b) == 0:
                break
            got.append(b.copy())
            offs.append(o.copy())
        assert r.eof
        assert np.array_equal(np.concatenate(got), bars)
        assert np.array_equal(np.concatenate(offs), 64 * np.arange(len(bars), dtype=np.uint64))
        r.seek(64 * 100)
        assert r.tell() == 6400 and not r.eof
        b, o = r.read(1)
        assert b[0] == bars[100] and o[0] == 6400
        with pytest.raises(ohlcv.OhlcvError) as e:
            r.seek(65)
        assert e.value.status == ohlcv.Status.INVALID_ARGUMENT
        assert "a.bin" in e.value.message


def test_csv_equals_pandas_and_the_cli(tmp_path, bars, cli):
    bin_path, csv_path, cli_csv = tmp_path / "a.bin", tmp_path / "a.csv", tmp_path / "cli.csv"
    with ohlcv.Writer(bin_path) as w:
        w.append(bars)
    with ohlcv.Writer(csv_path) as w:
        assert w.tell() == 32  # after the header
        w.append(bars)
        assert w.info().format == "csv"
    # Byte for byte what the CLI's converter writes.
    subprocess.run([cli, "convert", str(bin_path), str(cli_csv)], check=True, capture_output=True)
    assert csv_path.read_bytes() == cli_csv.read_bytes()
    # pandas reads the same values.
    df = pd.read_csv(csv_path, index_col="time", parse_dates=["time"])
    assert list(df.columns) == ["open", "high", "low", "close", "volume"]
    ours = ohlcv.read_dataframe(csv_path)
    pd.testing.assert_frame_equal(ours, df, check_freq=False, check_index_type=False)
    # The library's CSV reader: parsed once, offsets of rows.
    with ohlcv.Reader(csv_path) as r:
        assert np.array_equal(r.bars(), bars)
        b, o = r.read(3)
        text = csv_path.read_bytes()
        assert o[0] == 32 and text[o[1] - 1 : o[1]] == b"\n"
        assert text[o[2] :].startswith(pd.Timestamp(int(bars["ts"][2]), unit="ms").strftime(
            "%Y-%m-%d %H:%M:%S"
        ).encode())


def test_to_dataframe(bars):
    df = ohlcv.to_dataframe(bars)
    assert df.index.name == "time"
    assert list(df.columns) == ["open", "high", "low", "close", "volume"]
    assert df.index[0] == pd.Timestamp(int(bars["ts"][0]), unit="ms")
    assert np.array_equal(df["volume"].to_numpy(), bars["ohlcv"][:, 4])
    assert np.array_equal(df["high"].to_numpy(), bars["ohlcv"][:, 1])


def test_writer_accepts_tuples_ctypes_bars_and_unaligned_arrays(tmp_path):
    rows = [(60_000 * i, 1.0, 2.0, 0.5, 1.5, float(i + 1)) for i in range(10)]
    expect = ohlcv.aligned_bars(10)
    expect["ts"] = [r[0] for r in rows]
    expect["ohlcv"] = [r[1:] for r in rows]
    unaligned = np.zeros(64 * 10 + 8, np.uint8)[8:].view(ohlcv.DTYPE)
    unaligned[...] = expect
    assert unaligned.ctypes.data % 64 != 0
    cbars = (ohlcv.Bar * 10)(*[ohlcv.Bar(*r) for r in rows])
    for i, source in enumerate([rows, cbars, unaligned, expect[::1]]):
        path = tmp_path / f"{i}.bin"
        with ohlcv.Writer(path) as w:
            w.append(source)
        assert np.array_equal(np.fromfile(path, ohlcv.DTYPE), expect), type(source)


def test_write_at_truncate_seek_end(tmp_path, bars):
    path = tmp_path / "a.bin"
    with ohlcv.Writer(path) as w:
        w.append(bars[:100])
        w.truncate(64 * 50)
        assert w.tell() == 64 * 50
        w.write_at(64 * 50, bars[50:80])
        w.flush(sync=True)
    with ohlcv.Writer(path) as w:
        assert w.tell() == 0
        assert w.seek_end() == 64 * 80
        w.append(bars[80:90])
    assert np.array_equal(np.fromfile(path, ohlcv.DTYPE), bars[:90])


def test_file_errors(tmp_path, bars):
    # Missing file.
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.Reader(tmp_path / "missing.bin")
    assert e.value.status == ohlcv.Status.NOT_FOUND and "missing.bin" in e.value.message
    # A torn binary file.
    (tmp_path / "torn.bin").write_bytes(b"\x01" * 100)
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.Reader(tmp_path / "torn.bin")
    assert e.value.status == ohlcv.Status.TRUNCATED_FILE and "36 stray bytes" in e.value.message
    # A CSV row that does not parse: the message names the line and the column.
    (tmp_path / "bad.csv").write_text(
        "time,open,high,low,close,volume\n2024-01-01 00:00:00,1,2,0.5,1.5,10\n"
        "2024-01-01 00:01:00,1,2,0.5,x,10\n"
    )
    with ohlcv.Reader(tmp_path / "bad.csv") as r:
        with pytest.raises(ohlcv.OhlcvError) as e:
            r.bars()
    assert e.value.status == ohlcv.Status.PARSE
    assert "line 3" in e.value.message and "close" in e.value.message
    # A second writer on a file is busy.
    with ohlcv.Writer(tmp_path / "w.bin") as w:
        with pytest.raises(ohlcv.OhlcvError) as e:
            ohlcv.Writer(tmp_path / "w.bin")
        assert e.value.status == ohlcv.Status.BUSY
        w.append(bars[:1])
    # No telling extension.
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.Writer(tmp_path / "noext")
    assert e.value.status == ohlcv.Status.UNKNOWN_FORMAT
    # CSV cannot hold milliseconds.
    odd = bars[:2].copy()
    odd["ts"][1] += 500
    with ohlcv.Writer(tmp_path / "ms.csv") as w:
        with pytest.raises(ohlcv.OhlcvError) as e:
            w.append(odd)
        assert e.value.status == ohlcv.Status.INVALID_DATA
    # Closed objects.
    w = ohlcv.Writer(tmp_path / "c.bin")
    w.close()
    w.close()  # idempotent
    with pytest.raises(ohlcv.OhlcvError) as e:
        w.append(bars[:1])
    assert e.value.status == ohlcv.Status.BAD_HANDLE
    with pytest.raises(ValueError):
        ohlcv.Reader(tmp_path / "c.bin", format="parquet")


def test_raw_contract_through_ctypes(tmp_path, bars):
    lib = _lib.lib
    out = ctypes.c_double(7.0)
    # Misaligned bar buffer.
    st = lib.ohlcv_bars_max_high(bars.ctypes.data + 8, 2, ctypes.byref(out))
    assert st == ohlcv.Status.MISALIGNED and out.value == 7.0
    # Overflowing count.
    st = lib.ohlcv_bars_max_high(bars.ctypes.data, 2**63, ctypes.byref(out))
    assert st == ohlcv.Status.OVERFLOW
    # NULL with a count, NULL out-pointer.
    assert lib.ohlcv_bars_max_high(None, 3, ctypes.byref(out)) == ohlcv.Status.NULL_POINTER
    assert lib.ohlcv_bars_max_high(bars.ctypes.data, 3, None) == ohlcv.Status.NULL_POINTER
    # NULL and double-closed handles.
    pos = ctypes.c_uint64()
    assert lib.ohlcv_reader_tell(None, ctypes.byref(pos)) == ohlcv.Status.BAD_HANDLE
    path = tmp_path / "a.bin"
    with ohlcv.Writer(path) as w:
        w.append(bars[:10])
    h = ctypes.c_void_p()
    assert lib.ohlcv_reader_open(bytes(path), 2, ctypes.byref(h)) == 0
    assert lib.ohlcv_writer_tell(h, ctypes.byref(pos)) == ohlcv.Status.BAD_HANDLE
    assert lib.ohlcv_reader_close(h) == 0
    assert lib.ohlcv_reader_close(h) == ohlcv.Status.BAD_HANDLE
    assert lib.ohlcv_reader_close(None) == 0
    # Invalid UTF-8 path.
    st = lib.ohlcv_reader_open(bytes(tmp_path) + b"/\xff.bin", 2, ctypes.byref(h))
    assert st == ohlcv.Status.INVALID_PATH


def test_index_files(tmp_path):
    p = tmp_path / "idx" / "EURUSD.idx"
    assert ohlcv.read_index(p) == ohlcv.IndexRecord(19700101, 0, 0)
    for fmt in ["binary", "text"]:
        ohlcv.write_index(p, (20240131, 6400, 1280), fmt)
        assert ohlcv.read_index(p, fmt) == (20240131, 6400, 1280)
    assert p.read_bytes() == b"20240131\n6400\n1280"
    p.write_bytes(b"\x00" * 5)
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.read_index(p)
    assert e.value.status == ohlcv.Status.INDEX_CORRUPT and "EURUSD.idx" in e.value.message
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.read_index(p, "yaml")
    assert e.value.status == ohlcv.Status.INVALID_ARGUMENT


def test_empty_files(tmp_path):
    (tmp_path / "e.bin").write_bytes(b"")
    with ohlcv.Reader(tmp_path / "e.bin") as r:
        v = r.bars()
        assert len(v) == 0 and v.dtype == ohlcv.DTYPE
        b, o = r.read(10)
        assert len(b) == 0 and len(o) == 0 and r.eof
    with ohlcv.Writer(tmp_path / "e.csv") as w:
        pass
    assert (tmp_path / "e.csv").read_bytes() == b"time,open,high,low,close,volume\n"
    with ohlcv.Reader(tmp_path / "e.csv") as r:
        assert len(r.bars()) == 0 and r.info().data_start == 32
