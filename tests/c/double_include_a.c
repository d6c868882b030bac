/* Two translation units include ohlcv.h (twice each) and are linked together with the
 * library: the header must hold no definitions that would collide. */
#include "ohlcv.h"
#include "ohlcv.h"

int ohlcv_test_double_include_a(void);

int ohlcv_test_double_include_a(void) {
    return ohlcv_abi_version() == OHLCV_ABI_VERSION ? 0 : 1;
}
