#!/usr/bin/env bash
# Builds the release library, then compiles and runs the C and C++ tests against both
# libohlcv.so and libohlcv.a, with strict warnings, under AddressSanitizer + UBSan, and under
# valgrind:
#
#   tests/c/test_api.c              the whole C API, every error path
#   tests/c/test_indicators.c       every indicator: batch, lookback, streaming state (peek,
#                                   save to a file and restore), many-series, errors; its outputs
#                                   are then compared with TA-Lib and pandas
#                                   (tests/python/check_c_indicators.py)
#   tests/c/header_standalone.c     ohlcv.h compiles alone; ohlcv_bar is a complete type
#   tests/c/double_include_{a,b}.c  two translation units including ohlcv.h, linked together
#   tests/cpp/test_raii.cpp         the C++ wrapper (C++17 and C++20)
#   tests/cpp/header_standalone*.cpp, tests/cpp/double_include_{a,b}.cpp  the same for C++
#   examples/cpp/quickstart.cpp     the C++ example builds and runs
#
# Usage: scripts/test-c.sh        (needs cargo, gcc, g++; valgrind for that step; python3 with
#                                  numpy, pandas and talib for the TA-Lib comparison)
# Environment: CC, CXX (default gcc, g++); OHLCV_SKIP_VALGRIND=1 skips valgrind; PYTHON (default
# python3). Without talib the comparison is skipped with a note, unless CI is set.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
CC=${CC:-gcc}
CXX=${CXX:-g++}

echo "== cargo build --release"
cargo build --release
lib="$root/target/release"

# The system libraries a program linking the static library needs, as rustc reports them.
# (cargo replays the note from its cache when nothing changed, so this is cheap after the
# first run.)
native=$(cargo rustc --release --lib --crate-type staticlib -- --print native-static-libs 2>&1 |
    sed -n 's/.*native-static-libs: //p' | tail -n 1)
if [ -z "$native" ]; then
    echo "could not get the native static libraries from rustc" >&2
    exit 1
fi
echo "== static link flags: $native"

out=$(mktemp -d "${TMPDIR:-/tmp}/ohlcv-test-c.XXXXXX")
trap 'rm -rf "$out"' EXIT

warn=(-Wall -Wextra -Wpedantic -Werror)
cflags=(-std=c11 "${warn[@]}" -g -O1 -Iinclude)
link_so=(-L"$lib" -lohlcv -Wl,-rpath,"$lib")
# shellcheck disable=SC2206 # the flags are words
link_a=("$lib/libohlcv.a" $native)
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
step() { # step NAME COMMAND... : runs a step, counts it, shows its time
    local name=$1
    shift
    local t0=$SECONDS
    if "$@" >"$out/step.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name ($((SECONDS - t0)) s)$(tail -n 1 "$out/step.log" | sed -n 's/^\([0-9]* passed, [0-9]* failed\)$/: \1/p')"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$out/step.log" | tail -n 60
    fi
}

# Header-only translation units.
step "C header standalone (c11)" "$CC" "${cflags[@]}" -c tests/c/header_standalone.c -o "$out/hs.o"
for std in c++17 c++20; do
    step "C++ headers standalone ($std)" sh -c "
        $CXX -std=$std ${warn[*]} -Iinclude -c tests/cpp/header_standalone.cpp -o '$out/hs_$std.o' &&
        $CXX -std=$std ${warn[*]} -Iinclude -c tests/cpp/header_standalone_c.cpp -o '$out/hsc_$std.o'"
done

# Two translation units each, linked against the .so and the .a.
step "C double include (.so)" sh -c "$CC ${cflags[*]} tests/c/double_include_a.c tests/c/double_include_b.c ${link_so[*]} -o '$out/di_c_so' && '$out/di_c_so'"
step "C double include (.a)" sh -c "$CC ${cflags[*]} tests/c/double_include_a.c tests/c/double_include_b.c ${link_a[*]} -o '$out/di_c_a' && '$out/di_c_a'"
step "C++ double include (c++17, .so)" sh -c "$CXX -std=c++17 ${warn[*]} -Iinclude tests/cpp/double_include_a.cpp tests/cpp/double_include_b.cpp ${link_so[*]} -o '$out/di_cpp_so' && '$out/di_cpp_so'"
step "C++ double include (c++20, .a)" sh -c "$CXX -std=c++20 ${warn[*]} -Iinclude tests/cpp/double_include_a.cpp tests/cpp/double_include_b.cpp ${link_a[*]} -o '$out/di_cpp_a' && '$out/di_cpp_a'"

