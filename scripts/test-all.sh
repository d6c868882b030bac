#!/usr/bin/env bash
# Every test: formatting and lints, Rust (unit, integration with the pandas/NumPy/TA-Lib
# references, doc), the no_std core build, C and C++ (against libohlcv.so and libohlcv.a, under
# AddressSanitizer/UBSan and valgrind) and Python.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "test dependencies"
scripts/install-test-deps.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --all-targets --quiet -- -D warnings

step "no_std core builds"
cargo rustc --quiet --lib --no-default-features --crate-type rlib

step "Rust tests"
cargo test --quiet

step "C and C++ tests"
scripts/test-c.sh

step "Python tests"
scripts/test-python.sh

printf '\nall tests passed\n'
