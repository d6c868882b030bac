#!/usr/bin/env bash
# Installs what the tests need beyond the Rust toolchain, gcc/g++ and python3, when missing:
# the Python reference libraries (NumPy, pandas, TA-Lib's Python package, pytest) and valgrind.
# Idempotent: does nothing when everything is present.
set -euo pipefail

py_modules="numpy pandas talib pytest"
missing=""
for m in $py_modules; do
  python3 -c "import $m" 2>/dev/null || missing="$missing $m"
done
if [ -n "$missing" ]; then
  echo "installing Python test dependencies:$missing"
  # The distribution name of the talib module is ta-lib (its wheels bundle the C library).
  pkgs=$(echo "$missing" | sed 's/\btalib\b/ta-lib/')
  python3 -m pip install --quiet --disable-pip-version-check $pkgs \
    || python3 -m pip install --quiet --disable-pip-version-check --user $pkgs \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages $pkgs
fi

if ! command -v valgrind >/dev/null 2>&1; then
  echo "installing valgrind"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq valgrind >/dev/null
fi
