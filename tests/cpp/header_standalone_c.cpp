// The C header alone compiles as C++ (cpp_compat), with its enums typed as int32_t.
#include "ohlcv.h"

#include <type_traits>

static_assert(std::is_same<std::underlying_type<ohlcv_status>::type, int32_t>::value,
              "ohlcv_status is int32_t");

int ohlcv_test_standalone_c_header(const ohlcv_bar *b);

int ohlcv_test_standalone_c_header(const ohlcv_bar *b) {
    return b->open > 0.0 ? static_cast<int>(OHLCV_FORMAT_CSV) : 0;
}
