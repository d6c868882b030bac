#!/usr/bin/env bash
# Builds the release library and CLI, installs the Python package (python/) into a throwaway
# virtual environment with `pip install ./python`, and runs its pytest suite (python/tests)
# against target/release/libohlcv.so. Without network or pip, the source tree is tested
# through PYTHONPATH instead.
#
# Usage: scripts/test-python.sh [PYTEST ARGS...]
# Needs python3 with pytest, numpy and pandas (the virtual environment sees them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PYTHON=${PYTHON:-python3}

echo "== cargo build --release"
cargo build --release

export OHLCV_LIBRARY="$root/target/release/libohlcv.so"
export OHLCV_CLI="$root/target/release/ohlcv"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ohlcv-test-python.XXXXXX")
trap 'rm -rf "$tmp"; rm -rf "$root/python/build" "$root"/python/*.egg-info' EXIT

# setuptools reuses python/build: start clean so no stale file is installed.
rm -rf "$root/python/build" "$root"/python/*.egg-info
py="$tmp/venv/bin/python"
if "$PYTHON" -m venv --system-site-packages "$tmp/venv" &&
    "$py" -m pip install --quiet --disable-pip-version-check ./python; then
    echo "== installed with pip install ./python into a virtual environment"
    export OHLCV_EXPECT_INSTALLED=1
else
    echo "== pip install ./python unavailable here: testing the source tree via PYTHONPATH"
    py=$PYTHON
    export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
fi

# From a directory outside the repository, so `import ohlcv` cannot pick up the source tree.
cd "$tmp"
"$py" -m pytest -q -p no:cacheprovider "$root/python/tests" "$@"
