"""The binding from several threads: ctypes releases the GIL around each call and the library
is thread-safe (per-handle calls serialised, last-error messages per thread)."""

import threading
import time

import numpy as np

import ohlcv

from conftest import make_bars


def run_threads(targets):
    """Runs the callables in threads; returns the exceptions they raised."""
    errors = []

    def wrap(f):
        def run():
            try:
                f()
            except BaseException as e:  # noqa: BLE001 - reported to the test
                errors.append(e)

        return run

    threads = [threading.Thread(target=wrap(f)) for f in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a thread hung"
    return errors


def test_four_readers_while_one_writes(tmp_path):
    data = make_bars(64 * 150, seed=21)
    path = tmp_path / "live.bin"
    with ohlcv.Writer(path):
        pass  # an empty file, so readers can open it from the start
    done = threading.Event()
    lengths = [set() for _ in range(4)]
    highs = np.maximum.accumulate(data["ohlcv"][:, 1])

    def writer():
        try:
            with ohlcv.Writer(path) as w:
                # One 4 KiB page (64 bars) per append: the file always holds whole records.
                for i in range(0, len(data), 64):
                    w.append(data[i : i + 64])
                    w.flush()
                    time.sleep(0.001)
        finally:
            done.set()

    def reader(k):
        def run():
            while True:
                finished = done.is_set()
                with ohlcv.Reader(path) as r:
                    view = r.bars()
                    n = len(view)
                    # Whatever length a reader sees, it is a prefix of what is being written.
                    assert np.array_equal(view, data[:n]), f"reader {k} at {n}"
                    if n:
                        assert ohlcv.max_high(view) == highs[n - 1]
                        assert ohlcv.sum_volume_kahan(view) == data["ohlcv"][:n, 4].sum()
                    lengths[k].add(n)
                    del view
                if finished:
                    return

        return run

    errors = run_threads([writer] + [reader(k) for k in range(4)])
    assert not errors, errors
    seen = set().union(*lengths)
    assert len(data) in seen, "the readers saw the finished file"
    assert all(lengths), "every reader ran"
    assert len(seen) >= 2, f"the readers saw the file grow: {sorted(seen)}"
    assert np.array_equal(np.fromfile(path, ohlcv.DTYPE), data)


def test_one_reader_shared_by_four_threads(tmp_path):
    data = make_bars(20_000, seed=22)
    path = tmp_path / "shared.csv"
    with ohlcv.Writer(path) as w:
        w.append(data)
    got = [[] for _ in range(4)]
    with ohlcv.Reader(path) as r:

        def worker(k):
            def run():
                while True:
                    b, o = r.read(97)
                    if len(b) == 0:
                        return
                    got[k].append((o.copy(), b.copy()))

            return run

        errors = run_threads([worker(k) for k in range(4)])
        assert not errors, errors
        assert r.eof
    # Each batch went to exactly one thread; together they are the whole file, once.
    offsets = np.concatenate([o for g in got for o, _ in g])
    bars = np.concatenate([b for g in got for _, b in g])
    order = np.argsort(offsets)
    assert len(np.unique(offsets)) == len(data)
    assert np.array_equal(bars[order], data)


def test_compute_in_parallel_equals_serial():
    data = make_bars(50_000, seed=23)
    want = {
        "1h": ohlcv.resample(data, "1h"),
        "4h": ohlcv.resample(data, "4h"),
        "sum": ohlcv.sum_volume_kahan(data),
    }

    def worker():
        for _ in range(5):
            assert np.array_equal(ohlcv.resample(data, "1h"), want["1h"])
            assert np.array_equal(ohlcv.resample(data, "4h"), want["4h"])
            assert ohlcv.sum_volume_kahan(data) == want["sum"]

    errors = run_threads([worker] * 4)
    assert not errors, errors


def test_error_messages_stay_with_their_thread(tmp_path):
    def worker(k):
        def run():
            for i in range(200):
                name = f"missing-{k}-{i}.bin"
                try:
                    ohlcv.Reader(tmp_path / name)
                except ohlcv.OhlcvError as e:
                    assert e.status == ohlcv.Status.NOT_FOUND
                    assert name in e.message, (name, e.message)
                else:
                    raise AssertionError("opened a missing file")

        return run

    errors = run_threads([worker(k) for k in range(4)])
    assert not errors, errors
