#include "ohlcv.h"
#include "ohlcv.h"

#include <stdio.h>
#include <string.h>

int ohlcv_test_double_include_a(void);

int main(void) {
    int failed = ohlcv_test_double_include_a();
    failed += strcmp(ohlcv_status_str(OHLCV_STATUS_OK), "ok") != 0;
    printf("%d passed, %d failed\n", 2 - failed, failed);
    return failed;
}
