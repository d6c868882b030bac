#!/usr/bin/env bash
# Writes ohlcv.pc (pkg-config) from scripts/ohlcv.pc.in: the install prefix, the crate's
# version, and, for static linking (`pkg-config --static`), the system libraries the Rust
# static library needs as rustc reports them.
#
# Usage: scripts/write-pc.sh [PREFIX [OUTPUT]]
#   PREFIX  where lib/libohlcv.{so,a} and include/ohlcv.h{,pp} are installed (default /usr/local)
#   OUTPUT  the file to write (default target/release/ohlcv.pc)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${1:-/usr/local}
output=${2:-$root/target/release/ohlcv.pc}

cd "$root"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
native=$(cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)
if [ -z "$version" ] || [ -z "$native" ]; then
    echo "write-pc.sh: could not read the version or the native static libraries" >&2
    exit 1
fi
mkdir -p "$(dirname "$output")"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" -e "s|@NATIVE_STATIC_LIBS@|$native|" \
    scripts/ohlcv.pc.in >"$output"
echo "wrote $output (prefix $prefix, version $version)"
