// ohlcv.hpp (and through it ohlcv.h) compiles on its own, as C++17 and C++20.
#include "ohlcv.hpp"

std::uint64_t ohlcv_test_standalone_cpp(ohlcv::bar_span bars);

std::uint64_t ohlcv_test_standalone_cpp(ohlcv::bar_span bars) {
    static_assert(sizeof(ohlcv_bar) == 64, "ohlcv_bar is 64 bytes");
    static_assert(alignof(ohlcv_bar) == 64, "ohlcv_bar is 64-byte aligned");
    static_assert(alignof(ohlcv::bar) == 64, "ohlcv::bar is ohlcv_bar");
    return bars.empty() ? 0 : bars[0].ts;
}
