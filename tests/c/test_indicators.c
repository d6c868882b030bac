/*
 * The indicators' C API from C: every batch function on a random walk, each streaming state
 * against its batch function bar by bar (peek included), a state saved to a file mid-series and
 * restored into a fresh variable continuing bit for bit, lookbacks against the leading NaNs,
 * the many-series calls against single calls, in-place calls, and the error paths. Prints
 * "N passed, N failed" last and exits non-zero on any failure.
 *
 * Usage: test_indicators OUT_DIR
 *
 * OUT_DIR receives the gap-free input columns (c.FIELD.f64, c.ts.u64), every batch output
 * (c.JOB.K.f64) and jobs.txt in the format of tests/python/indicator_ref.py, so that
 * tests/python/check_c_indicators.py can compare the outputs with TA-Lib and pandas.
 * Run by scripts/test-c.sh against libohlcv.so and libohlcv.a, under AddressSanitizer + UBSan
 * and under valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include "ohlcv.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int passed;
static int failed;

static const char *last_error(void) {
    static char buf[1024];
    size_t n = 0;
    if (ohlcv_last_error_message(buf, sizeof buf, &n) != OHLCV_STATUS_OK) {
        return "(could not read the last error)";
    }
    return buf;
}

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_ST(call, want)                                                                  \
    do {                                                                                      \
        ohlcv_status rc_ = (call);                                                            \
        if (rc_ == (want)) {                                                                  \
            passed++;                                                                         \
        } else {                                                                              \
            failed++;                                                                         \
            fprintf(stderr, "%s:%d: %s\n  returned %d (%s), wanted %d (%s)\n  last error: %s\n", \
                    __FILE__, __LINE__, #call, (int)rc_, ohlcv_status_str((int32_t)rc_),      \
                    (int)(want), ohlcv_status_str((int32_t)(want)), last_error());            \
        }                                                                                     \
    } while (0)

#define CHECK_OK(call) CHECK_ST(call, OHLCV_STATUS_OK)

/* The last error message contains `needle`. */
#define CHECK_MSG(needle)                                                                 \
    do {                                                                                  \
        const char *m_ = last_error();                                                    \
        if (strstr(m_, (needle)) != NULL) {                                               \
            passed++;                                                                     \
        } else {                                                                          \
            failed++;                                                                     \
            fprintf(stderr, "%s:%d: last error %s lacks \"%s\"\n", __FILE__, __LINE__, m_, \
                    (needle));                                                            \
        }                                                                                 \
    } while (0)

/* ------------------------------------------------------------------------------------------ */
/* Data                                                                                       */
/* ------------------------------------------------------------------------------------------ */

#define N 600
#define SAVE 237

typedef struct {
    uint64_t ts[N];
    double high[N], low[N], close[N], volume[N];
} series;

static uint64_t rng_state;

static double uniform(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* A random walk with flat stretches (half of them without volume) and 1-minute bars whose
   holes cross UTC days; `gaps` puts a few non-finite values in. */
static void make_series(series *d, uint64_t seed, int gaps) {
    rng_state = seed;
    double price = 100.0;
    uint64_t ts = 1704150000000ULL;
    int flat = 0;
    for (size_t i = 0; i < N; i++) {
        ts += 60000ULL * (uniform() < 0.02 ? 97 : 1);
        if (i > 40 && flat == 0 && uniform() < 0.015) {
            flat = 3 + (int)(uniform() * 15);
        }
        if (flat > 0) {
            flat--;
            d->high[i] = d->low[i] = d->close[i] = price;
            d->volume[i] = uniform() < 0.5 ? 0.0 : 7.0;
        } else {
            double c = price * (1.0 + 0.01 * (uniform() - 0.5));
            d->high[i] = (price > c ? price : c) * (1.0 + 0.003 * uniform());
            d->low[i] = (price < c ? price : c) * (1.0 - 0.003 * uniform());
            d->close[i] = c;
            d->volume[i] = floor(uniform() * 1000.0) + 1.0;
            price = c;
        }
        d->ts[i] = ts;
    }
    if (gaps) {
        d->close[120] = NAN;
        d->high[300] = INFINITY;
        d->low[301] = NAN;
        d->volume[450] = NAN;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */
/* ------------------------------------------------------------------------------------------ */

static char out_dir[512];

/* Bit-identical, NaN matching NaN. */
static int same(double a, double b) {
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static int check_same(const char *what, const double *a, const double *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!same(a[i], b[i])) {
            failed++;
            fprintf(stderr, "%s[%zu]: %.17g != %.17g\n", what, i, a[i], b[i]);
            return 0;
        }
    }
    passed++;
    return 1;
}

static size_t leading_nans(const double *x, size_t n) {
    size_t k = 0;
    while (k < n && isnan(x[k])) {
        k++;
    }
    return k;
}

static void write_file(const char *name, const void *data, size_t bytes) {
    char path[700];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fwrite(data, 1, bytes, f) == bytes);
        CHECK(fclose(f) == 0);
    }
}

