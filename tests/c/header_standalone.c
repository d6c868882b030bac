/* ohlcv.h compiles on its own (no other include before it), and ohlcv_bar is a complete
 * type: an opaque struct (cbindgen without [layout] aligned_n) would fail to compile here. */
#include "ohlcv.h"

uint64_t ohlcv_test_standalone_c(const ohlcv_bar *b);

uint64_t ohlcv_test_standalone_c(const ohlcv_bar *b) {
    _Static_assert(sizeof(ohlcv_bar) == 64, "ohlcv_bar is 64 bytes");
    _Static_assert(_Alignof(ohlcv_bar) == 64, "ohlcv_bar is 64-byte aligned");
    _Static_assert(sizeof(ohlcv_index_record) == 24, "ohlcv_index_record is 24 bytes");
    ohlcv_status st = OHLCV_STATUS_OK;
    return b->ts + b->reserved[1] + (uint64_t)st + (uint64_t)OHLCV_ABI_VERSION;
}
