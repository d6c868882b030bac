// Two translation units include ohlcv.hpp (twice each) and use its inline functions and
// classes; linking them together catches any non-inline definition in the header.
#include "ohlcv.hpp"
#include "ohlcv.hpp"

int ohlcv_test_double_include_a();

int ohlcv_test_double_include_a() {
    ohlcv::bar_vector v(4);
    for (std::size_t i = 0; i < v.size(); i++) {
        v[i].ts = 60000 * i;
        v[i].high = static_cast<double>(i);
    }
    return ohlcv::max_high(v) == 3.0 ? 0 : 1;
}
