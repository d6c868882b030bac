"""Compares the outputs of tests/c/test_indicators.c with TA-Lib and the pandas formulas.

Usage: python3 check_c_indicators.py DIR

DIR is the directory test_indicators wrote: the input columns, jobs.txt (one reference job per
line, as indicator_ref.py reads them) and the C outputs c.JOB.K.f64. This script runs
indicator_ref.py on DIR (which writes JOB.K.f64), then requires every C output to have the
reference's NaN positions and values within 1e-10 relative / 1e-12 absolute, and reports how
many values are bit-identical; the last line is "N passed, N failed" (outputs). Exit status 0
when everything matches, 1 otherwise, 3 when numpy, pandas or talib cannot be imported.
"""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    root = sys.argv[1]
    try:
        import numpy as np
        import pandas  # noqa: F401  (indicator_ref needs it)
        import talib  # noqa: F401
    except ImportError as e:
        print(f"cannot compare with TA-Lib: {e}", file=sys.stderr)
        return 3
    subprocess.run([sys.executable, os.path.join(HERE, "indicator_ref.py"), root], check=True)
    bad, good, outputs, values, identical = 0, 0, 0, 0, 0
    with open(os.path.join(root, "jobs.txt")) as f:
        jobs = [line.split() for line in f if line.strip()]
    for parts in jobs:
        name, func = parts[0], parts[1]
        k = 0
        while os.path.exists(os.path.join(root, f"{name}.{k}.f64")):
            ref = np.fromfile(os.path.join(root, f"{name}.{k}.f64"), dtype="<f8")
            path = os.path.join(root, f"c.{name}.{k}.f64")
            if not os.path.exists(path):
                print(f"{name}.{k}: the C test wrote no output", file=sys.stderr)
                bad += 1
                k += 1
                continue
            got = np.fromfile(path, dtype="<f8")
            outputs += 1
            what = f"{name} ({func}) output {k}"
            before = bad
            if got.shape != ref.shape:
                print(f"{what}: {got.shape} values, reference {ref.shape}", file=sys.stderr)
                bad += 1
            elif not np.array_equal(np.isnan(got), np.isnan(ref)):
                i = int(np.argmax(np.isnan(got) != np.isnan(ref)))
                print(f"{what}: NaN positions differ first at {i}: {got[i]!r} vs {ref[i]!r}",
                      file=sys.stderr)
                bad += 1
            else:
                ok = ~np.isnan(ref)
                g, r = got[ok], ref[ok]
                close = np.abs(g - r) <= 1e-12 + 1e-10 * np.abs(r)
                if not close.all():
                    i = int(np.argmax(~close))
                    print(f"{what}: {g[i]!r} vs {r[i]!r} (finite value {i})", file=sys.stderr)
                    bad += 1
                values += int(ok.sum())
                identical += int((g.view("<u8") == r.view("<u8")).sum())
            good += bad == before
            k += 1
        if k == 0:
            print(f"{name}: no reference output", file=sys.stderr)
            bad += 1
    print(f"{outputs} outputs of {len(jobs)} jobs, {values} values, {identical} bit-identical")
    print(f"{good} passed, {bad} failed")
    if outputs == 0:
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
