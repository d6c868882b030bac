"""The binding itself: structure layouts, a prototype for every C function, status codes,
versions, and where the library is looked for."""

import ctypes
import os
import re
from pathlib import Path

import numpy as np
import pytest

import ohlcv
from ohlcv import _lib

from conftest import REPO


def header_functions(header):
    """``{name: number of parameters}`` of every function declared in ohlcv.h."""
    decls = re.findall(r"^[a-z][\w ]*?\**\s*\**(ohlcv_\w+)\(([^;]*?)\);", header, re.M | re.S)
    out = {}
    for name, params in decls:
        params = " ".join(params.split())
        out[name] = 0 if params in ("", "void") else params.count(",") + 1
    return out


def test_every_header_function_has_a_full_prototype(header_text):
    funcs = header_functions(header_text)
    assert len(funcs) > 40
    assert set(funcs) == set(_lib.PROTOTYPES), "ohlcv.h and _lib.PROTOTYPES list other functions"
    for name, nparams in funcs.items():
        restype, argtypes = _lib.PROTOTYPES[name]
        f = getattr(_lib.lib, name)
        assert f.argtypes == argtypes and len(argtypes) == nparams, name
        assert f.restype is restype, name
        if restype is ctypes.c_int32:
            # Every fallible function returns ohlcv_status.
            assert re.search(rf"ohlcv_status {name}\(", header_text), name


def test_structures_have_the_c_layout(header_text):
    _lib.check_layout()
    assert ctypes.sizeof(ohlcv.Bar) == 64
    assert ohlcv.DTYPE.itemsize == 64
    assert ohlcv.DTYPE.fields["ts"][1] == ohlcv.Bar.ts.offset == 0
    assert ohlcv.DTYPE.fields["ohlcv"][1] == ohlcv.Bar.open.offset == 8
    assert ohlcv.DTYPE.fields["padding"][1] == ohlcv.Bar.reserved.offset == 48
    # Field order of each C struct, as in the header.
    for struct, cname in [
        (_lib.ResampleOptions, "ohlcv_resample_options"),
        (_lib.EngineOptions, "ohlcv_engine_options"),
        (_lib.EngineSummary, "ohlcv_engine_summary"),
        (_lib.FileInfo, "ohlcv_file_info"),
        (_lib.IndexRecord, "ohlcv_index_record"),
    ]:
        body = re.search(rf"typedef struct {cname} \{{(.*?)\}} {cname};", header_text, re.S)
        assert body, cname
        code = re.sub(r"/\*.*?\*/", "", body.group(1), flags=re.S)
        fields = re.findall(r"(\w+)(?:\[\d+\])?;", code)
        assert fields == [f[0] for f in struct._fields_], cname


def test_status_codes_match_the_header(header_text):
    codes = dict(
        (name, int(v)) for name, v in re.findall(r"OHLCV_STATUS_(\w+) = (\d+)", header_text)
    )
    assert codes == {s.name: s.value for s in ohlcv.Status}
    for s in ohlcv.Status:
        text = _lib.lib.ohlcv_status_str(s.value).decode()
        assert text and text != "unknown status"


def test_versions_agree():
    pyproject = (REPO / "python" / "pyproject.toml").read_text()
    version = re.search(r'^version = "(.*)"', pyproject, re.M).group(1)
    cargo = re.search(r'^version = "(.*)"', (REPO / "Cargo.toml").read_text(), re.M).group(1)
    assert ohlcv.version() == ohlcv.__version__ == version == cargo
    assert ohlcv.abi_version() == _lib.ABI_VERSION
    assert ohlcv.simd_backend() in {"scalar", "wide", "avx2", "avx512"}


def test_library_search_order(tmp_path):
    pkg = tmp_path / "checkout" / "python" / "ohlcv"
    pkg.mkdir(parents=True)
    release = tmp_path / "checkout" / "target" / "release"
    release.mkdir(parents=True)
    name = _lib.LIBRARY_FILE
    # Nothing found: the system loader's name.
    found = _lib.find_library(env={}, package_dir=pkg)
    assert found in (name, ctypes.util.find_library("ohlcv"))
    # The repository's target/release.
    (release / name).write_bytes(b"")
    assert _lib.find_library(env={}, package_dir=pkg) == str(release / name)
    # Next to the package wins over target/release.
    (pkg / name).write_bytes(b"")
    assert _lib.find_library(env={}, package_dir=pkg) == str(pkg / name)
    # The environment variable wins over everything, even when the file is missing.
    env = {"OHLCV_LIBRARY": str(tmp_path / "elsewhere.so")}
    assert _lib.find_library(env=env, package_dir=pkg) == str(tmp_path / "elsewhere.so")


def test_installed_package_is_the_one_imported():
    if os.environ.get("OHLCV_EXPECT_INSTALLED"):
        # scripts/test-python.sh installed the package into a virtual environment.
        assert "site-packages" in Path(ohlcv.__file__).parts, ohlcv.__file__
    assert Path(ohlcv.library_path()).name == _lib.LIBRARY_FILE


def test_aligned_bars_are_aligned_and_zeroed():
    for n in [1, 2, 3, 17, 1000]:
        b = ohlcv.aligned_bars(n)
        assert b.dtype == ohlcv.DTYPE and len(b) == n
        assert b.ctypes.data % 64 == 0
        assert not b["ts"].any() and not b["ohlcv"].any()


def test_errors_carry_status_and_message():
    with pytest.raises(ohlcv.OhlcvError) as e:
        ohlcv.resample(np.zeros(0, ohlcv.DTYPE), "9 parsecs")
    assert e.value.status == ohlcv.Status.INVALID_TIMEFRAME
    assert "9 parsecs" in e.value.message
    assert str(e.value).startswith("INVALID_TIMEFRAME: ")