# The C API test: shared, static, sanitizers, valgrind.
step "C API test (.so)" sh -c "$CC ${cflags[*]} tests/c/test_api.c ${link_so[*]} -lm -o '$out/api_so' && '$out/api_so' '$out/api_so.d'"
step "C API test (.a)" sh -c "$CC ${cflags[*]} tests/c/test_api.c ${link_a[*]} -o '$out/api_a' && '$out/api_a' '$out/api_a.d'"
step "C API test (ASan+UBSan, .so)" sh -c "$CC ${cflags[*]} ${sanitize[*]} tests/c/test_api.c ${link_so[*]} -lm -o '$out/api_asan' && '$out/api_asan' '$out/api_asan.d'"
if [ "${OHLCV_SKIP_VALGRIND:-0}" != 1 ]; then
    if command -v valgrind >/dev/null; then
        step "C API test (valgrind, .so)" valgrind -q --error-exitcode=9 --leak-check=full \
            --errors-for-leak-kinds=definite,possible --suppressions=tests/c/valgrind.supp \
            "$out/api_so" "$out/api_vg.d"
    else
        failed=$((failed + 1))
        echo "FAIL valgrind is not installed (apt-get install valgrind, or OHLCV_SKIP_VALGRIND=1)"
    fi
fi

# The indicators from C: shared, static, sanitizers, valgrind; then the outputs against TA-Lib.
ind_src=tests/c/test_indicators.c
step "C indicators test (.so)" sh -c "$CC ${cflags[*]} $ind_src ${link_so[*]} -lm -o '$out/ind_so' && '$out/ind_so' '$out/ind_so.d'"
step "C indicators test (.a)" sh -c "$CC ${cflags[*]} $ind_src ${link_a[*]} -o '$out/ind_a' && '$out/ind_a' '$out/ind_a.d'"
step "C indicators test (ASan+UBSan, .so)" sh -c "$CC ${cflags[*]} ${sanitize[*]} $ind_src ${link_so[*]} -lm -o '$out/ind_asan' && '$out/ind_asan' '$out/ind_asan.d'"
if [ "${OHLCV_SKIP_VALGRIND:-0}" != 1 ] && command -v valgrind >/dev/null; then
    step "C indicators test (valgrind, .so)" valgrind -q --error-exitcode=9 --leak-check=full \
        --errors-for-leak-kinds=definite,possible --suppressions=tests/c/valgrind.supp \
        "$out/ind_so" "$out/ind_vg.d"
fi
if [ -f "$out/ind_so.d/jobs.txt" ]; then
    rc=0
    "${PYTHON:-python3}" tests/python/check_c_indicators.py "$out/ind_so.d" >"$out/talib.log" 2>&1 || rc=$?
    if [ "$rc" -eq 3 ] && [ -z "${CI:-}" ]; then
        echo "skip C indicators vs TA-Lib and pandas: $(tail -n 1 "$out/talib.log")"
    else
        step "C indicators vs TA-Lib and pandas" sh -c "cat '$out/talib.log'; exit $rc"
    fi
fi

# The C++ wrapper test.
step "C++ wrapper test (c++17, .so)" sh -c "$CXX -std=c++17 ${warn[*]} -g -Iinclude tests/cpp/test_raii.cpp ${link_so[*]} -o '$out/raii17' && '$out/raii17' '$out/raii17.d'"
step "C++ wrapper test (c++17, .a)" sh -c "$CXX -std=c++17 ${warn[*]} -g -Iinclude tests/cpp/test_raii.cpp ${link_a[*]} -o '$out/raii17a' && '$out/raii17a' '$out/raii17a.d'"
step "C++ wrapper test (c++20, ASan+UBSan, .so)" sh -c "$CXX -std=c++20 ${warn[*]} -g ${sanitize[*]} -Iinclude tests/cpp/test_raii.cpp ${link_so[*]} -o '$out/raii20' && '$out/raii20' '$out/raii20.d'"

# The example.
step "C++ example (quickstart)" sh -c "$CXX -std=c++17 ${warn[*]} -Iinclude examples/cpp/quickstart.cpp ${link_so[*]} -o '$out/quickstart' && '$out/quickstart' '$out/quickstart.bin'"

# The pkg-config file, from an install-like prefix, for shared and static linking.
if command -v pkg-config >/dev/null; then
    prefix="$out/prefix"
    mkdir -p "$prefix/lib" "$prefix/include"
    cp include/ohlcv.h include/ohlcv.hpp "$prefix/include/"
    cp "$lib/libohlcv.so" "$lib/libohlcv.a" "$prefix/lib/"
    step "pkg-config file (write-pc.sh)" scripts/write-pc.sh "$prefix" "$out/pc/ohlcv.pc"
    export PKG_CONFIG_PATH="$out/pc"
    step "pkg-config: shared" sh -c "$CXX -std=c++17 examples/cpp/quickstart.cpp \$(pkg-config --cflags --libs ohlcv) -Wl,-rpath,'$prefix/lib' -o '$out/pc_so' && '$out/pc_so' '$out/pc_so.bin'"
    step "pkg-config: static" sh -c "$CXX -std=c++17 examples/cpp/quickstart.cpp \$(pkg-config --cflags ohlcv) \$(pkg-config --variable=libdir ohlcv)/libohlcv.a \$(pkg-config --variable=native_static_libs ohlcv) -o '$out/pc_a' && '$out/pc_a' '$out/pc_a.bin' && ! ldd '$out/pc_a' | grep -q libohlcv"
fi

echo "C/C++: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
