#include "ohlcv.hpp"
#include "ohlcv.hpp"

#include <cstdio>

int ohlcv_test_double_include_a();

int main() {
    int failed = ohlcv_test_double_include_a();
    ohlcv::bar_vector v(2);
    failed += ohlcv::fold(v).has_value() ? 0 : 1;
    failed += ohlcv::version().empty() ? 1 : 0;
    std::printf("%d passed, %d failed\n", 3 - failed, failed);
    return failed;
}