static void read_file(const char *name, void *data, size_t bytes) {
    char path[700];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fread(data, 1, bytes, f) == bytes);
        fclose(f);
    }
}

static FILE *jobs;

/* Writes output `k` of job `job` (c.JOB.K.f64). */
static void write_output(const char *job, int k, const double *x) {
    char name[128];
    snprintf(name, sizeof name, "c.%s.%d.f64", job, k);
    write_file(name, x, N * sizeof(double));
}

/* Records a TA-Lib / pandas reference job for check_c_indicators.py. */
static void job(const char *line) {
    if (jobs != NULL) {
        fprintf(jobs, "%s\n", line);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Streaming against batch                                                                    */
/* ------------------------------------------------------------------------------------------ */

/*
 * Runs the state `st_` (already initialised) over all bars: peek, then update, each compared
 * with the batch outputs; at bar SAVE the state's bytes go to a file. Afterwards a fresh
 * variable is filled from the file and replays bars SAVE.. with identical outputs and ends with
 * identical bytes. UPDATE and PEEK are calls using the bar index `i_` and the output pointers
 * `o_[0]`, `o_[1]`, `o_[2]`.
 */
#define STREAM(NAME, K, BATCH, UPDATE, PEEK)                                                   \
    do {                                                                                       \
        double got_[3][N], pk_[3][N];                                                          \
        ohlcv_ind_##NAME##_state saved_, end_;                                                 \
        double *o_[3];                                                                         \
        for (size_t i_ = 0; i_ < N; i_++) {                                                    \
            if (i_ == SAVE) {                                                                  \
                write_file("state." #NAME ".bin", &st_, sizeof st_);                           \
            }                                                                                  \
            ohlcv_ind_##NAME##_state before_;                                                  \
            memcpy(&before_, &st_, sizeof st_);                                                \
            for (int k_ = 0; k_ < 3; k_++) o_[k_] = &pk_[k_][i_];                              \
            CHECK_OK(PEEK);                                                                    \
            CHECK(memcmp(&before_, &st_, sizeof st_) == 0);                                    \
            for (int k_ = 0; k_ < 3; k_++) o_[k_] = &got_[k_][i_];                             \
            CHECK_OK(UPDATE);                                                                  \
        }                                                                                      \
        memcpy(&end_, &st_, sizeof st_);                                                       \
        for (int k_ = 0; k_ < (K); k_++) {                                                     \
            check_same(#NAME " stream", got_[k_], (BATCH)[k_], N);                             \
            check_same(#NAME " peek", pk_[k_], (BATCH)[k_], N);                                \
        }                                                                                      \
        read_file("state." #NAME ".bin", &saved_, sizeof saved_);                              \
        memcpy(&st_, &saved_, sizeof st_);                                                     \
        double again_[3][N];                                                                   \
        for (size_t i_ = SAVE; i_ < N; i_++) {                                                 \
            for (int k_ = 0; k_ < 3; k_++) o_[k_] = &again_[k_][i_];                           \
            CHECK_OK(UPDATE);                                                                  \
        }                                                                                      \
        for (int k_ = 0; k_ < (K); k_++) {                                                     \
            check_same(#NAME " restored", again_[k_] + SAVE, (BATCH)[k_] + SAVE, N - SAVE);    \
        }                                                                                      \
        CHECK(memcmp(&end_, &st_, sizeof st_) == 0);                                           \
        CHECK_OK(ohlcv_ind_##NAME##_reset(&st_));                                              \
        for (size_t i_ = 0; i_ < 50; i_++) {                                                   \
            for (int k_ = 0; k_ < 3; k_++) o_[k_] = &again_[k_][i_];                           \
            CHECK_OK(UPDATE);                                                                  \
        }                                                                                      \
        for (int k_ = 0; k_ < (K); k_++) {                                                     \
            check_same(#NAME " after reset", again_[k_], (BATCH)[k_], 50);                     \
        }                                                                                      \
    } while (0)

/* Checks that every output of a job has `lookback` leading NaNs (gap-free data only). */
static void check_lookback(const char *what, double (*outs)[N], int k, size_t lookback) {
    for (int j = 0; j < k; j++) {
        if (leading_nans(outs[j], N) != lookback) {
            failed++;
            fprintf(stderr, "%s output %d: %zu leading NaNs, lookback %zu\n", what, j,
                    leading_nans(outs[j], N), lookback);
        } else {
            passed++;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Every indicator                                                                            */
/* ------------------------------------------------------------------------------------------ */

static double out[4][N];

/* With `talib`, writes the K outputs of a job for the TA-Lib comparison. */
#define DONE(JOB, K)                              \
    do {                                          \
        if (talib) {                              \
            for (int k__ = 0; k__ < (K); k__++) { \
                write_output(JOB, k__, out[k__]); \
            }                                     \
        }                                         \
    } while (0)

/* Every indicator on `d`: batch, lookback, streaming. With `talib`, the data is gap-free: the
   lookbacks are checked and the outputs written for the TA-Lib comparison. */
static void test_averages(const series *d, int talib) {
    const double *h = d->high, *l = d->low, *c = d->close, *v = d->volume;
    size_t lb = 0, lb2 = 0;
    (void)h, (void)l, (void)v, (void)lb2;

    /* SMA */
    CHECK_OK(ohlcv_ind_sma(c, N, 10, out[0]));
    CHECK_OK(ohlcv_ind_sma_lookback(10, &lb));
    CHECK(lb == 9);
    if (talib) check_lookback("sma", out, 1, lb);
    DONE("sma", 1);
    job("sma SMA c 10");
    {
        ohlcv_ind_sma_state st_;
        CHECK_OK(ohlcv_ind_sma_init(10, &st_));
        STREAM(sma, 1, out, ohlcv_ind_sma_update(&st_, c[i_], o_[0]),
               ohlcv_ind_sma_peek(&st_, c[i_], o_[0]));
    }
    /* EMA, both conventions */
    CHECK_OK(ohlcv_ind_ema(c, N, 10, OHLCV_CONVENTION_TALIB, out[0]));
    CHECK_OK(ohlcv_ind_ema_lookback(10, OHLCV_CONVENTION_TALIB, &lb));
    if (talib) check_lookback("ema", out, 1, lb);
    DONE("ema", 1);
    job("ema EMA c 10");
    {
        ohlcv_ind_ema_state st_;
        CHECK_OK(ohlcv_ind_ema_init(10, OHLCV_CONVENTION_TALIB, &st_));
        STREAM(ema, 1, out, ohlcv_ind_ema_update(&st_, c[i_], o_[0]),
               ohlcv_ind_ema_peek(&st_, c[i_], o_[0]));
    }
    CHECK_OK(ohlcv_ind_ema(c, N, 10, OHLCV_CONVENTION_PANDAS, out[0]));
    CHECK_OK(ohlcv_ind_ema_lookback(10, OHLCV_CONVENTION_PANDAS, &lb));
    CHECK(lb == 0);
    if (talib) check_lookback("ema pandas", out, 1, lb);
    DONE("pd_ema", 1);
    job("pd_ema PD_EMA c 10");
    {
        ohlcv_ind_ema_state st_;
        CHECK_OK(ohlcv_ind_ema_init(10, OHLCV_CONVENTION_PANDAS, &st_));
        STREAM(ema, 1, out, ohlcv_ind_ema_update(&st_, c[i_], o_[0]),
               ohlcv_ind_ema_peek(&st_, c[i_], o_[0]));
    }
    /* WMA */
    CHECK_OK(ohlcv_ind_wma(c, N, 7, out[0]));
    CHECK_OK(ohlcv_ind_wma_lookback(7, &lb));
    if (talib) check_lookback("wma", out, 1, lb);
    DONE("wma", 1);
    job("wma WMA c 7");
    {
        ohlcv_ind_wma_state st_;
        CHECK_OK(ohlcv_ind_wma_init(7, &st_));
        STREAM(wma, 1, out, ohlcv_ind_wma_update(&st_, c[i_], o_[0]),
               ohlcv_ind_wma_peek(&st_, c[i_], o_[0]));
    }
    /* DEMA */
    CHECK_OK(ohlcv_ind_dema(c, N, 6, out[0]));
    CHECK_OK(ohlcv_ind_dema_lookback(6, &lb));
    CHECK(lb == 10);
    if (talib) check_lookback("dema", out, 1, lb);
    DONE("dema", 1);
    job("dema DEMA c 6");
    {
        ohlcv_ind_dema_state st_;
        CHECK_OK(ohlcv_ind_dema_init(6, &st_));
        STREAM(dema, 1, out, ohlcv_ind_dema_update(&st_, c[i_], o_[0]),
               ohlcv_ind_dema_peek(&st_, c[i_], o_[0]));
    }
    /* TEMA */
    CHECK_OK(ohlcv_ind_tema(c, N, 5, out[0]));
    CHECK_OK(ohlcv_ind_tema_lookback(5, &lb));
    CHECK(lb == 12);
    if (talib) check_lookback("tema", out, 1, lb);
    DONE("tema", 1);
    job("tema TEMA c 5");
    {
        ohlcv_ind_tema_state st_;
        CHECK_OK(ohlcv_ind_tema_init(5, &st_));
        STREAM(tema, 1, out, ohlcv_ind_tema_update(&st_, c[i_], o_[0]),
               ohlcv_ind_tema_peek(&st_, c[i_], o_[0]));
    }
}

static void test_momentum(const series *d, int talib) {
    const double *h = d->high, *l = d->low, *c = d->close, *v = d->volume;
    size_t lb = 0, lb2 = 0;
    (void)h, (void)l, (void)v, (void)lb2;
    /* RSI, both conventions */
    CHECK_OK(ohlcv_ind_rsi(c, N, 9, OHLCV_CONVENTION_TALIB, out[0]));
    CHECK_OK(ohlcv_ind_rsi_lookback(9, OHLCV_CONVENTION_TALIB, &lb));
    CHECK(lb == 9);
    if (talib) check_lookback("rsi", out, 1, lb);
    DONE("rsi", 1);
    job("rsi RSI c 9");
    {
        ohlcv_ind_rsi_state st_;
        CHECK_OK(ohlcv_ind_rsi_init(9, OHLCV_CONVENTION_TALIB, &st_));
        STREAM(rsi, 1, out, ohlcv_ind_rsi_update(&st_, c[i_], o_[0]),
               ohlcv_ind_rsi_peek(&st_, c[i_], o_[0]));
    }
    CHECK_OK(ohlcv_ind_rsi(c, N, 9, OHLCV_CONVENTION_PANDAS, out[0]));
    DONE("pd_rsi", 1);
    job("pd_rsi PD_RSI c 9");
    {
        ohlcv_ind_rsi_state st_;
        CHECK_OK(ohlcv_ind_rsi_init(9, OHLCV_CONVENTION_PANDAS, &st_));
        STREAM(rsi, 1, out, ohlcv_ind_rsi_update(&st_, c[i_], o_[0]),
               ohlcv_ind_rsi_peek(&st_, c[i_], o_[0]));
    }
    /* MACD, both conventions */
    CHECK_OK(ohlcv_ind_macd(c, N, 12, 26, 9, OHLCV_CONVENTION_TALIB, out[0], out[1], out[2]));
    CHECK_OK(ohlcv_ind_macd_lookback(12, 26, 9, OHLCV_CONVENTION_TALIB, &lb));
    CHECK(lb == 33);
    if (talib) check_lookback("macd", out, 3, lb);
    DONE("macd", 3);
    job("macd MACD c 12 26 9");
    {
        ohlcv_ind_macd_state st_;
        CHECK_OK(ohlcv_ind_macd_init(12, 26, 9, OHLCV_CONVENTION_TALIB, &st_));
        STREAM(macd, 3, out, ohlcv_ind_macd_update(&st_, c[i_], o_[0], o_[1], o_[2]),
               ohlcv_ind_macd_peek(&st_, c[i_], o_[0], o_[1], o_[2]));
    }
    CHECK_OK(ohlcv_ind_macd(c, N, 12, 26, 9, OHLCV_CONVENTION_PANDAS, out[0], out[1], out[2]));
    DONE("pd_macd", 3);
    job("pd_macd PD_MACD c 12 26 9");
    {
        ohlcv_ind_macd_state st_;
        CHECK_OK(ohlcv_ind_macd_init(12, 26, 9, OHLCV_CONVENTION_PANDAS, &st_));
        STREAM(macd, 3, out, ohlcv_ind_macd_update(&st_, c[i_], o_[0], o_[1], o_[2]),
               ohlcv_ind_macd_peek(&st_, c[i_], o_[0], o_[1], o_[2]));
    }
}

static void test_volatility(const series *d, int talib) {
    const double *h = d->high, *l = d->low, *c = d->close, *v = d->volume;
    size_t lb = 0, lb2 = 0;
    (void)h, (void)l, (void)v, (void)lb2;
    /* BBANDS (different multipliers take TA-Lib's fma path) */
    CHECK_OK(ohlcv_ind_bbands(c, N, 20, 2.0, 1.5, out[0], out[1], out[2]));
    CHECK_OK(ohlcv_ind_bbands_lookback(20, 2.0, 1.5, &lb));
    if (talib) check_lookback("bbands", out, 3, lb);
    DONE("bbands", 3);
    job("bbands BBANDS c 20 2.0 1.5");
    {
        ohlcv_ind_bbands_state st_;
        CHECK_OK(ohlcv_ind_bbands_init(20, 2.0, 1.5, &st_));
        STREAM(bbands, 3, out, ohlcv_ind_bbands_update(&st_, c[i_], o_[0], o_[1], o_[2]),
               ohlcv_ind_bbands_peek(&st_, c[i_], o_[0], o_[1], o_[2]));
    }
    /* STDDEV */
    CHECK_OK(ohlcv_ind_stddev(c, N, 10, 1.5, out[0]));
    CHECK_OK(ohlcv_ind_stddev_lookback(10, 1.5, &lb));
    if (talib) check_lookback("stddev", out, 1, lb);
    DONE("stddev", 1);
    job("stddev STDDEV c 10 1.5");
    {
        ohlcv_ind_stddev_state st_;
        CHECK_OK(ohlcv_ind_stddev_init(10, 1.5, &st_));
        STREAM(stddev, 1, out, ohlcv_ind_stddev_update(&st_, c[i_], o_[0]),
               ohlcv_ind_stddev_peek(&st_, c[i_], o_[0]));
    }
    /* TRANGE */
    CHECK_OK(ohlcv_ind_trange(h, l, c, N, out[0]));
    CHECK_OK(ohlcv_ind_trange_lookback(&lb));
    CHECK(lb == 1);
    if (talib) check_lookback("trange", out, 1, lb);
    DONE("trange", 1);
    job("trange TRANGE c");
    {
        ohlcv_ind_trange_state st_;
        CHECK_OK(ohlcv_ind_trange_init(&st_));
        STREAM(trange, 1, out, ohlcv_ind_trange_update(&st_, h[i_], l[i_], c[i_], o_[0]),
               ohlcv_ind_trange_peek(&st_, h[i_], l[i_], c[i_], o_[0]));
    }
    /* ATR, both conventions */
    CHECK_OK(ohlcv_ind_atr(h, l, c, N, 14, OHLCV_CONVENTION_TALIB, out[0]));
    CHECK_OK(ohlcv_ind_atr_lookback(14, OHLCV_CONVENTION_TALIB, &lb));
    if (talib) check_lookback("atr", out, 1, lb);
    DONE("atr", 1);
    job("atr ATR c 14");
    {
        ohlcv_ind_atr_state st_;
        CHECK_OK(ohlcv_ind_atr_init(14, OHLCV_CONVENTION_TALIB, &st_));
        STREAM(atr, 1, out, ohlcv_ind_atr_update(&st_, h[i_], l[i_], c[i_], o_[0]),
               ohlcv_ind_atr_peek(&st_, h[i_], l[i_], c[i_], o_[0]));
    }
    CHECK_OK(ohlcv_ind_atr(h, l, c, N, 14, OHLCV_CONVENTION_PANDAS, out[0]));
    DONE("pd_atr", 1);
    job("pd_atr PD_ATR c 14");
    {
        ohlcv_ind_atr_state st_;
        CHECK_OK(ohlcv_ind_atr_init(14, OHLCV_CONVENTION_PANDAS, &st_));
        STREAM(atr, 1, out, ohlcv_ind_atr_update(&st_, h[i_], l[i_], c[i_], o_[0]),
               ohlcv_ind_atr_peek(&st_, h[i_], l[i_], c[i_], o_[0]));
    }
}

static void test_bars(const series *d, int talib) {
    const double *h = d->high, *l = d->low, *c = d->close, *v = d->volume;
    size_t lb = 0, lb2 = 0;
    (void)h, (void)l, (void)v, (void)lb2;
    /* STOCH */
    CHECK_OK(ohlcv_ind_stoch(h, l, c, N, 9, 3, 4, out[0], out[1]));
    CHECK_OK(ohlcv_ind_stoch_lookback(9, 3, 4, &lb));
    CHECK(lb == 13);
    if (talib) check_lookback("stoch", out, 2, lb);
    DONE("stoch", 2);
    job("stoch STOCH c 9 3 4");
    {
        ohlcv_ind_stoch_state st_;
        CHECK_OK(ohlcv_ind_stoch_init(9, 3, 4, &st_));
        STREAM(stoch, 2, out, ohlcv_ind_stoch_update(&st_, h[i_], l[i_], c[i_], o_[0], o_[1]),
               ohlcv_ind_stoch_peek(&st_, h[i_], l[i_], c[i_], o_[0], o_[1]));
    }
    /* WILLR */
    CHECK_OK(ohlcv_ind_willr(h, l, c, N, 14, out[0]));
    CHECK_OK(ohlcv_ind_willr_lookback(14, &lb));
    if (talib) check_lookback("willr", out, 1, lb);
    DONE("willr", 1);
    job("willr WILLR c 14");
    {
        ohlcv_ind_willr_state st_;
        CHECK_OK(ohlcv_ind_willr_init(14, &st_));
        STREAM(willr, 1, out, ohlcv_ind_willr_update(&st_, h[i_], l[i_], c[i_], o_[0]),
               ohlcv_ind_willr_peek(&st_, h[i_], l[i_], c[i_], o_[0]));
    }
    /* CCI */
    CHECK_OK(ohlcv_ind_cci(h, l, c, N, 20, out[0]));
    CHECK_OK(ohlcv_ind_cci_lookback(20, &lb));
    if (talib) check_lookback("cci", out, 1, lb);
    DONE("cci", 1);
    job("cci CCI c 20");
    {
        ohlcv_ind_cci_state st_;
        CHECK_OK(ohlcv_ind_cci_init(20, &st_));
        STREAM(cci, 1, out, ohlcv_ind_cci_update(&st_, h[i_], l[i_], c[i_], o_[0]),
               ohlcv_ind_cci_peek(&st_, h[i_], l[i_], c[i_], o_[0]));
    }
    /* ADX with +DI and -DI: three TA-Lib functions */
    CHECK_OK(ohlcv_ind_adx(h, l, c, N, 10, out[0], out[1], out[2]));
    CHECK_OK(ohlcv_ind_adx_lookback(10, &lb, &lb2));
    CHECK(lb == 19 && lb2 == 10);
    if (talib) {
        check_lookback("adx", out, 1, lb);
        check_lookback("+di", out + 1, 1, lb2);
        check_lookback("-di", out + 2, 1, lb2);
        write_output("adx", 0, out[0]);
        write_output("plus_di", 0, out[1]);
        write_output("minus_di", 0, out[2]);
    }
    job("adx ADX c 10");
    job("plus_di PLUS_DI c 10");
    job("minus_di MINUS_DI c 10");
    {
        ohlcv_ind_adx_state st_;
        CHECK_OK(ohlcv_ind_adx_init(10, &st_));
        STREAM(adx, 3, out, ohlcv_ind_adx_update(&st_, h[i_], l[i_], c[i_], o_[0], o_[1], o_[2]),
               ohlcv_ind_adx_peek(&st_, h[i_], l[i_], c[i_], o_[0], o_[1], o_[2]));
    }
    /* MFI */
    CHECK_OK(ohlcv_ind_mfi(h, l, c, v, N, 14, out[0]));
    CHECK_OK(ohlcv_ind_mfi_lookback(14, &lb));
    if (talib) check_lookback("mfi", out, 1, lb);
    DONE("mfi", 1);
    job("mfi MFI c 14");
    {
        ohlcv_ind_mfi_state st_;
        CHECK_OK(ohlcv_ind_mfi_init(14, &st_));
        STREAM(mfi, 1, out, ohlcv_ind_mfi_update(&st_, h[i_], l[i_], c[i_], v[i_], o_[0]),
               ohlcv_ind_mfi_peek(&st_, h[i_], l[i_], c[i_], v[i_], o_[0]));
    }
    /* OBV */
    CHECK_OK(ohlcv_ind_obv(c, v, N, out[0]));
    CHECK_OK(ohlcv_ind_obv_lookback(&lb));
    CHECK(lb == 0);
    if (talib) check_lookback("obv", out, 1, lb);
    DONE("obv", 1);
    job("obv OBV c");
    {
        ohlcv_ind_obv_state st_;
        CHECK_OK(ohlcv_ind_obv_init(&st_));
        STREAM(obv, 1, out, ohlcv_ind_obv_update(&st_, c[i_], v[i_], o_[0]),
               ohlcv_ind_obv_peek(&st_, c[i_], v[i_], o_[0]));
    }
    /* ROC, MOM */
    CHECK_OK(ohlcv_ind_roc(c, N, 10, out[0]));
    CHECK_OK(ohlcv_ind_roc_lookback(10, &lb));
    if (talib) check_lookback("roc", out, 1, lb);
    DONE("roc", 1);
    job("roc ROC c 10");
    {
        ohlcv_ind_roc_state st_;
        CHECK_OK(ohlcv_ind_roc_init(10, &st_));
        STREAM(roc, 1, out, ohlcv_ind_roc_update(&st_, c[i_], o_[0]),
               ohlcv_ind_roc_peek(&st_, c[i_], o_[0]));
    }
    CHECK_OK(ohlcv_ind_mom(c, N, 5, out[0]));
    CHECK_OK(ohlcv_ind_mom_lookback(5, &lb));
    if (talib) check_lookback("mom", out, 1, lb);
    DONE("mom", 1);
    job("mom MOM c 5");
    {
        ohlcv_ind_mom_state st_;
        CHECK_OK(ohlcv_ind_mom_init(5, &st_));
        STREAM(mom, 1, out, ohlcv_ind_mom_update(&st_, c[i_], o_[0]),
               ohlcv_ind_mom_peek(&st_, c[i_], o_[0]));
    }
    /* MAX, MIN (of the close) */
    CHECK_OK(ohlcv_ind_max(c, N, 15, out[0]));
    CHECK_OK(ohlcv_ind_max_lookback(15, &lb));
    if (talib) check_lookback("max", out, 1, lb);
    DONE("max", 1);
    job("max MAX c 15");
    {
        ohlcv_ind_max_state st_;
        CHECK_OK(ohlcv_ind_max_init(15, &st_));
        STREAM(max, 1, out, ohlcv_ind_max_update(&st_, c[i_], o_[0]),
               ohlcv_ind_max_peek(&st_, c[i_], o_[0]));
    }
    CHECK_OK(ohlcv_ind_min(c, N, 15, out[0]));
    CHECK_OK(ohlcv_ind_min_lookback(15, &lb));
    if (talib) check_lookback("min", out, 1, lb);
    DONE("min", 1);
    job("min MIN c 15");
    {
        ohlcv_ind_min_state st_;
        CHECK_OK(ohlcv_ind_min_init(15, &st_));
        STREAM(min, 1, out, ohlcv_ind_min_update(&st_, c[i_], o_[0]),
               ohlcv_ind_min_peek(&st_, c[i_], o_[0]));
    }
    /* Donchian: TA-Lib MAX(high), MIDPRICE, MIN(low) */
    CHECK_OK(ohlcv_ind_donchian(h, l, N, 20, out[0], out[1], out[2]));
    CHECK_OK(ohlcv_ind_donchian_lookback(20, &lb));
    if (talib) {
        check_lookback("donchian", out, 3, lb);
        write_output("donchian_upper", 0, out[0]);
        write_output("donchian_middle", 0, out[1]);
        write_output("donchian_lower", 0, out[2]);
    }
    job("donchian_upper MAXH c 20");
    job("donchian_middle MIDPRICE c 20");
    job("donchian_lower MINL c 20");
    {
        ohlcv_ind_donchian_state st_;
        CHECK_OK(ohlcv_ind_donchian_init(20, &st_));
        STREAM(donchian, 3, out, ohlcv_ind_donchian_update(&st_, h[i_], l[i_], o_[0], o_[1], o_[2]),
               ohlcv_ind_donchian_peek(&st_, h[i_], l[i_], o_[0], o_[1], o_[2]));
    }
    /* VWAP (pandas groupby(day).cumsum()) */
    CHECK_OK(ohlcv_ind_vwap(d->ts, h, l, c, v, N, out[0]));
    CHECK_OK(ohlcv_ind_vwap_lookback(&lb));
    CHECK(lb == 0);
    DONE("pd_vwap", 1);
    job("pd_vwap PD_VWAP c");
    {
        ohlcv_ind_vwap_state st_;
        CHECK_OK(ohlcv_ind_vwap_init(&st_));
        const uint64_t *t = d->ts;
        STREAM(vwap, 1, out, ohlcv_ind_vwap_update(&st_, t[i_], h[i_], l[i_], c[i_], v[i_], o_[0]),
               ohlcv_ind_vwap_peek(&st_, t[i_], h[i_], l[i_], c[i_], v[i_], o_[0]));
    }
}

#undef DONE

static void test_all(const series *d, int talib) {
    test_averages(d, talib);
    test_momentum(d, talib);
    test_volatility(d, talib);
    test_bars(d, talib);
}

/* ------------------------------------------------------------------------------------------ */
/* Many series, in place                                                                      */
/* ------------------------------------------------------------------------------------------ */

#define LANES 5

static void test_many(void) {
    static series ds[LANES];
    static double in[LANES * N], hi[LANES * N], lo[LANES * N];
    static double m[3][LANES * N], one[3][N];
    for (int j = 0; j < LANES; j++) {
        make_series(&ds[j], 100 + (uint64_t)j, j == 2);
        memcpy(in + j * N, ds[j].close, sizeof ds[j].close);
        memcpy(hi + j * N, ds[j].high, sizeof ds[j].high);
        memcpy(lo + j * N, ds[j].low, sizeof ds[j].low);
    }
    const int32_t periods[LANES] = {2, 5, 14, 30, 9};
    const int32_t slow[LANES] = {26, 26, 35, 40, 10};
    const int32_t signal[LANES] = {9, 9, 5, 1, 4};
    for (int32_t conv = 0; conv <= 1; conv++) {
        /* Many symbols, one period each. */
        CHECK_OK(ohlcv_ind_ema_many(in, N, LANES, periods, LANES, conv, m[0], LANES));
        CHECK_OK(ohlcv_ind_rsi_many(in, N, LANES, periods, LANES, conv, m[1], LANES));
        CHECK_OK(ohlcv_ind_atr_many(hi, lo, in, N, LANES, periods, LANES, conv, m[2], LANES));
        for (int j = 0; j < LANES; j++) {
            CHECK_OK(ohlcv_ind_ema(in + j * N, N, periods[j], conv, one[0]));
            CHECK_OK(ohlcv_ind_rsi(in + j * N, N, periods[j], conv, one[1]));
            CHECK_OK(
                ohlcv_ind_atr(hi + j * N, lo + j * N, in + j * N, N, periods[j], conv, one[2]));
            check_same("ema_many", m[0] + j * N, one[0], N);
            check_same("rsi_many", m[1] + j * N, one[1], N);
            check_same("atr_many", m[2] + j * N, one[2], N);
        }
        /* One symbol, several parameter sets. */
        CHECK_OK(ohlcv_ind_macd_many(in, N, 1, periods + 1, slow, signal, 4, conv, m[0], m[1], m[2],
                                     4));
        for (int j = 0; j < 4; j++) {
            CHECK_OK(ohlcv_ind_macd(in, N, periods[j + 1], slow[j], signal[j], conv, one[0], one[1],
                                    one[2]));
            for (int k = 0; k < 3; k++) {
                check_same("macd_many", m[k] + j * N, one[k], N);
            }
        }
    }
    /* In place: the EMAs of every row over the rows themselves. */
    CHECK_OK(ohlcv_ind_ema_many(in, N, LANES, periods + 2, 1, OHLCV_CONVENTION_TALIB, m[0], LANES));
    CHECK_OK(ohlcv_ind_ema_many(in, N, LANES, periods + 2, 1, OHLCV_CONVENTION_TALIB, in, LANES));
    check_same("ema_many in place", in, m[0], LANES * N);
    /* Single-series in place. */
    CHECK_OK(ohlcv_ind_sma(ds[0].close, N, 10, one[0]));
    CHECK_OK(ohlcv_ind_sma(ds[0].close, N, 10, ds[0].close));
    check_same("sma in place", ds[0].close, one[0], N);
    /* Lane errors. */
    CHECK_ST(ohlcv_ind_ema_many(in, N, 2, periods, 1, 0, m[0], 3), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("n_inputs = 2 must be 1 or lanes (3)");
    CHECK_ST(ohlcv_ind_rsi_many(in, N, 1, periods, 1, 0, m[0], 0), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("lanes must be at least 1");
}

/* ------------------------------------------------------------------------------------------ */
/* Errors                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static void test_errors(const series *d) {
    static double o[3][N];
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < N; i++) o[k][i] = -7.0;
    }
    const double *c = d->close;
    CHECK_ST(ohlcv_ind_sma(c, N, 0, o[0]), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("ohlcv_ind_sma: period = 0 is outside 1..=100000");
    CHECK_ST(ohlcv_ind_rsi(c, N, -5, 0, o[0]), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("period = -5 is negative");
    CHECK_ST(ohlcv_ind_ema(c, N, 5, 2, o[0]), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("convention 2 is not an ohlcv_convention");
    CHECK_ST(ohlcv_ind_bbands(c, N, 20, INFINITY, 2.0, o[0], o[1], o[2]),
             OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("nbdev_up must be finite");
    CHECK_ST(ohlcv_ind_stoch(d->high, d->low, c, N, 5, 3, 100001, o[0], o[1]),
             OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("slowd = 100001");
    CHECK_ST(ohlcv_ind_sma(NULL, N, 5, o[0]), OHLCV_STATUS_NULL_POINTER);
    CHECK_MSG("input is NULL");
    CHECK_ST(ohlcv_ind_obv(c, d->volume, N, NULL), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_ind_sma(NULL, 0, 5, NULL), OHLCV_STATUS_OK);
    CHECK_ST(ohlcv_ind_sma((const double *)((const char *)c + 4), N - 1, 5, o[0]),
             OHLCV_STATUS_MISALIGNED);
    CHECK_ST(ohlcv_ind_sma(c, SIZE_MAX / 2, 5, o[0]), OHLCV_STATUS_OVERFLOW);
    CHECK_ST(ohlcv_ind_macd(c, N, 12, 26, 9, 0, o[0], o[1], o[0] + 3),
             OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("out_macd and out_hist overlap");
    size_t lb = 77;
    CHECK_ST(ohlcv_ind_willr_lookback(1, &lb), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK(lb == 77);
    CHECK_ST(ohlcv_ind_cci_lookback(14, NULL), OHLCV_STATUS_NULL_POINTER);
    for (int k = 0; k < 3; k++) {
        int untouched = 1;
        for (size_t i = 0; i < N; i++) untouched &= o[k][i] == -7.0;
        CHECK(untouched);
    }
    /* States: uninitialised, wrong window, NULL. */
    ohlcv_ind_sma_state zero;
    memset(&zero, 0, sizeof zero);
    double y = -7.0;
    CHECK_ST(ohlcv_ind_sma_update(&zero, 1.0, &y), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("never initialised");
    CHECK_ST(ohlcv_ind_sma_peek(&zero, 1.0, &y), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK(y == -7.0);
    CHECK_ST(ohlcv_ind_sma_init(OHLCV_IND_STATE_CAPACITY + 1, &zero),
             OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("exceeds the streaming capacity of 256");
    CHECK(zero.tag == 0);
    CHECK_OK(ohlcv_ind_sma_init(OHLCV_IND_STATE_CAPACITY, &zero));
    CHECK_ST(ohlcv_ind_sma_update(NULL, 1.0, &y), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_ind_adx_init(14, NULL), OHLCV_STATUS_NULL_POINTER);
    /* A state is a plain value: copies are independent. */
    ohlcv_ind_ema_state a, b;
    CHECK_OK(ohlcv_ind_ema_init(3, OHLCV_CONVENTION_TALIB, &a));
    for (int i = 0; i < 5; i++) CHECK_OK(ohlcv_ind_ema_update(&a, 10.0 + i, NULL));
    b = a;
    double ya = 0, yb = 0;
    CHECK_OK(ohlcv_ind_ema_update(&a, 20.0, &ya));
    CHECK_OK(ohlcv_ind_ema_update(&b, 20.0, &yb));
    CHECK(same(ya, yb) && ya > 14.0);
    CHECK_OK(ohlcv_ind_ema_update(&a, 30.0, &ya));
    CHECK(memcmp(&a, &b, sizeof a) != 0);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    snprintf(out_dir, sizeof out_dir, "%s", argv[1]);
    mkdir(out_dir, 0755);
    static series clean, gappy;
    make_series(&clean, 7, 0);
    make_series(&gappy, 8, 1);

    write_file("c.ts.u64", clean.ts, sizeof clean.ts);
    write_file("c.high.f64", clean.high, sizeof clean.high);
    write_file("c.low.f64", clean.low, sizeof clean.low);
    write_file("c.close.f64", clean.close, sizeof clean.close);
    write_file("c.volume.f64", clean.volume, sizeof clean.volume);
    char path[700];
    snprintf(path, sizeof path, "%s/jobs.txt", out_dir);
    jobs = fopen(path, "w");
    CHECK(jobs != NULL);
    test_all(&clean, 1);
    if (jobs != NULL) {
        CHECK(fclose(jobs) == 0);
        jobs = NULL;
    }
    test_all(&gappy, 0);
    test_many();
    test_errors(&clean);

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
