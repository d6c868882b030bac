/*
 * The whole C API from C, including every error path. Prints "N passed, N failed" last and
 * exits non-zero on any failure. Run by scripts/test-c.sh against libohlcv.so and libohlcv.a,
 * under AddressSanitizer + UBSan and under valgrind.
 *
 * Usage: test_api [SCRATCH_DIR]   (default: a fresh directory under $TMPDIR or /tmp)
 */
#define _POSIX_C_SOURCE 200809L

#include "ohlcv.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Checks that `call` returns `want`; on a mismatch prints both and the library's message. */
#define CHECK_ST(call, want)                                                                  \
    do {                                                                                      \
        ohlcv_status st_ = (call);                                                            \
        if (st_ == (want)) {                                                                  \
            passed++;                                                                         \
        } else {                                                                              \
            failed++;                                                                         \
            fprintf(stderr, "%s:%d: %s\n  returned %d (%s), wanted %d (%s)\n  last error: %s\n", \
                    __FILE__, __LINE__, #call, (int)st_, ohlcv_status_str((int32_t)st_),      \
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

static char scratch[512];

static const char *path_in(const char *name) {
    static char buf[4][600];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", scratch, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f != NULL) {
        CHECK(fwrite(data, 1, len, f) == len);
        fclose(f);
    }
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void remove_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d != NULL) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                    continue;
                }
                char child[1024];
                snprintf(child, sizeof child, "%s/%s", path, e->d_name);
                remove_tree(child);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Deterministic 1-minute bars: sorted, sane, positive volumes, whole-minute timestamps. */
static uint64_t rng_state = 42;
static double rnd(void) {
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

static void make_bars(ohlcv_bar *b, size_t n) {
    uint64_t ts = 1704067200000ULL; /* 2024-01-01 00:00 */
    double close = 1.1;
    for (size_t i = 0; i < n; i++) {
        ts += 60000ULL * (1 + (uint64_t)(rnd() * 3.0));
        double open = close;
        close = open + (rnd() - 0.5) * 1e-3;
        memset(&b[i], 0, sizeof b[i]);
        b[i].ts = ts;
        b[i].open = open;
        b[i].close = close;
        b[i].high = (open > close ? open : close) + rnd() * 1e-4;
        b[i].low = (open < close ? open : close) - rnd() * 1e-4;
        b[i].volume = floor(rnd() * 100.0) + 1.0;
    }
}

static int same_bar(const ohlcv_bar *a, const ohlcv_bar *b) {
    return memcmp(a, b, sizeof *a) == 0;
}

static int same_bars(const ohlcv_bar *a, const ohlcv_bar *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!same_bar(&a[i], &b[i])) {
            fprintf(stderr, "  bars differ at %zu: ts %llu vs %llu\n", i,
                    (unsigned long long)a[i].ts, (unsigned long long)b[i].ts);
            return 0;
        }
    }
    return 1;
}

/* A pointer 8 bytes past a 64-byte aligned one: aligned for doubles, not for bars. */
static ohlcv_bar *misaligned(ohlcv_bar *aligned) {
    return (ohlcv_bar *)(void *)((unsigned char *)aligned + 8);
}

/* ------------------------------------------------------------------------------------------ */

static void test_version_and_status(void) {
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", OHLCV_VERSION_MAJOR, OHLCV_VERSION_MINOR,
             OHLCV_VERSION_PATCH);
    CHECK(strcmp(ohlcv_version(), want) == 0);
    CHECK(ohlcv_abi_version() == OHLCV_ABI_VERSION);
    const char *b = ohlcv_simd_backend();
    CHECK(strcmp(b, "scalar") == 0 || strcmp(b, "wide") == 0 || strcmp(b, "avx2") == 0 ||
          strcmp(b, "avx512") == 0);
    CHECK(strcmp(ohlcv_status_str(OHLCV_STATUS_OK), "ok") == 0);
    for (int32_t s = 1; s <= OHLCV_STATUS_UNSUPPORTED; s++) {
        const char *text = ohlcv_status_str(s);
        CHECK(text != NULL && text[0] != '\0' && strcmp(text, "unknown status") != 0);
        CHECK(strcmp(text, ohlcv_status_str(s - 1)) != 0);
    }
    CHECK(strcmp(ohlcv_status_str(-1), "unknown status") == 0);
    CHECK(strcmp(ohlcv_status_str(OHLCV_STATUS_UNSUPPORTED + 1), "unknown status") == 0);
    /* Stable numbers. */
    CHECK(OHLCV_STATUS_NULL_POINTER == 2 && OHLCV_STATUS_MISALIGNED == 3 &&
          OHLCV_STATUS_BAD_HANDLE == 17 && OHLCV_STATUS_PANIC == 18);
}

static void test_last_error_buffer(void) {
    double x = 0.0;
    CHECK_ST(ohlcv_bars_max_high(NULL, 3, &x), OHLCV_STATUS_NULL_POINTER);
    size_t full = 0;
    CHECK_OK(ohlcv_last_error_message(NULL, 0, &full));
    CHECK(full > 5);
    char small[5];
    memset(small, 'x', sizeof small);
    size_t n = 0;
    CHECK_OK(ohlcv_last_error_message(small, sizeof small, &n));
    CHECK(n == full);
    CHECK(strlen(small) == 4);
    CHECK(strncmp(small, last_error(), 4) == 0);
    CHECK_ST(ohlcv_last_error_message(NULL, 8, NULL), OHLCV_STATUS_NULL_POINTER);
}

static void test_alloc(void) {
    ohlcv_bar *p = (ohlcv_bar *)(uintptr_t)1;
    CHECK_OK(ohlcv_bars_alloc(0, &p));
    CHECK(p == NULL);
    CHECK_OK(ohlcv_bars_alloc(100, &p));
    CHECK(p != NULL && (uintptr_t)p % 64 == 0);
    int zero = 1;
    for (int i = 0; i < 100; i++) {
        zero &= p[i].ts == 0 && p[i].volume == 0.0;
    }
    CHECK(zero);
    p[99].close = 1.0; /* writable to the end */
    ohlcv_bars_free(p);
    ohlcv_bars_free(NULL);
    ohlcv_bar *q = NULL;
    CHECK_ST(ohlcv_bars_alloc(SIZE_MAX / 32, &q), OHLCV_STATUS_OVERFLOW);
    CHECK(q == NULL);
    CHECK_ST(ohlcv_bars_alloc(1, NULL), OHLCV_STATUS_NULL_POINTER);
}

/* Naive references for the reductions. */
static double kahan(const ohlcv_bar *b, size_t n) {
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = b[i].volume;
        if (isnan(v)) {
            continue;
        }
        double y = v - c, t = s + y;
        c = (t - s) - y;
        if (isnan(c)) {
            c = 0.0;
        }
        s = t;
    }
    return s;
}

static double eight_lanes(const ohlcv_bar *b, size_t n) {
    double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (!isnan(b[i].volume)) {
            l[i % 8] += b[i].volume;
        }
    }
    return ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]));
}

static void test_reductions(void) {
    enum { N = 777 };
    ohlcv_bar *b = NULL;
    CHECK_OK(ohlcv_bars_alloc(N, &b));
    if (b == NULL) {
        return;
    }
    make_bars(b, N);
    for (size_t i = 0; i < N; i++) {
        b[i].volume = rnd() * pow(10.0, (double)(i % 9) - 4.0); /* mixed magnitudes */
    }
    b[0].open = NAN;
    b[N - 1].close = NAN;
    b[10].high = NAN;
    double mh = -INFINITY, ml = INFINITY;
    for (size_t i = 0; i < N; i++) {
        if (!isnan(b[i].high) && b[i].high > mh) mh = b[i].high;
        if (!isnan(b[i].low) && b[i].low < ml) ml = b[i].low;
    }
    double x = 0.0;
    CHECK_OK(ohlcv_bars_max_high(b, N, &x));
    CHECK(x == mh);
    CHECK_OK(ohlcv_bars_min_low(b, N, &x));
    CHECK(x == ml);
    CHECK_OK(ohlcv_bars_first_open(b, N, &x));
    CHECK(x == b[1].open);
    CHECK_OK(ohlcv_bars_last_close(b, N, &x));
    CHECK(x == b[N - 2].close);
    CHECK(kahan(b, N) != eight_lanes(b, N)); /* the data tells the two sums apart */
    CHECK_OK(ohlcv_bars_sum_volume(b, N, &x));
    CHECK(x == eight_lanes(b, N));
    CHECK_OK(ohlcv_bars_sum_volume_kahan(b, N, &x));
    CHECK(x == kahan(b, N));

    ohlcv_bar f;
    bool found = false;
    CHECK_OK(ohlcv_bars_fold(b, N, &f, &found));
    CHECK(found && f.ts == b[0].ts && f.open == b[1].open && f.high == mh && f.low == ml &&
          f.close == b[N - 2].close && f.volume == kahan(b, N) && f.reserved[0] == 0);
    f.ts = 12345;
    CHECK_OK(ohlcv_bars_fold(NULL, 0, &f, &found));
    CHECK(!found && f.ts == 12345);

    /* Empty buffers: NaN or zero, (NULL, 0) allowed. */
    CHECK_OK(ohlcv_bars_max_high(NULL, 0, &x));
    CHECK(isnan(x));
    CHECK_OK(ohlcv_bars_sum_volume(NULL, 0, &x));
    CHECK(x == 0.0);

    /* Error paths: outputs stay untouched. */
    x = 7.0;
    CHECK_ST(ohlcv_bars_max_high(NULL, 1, &x), OHLCV_STATUS_NULL_POINTER);
    CHECK_MSG("NULL");
    CHECK_ST(ohlcv_bars_min_low(b, N, NULL), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_bars_first_open(misaligned(b), 3, &x), OHLCV_STATUS_MISALIGNED);
    CHECK_MSG("64-byte aligned");
    CHECK_ST(ohlcv_bars_last_close(b, SIZE_MAX, &x), OHLCV_STATUS_OVERFLOW);
    CHECK_ST(ohlcv_bars_sum_volume_kahan(b, SIZE_MAX / 64 + 1, &x), OHLCV_STATUS_OVERFLOW);
    CHECK(x == 7.0);
    CHECK_ST(ohlcv_bars_fold(b, N, NULL, &found), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_bars_fold(b, N, &f, NULL), OHLCV_STATUS_NULL_POINTER);
    ohlcv_bars_free(b);
}

/* Writes bars into a binary and a CSV file through writers, reads them back through readers. */
static void test_writer_and_reader(void) {
    enum { N = 1000 };
    ohlcv_bar *b = NULL, *buf = NULL;
    CHECK_OK(ohlcv_bars_alloc(N, &b));
    CHECK_OK(ohlcv_bars_alloc(N, &buf));
    if (b == NULL || buf == NULL) {
        return;
    }
    make_bars(b, N);
    uint64_t *offs = calloc(N, sizeof *offs);

    const char *names[2] = {"bars.bin", "bars.csv"};
    for (int k = 0; k < 2; k++) {
        const char *path = path_in(names[k]);
        int csv = k == 1;
        ohlcv_writer *w = NULL;
        CHECK_OK(ohlcv_writer_open(path, OHLCV_FORMAT_AUTO, &w));
        uint64_t pos = 0;
        CHECK_OK(ohlcv_writer_tell(w, &pos));
        CHECK(pos == (csv ? 32u : 0u));
        CHECK_OK(ohlcv_writer_append(w, b, 600, &pos));
        CHECK_OK(ohlcv_writer_append(w, b + 600, N - 600, NULL));
        CHECK_OK(ohlcv_writer_append(w, NULL, 0, NULL)); /* nothing */

        /* A second writer on the same file is busy. */
        ohlcv_writer *w2 = NULL;
        CHECK_ST(ohlcv_writer_open(path, csv ? OHLCV_FORMAT_CSV : OHLCV_FORMAT_BINARY, &w2),
                 OHLCV_STATUS_BUSY);
        CHECK_MSG("busy");
        CHECK(w2 == NULL);

        ohlcv_file_info info;
        CHECK_OK(ohlcv_writer_info(w, &info));
        CHECK(info.format == (csv ? OHLCV_FORMAT_CSV : OHLCV_FORMAT_BINARY));
        CHECK(info.data_start == (csv ? 32u : 0u));
        uint64_t end = 0;
        CHECK_OK(ohlcv_writer_seek_end(w, &end));
        CHECK(end == info.len_bytes);
        CHECK_OK(ohlcv_writer_flush(w, false));
        CHECK_OK(ohlcv_writer_flush(w, true));
        CHECK(file_size(path) == (long)info.len_bytes);

        /* Truncate to a record boundary, then write the tail again at that offset. */
        if (!csv) {
            CHECK_OK(ohlcv_writer_truncate(w, 64 * 900));
            CHECK_ST(ohlcv_writer_truncate(w, 64 * 900 + 1), OHLCV_STATUS_INVALID_ARGUMENT);
            CHECK_ST(ohlcv_writer_write_at(w, 64 * 901, b, 1, NULL), OHLCV_STATUS_INVALID_ARGUMENT);
            CHECK_OK(ohlcv_writer_write_at(w, 64 * 900, b + 900, N - 900, &pos));
            CHECK(pos == 64u * N);
        }
        /* Error paths on a live writer. */
        CHECK_ST(ohlcv_writer_append(w, misaligned(b), 2, NULL), OHLCV_STATUS_MISALIGNED);
        CHECK_ST(ohlcv_writer_append(w, NULL, 2, NULL), OHLCV_STATUS_NULL_POINTER);
        CHECK_ST(ohlcv_writer_append(w, b, SIZE_MAX, NULL), OHLCV_STATUS_OVERFLOW);
        CHECK_ST(ohlcv_writer_tell(w, NULL), OHLCV_STATUS_NULL_POINTER);
        CHECK_ST(ohlcv_writer_tell((ohlcv_writer *)(uintptr_t)0x7777, &pos),
                 OHLCV_STATUS_BAD_HANDLE);
        CHECK_OK(ohlcv_writer_close(w));
        CHECK_ST(ohlcv_writer_close(w), OHLCV_STATUS_BAD_HANDLE);
        CHECK_MSG("not open");
        CHECK_ST(ohlcv_writer_append(w, b, 1, NULL), OHLCV_STATUS_BAD_HANDLE);
        CHECK_OK(ohlcv_writer_close(NULL));

        /* Read back: zero-copy borrow. */
        ohlcv_reader *r = NULL;
        CHECK_OK(ohlcv_reader_open(path, OHLCV_FORMAT_AUTO, &r));
        const ohlcv_bar *all = NULL;
        size_t len = 0;
        CHECK_OK(ohlcv_reader_bars(r, &all, &len));
        CHECK(len == N && all != NULL && (uintptr_t)all % 64 == 0);
        CHECK(all != NULL && same_bars(all, b, N));

        /* Batches with offsets. */
        size_t got = 0, n = 0;
        do {
            size_t cap = 333 < N - got ? 333 : N - got + 1;
            CHECK_OK(ohlcv_reader_read(r, buf + got, offs + got, cap, &n));
            got += n;
        } while (n > 0 && got < N);
        CHECK(got == N);
        CHECK(same_bars(buf, b, N));
        CHECK(offs[0] == (csv ? 32u : 0u) && offs[1] > offs[0] && offs[N - 1] > offs[N - 2]);
        bool eof = false;
        CHECK_OK(ohlcv_reader_eof(r, &eof));
        CHECK(eof);
        CHECK_OK(ohlcv_reader_read(r, buf, NULL, 10, &n));
        CHECK(n == 0);

        /* Seek back to row 500, read it again; a non-boundary offset is refused. */
        CHECK_OK(ohlcv_reader_seek(r, offs[500]));
        uint64_t tell = 0;
        CHECK_OK(ohlcv_reader_tell(r, &tell));
        CHECK(tell == offs[500]);
        CHECK_OK(ohlcv_reader_read(r, buf, NULL, 1, &n));
        CHECK(n == 1 && same_bar(&buf[0], &b[500]));
        CHECK_ST(ohlcv_reader_seek(r, offs[500] + 1), OHLCV_STATUS_INVALID_ARGUMENT);
        CHECK_OK(ohlcv_reader_eof(r, &eof));
        CHECK(!eof);
        ohlcv_file_info ri;
        CHECK_OK(ohlcv_reader_info(r, &ri));
        CHECK(ri.format == (csv ? OHLCV_FORMAT_CSV : OHLCV_FORMAT_BINARY));
        CHECK((long)ri.len_bytes == file_size(path));

        /* Error paths on a live reader. */
        CHECK_ST(ohlcv_reader_read(r, buf, NULL, 0, &n), OHLCV_STATUS_BUFFER_TOO_SMALL);
        CHECK_ST(ohlcv_reader_read(r, misaligned(buf), NULL, 4, &n), OHLCV_STATUS_MISALIGNED);
        CHECK_ST(ohlcv_reader_read(r, NULL, NULL, 4, &n), OHLCV_STATUS_NULL_POINTER);
        CHECK_ST(ohlcv_reader_read(r, buf, NULL, SIZE_MAX, &n), OHLCV_STATUS_OVERFLOW);
        CHECK_ST(ohlcv_reader_read(r, buf, NULL, 4, NULL), OHLCV_STATUS_NULL_POINTER);
        CHECK_ST(ohlcv_reader_bars(r, NULL, &len), OHLCV_STATUS_NULL_POINTER);
        CHECK_ST(ohlcv_reader_tell((const ohlcv_reader *)(const void *)w, &tell),
                 OHLCV_STATUS_BAD_HANDLE); /* a closed writer's token */
        CHECK_OK(ohlcv_reader_close(r));
        CHECK_ST(ohlcv_reader_close(r), OHLCV_STATUS_BAD_HANDLE);
        CHECK_ST(ohlcv_reader_bars(r, &all, &len), OHLCV_STATUS_BAD_HANDLE);
        CHECK_ST(ohlcv_reader_seek(NULL, 0), OHLCV_STATUS_BAD_HANDLE);
        CHECK_MSG("NULL");
        CHECK_OK(ohlcv_reader_close(NULL));
    }

    /* A handle of one kind used as another. */
    ohlcv_reader *r = NULL;
    CHECK_OK(ohlcv_reader_open(path_in("bars.bin"), OHLCV_FORMAT_BINARY, &r));
    uint64_t pos = 0;
    CHECK_ST(ohlcv_writer_tell((const ohlcv_writer *)(const void *)r, &pos),
             OHLCV_STATUS_BAD_HANDLE);
    CHECK_MSG("writer");
    CHECK_ST(ohlcv_resampler_free((ohlcv_resampler *)(void *)r), OHLCV_STATUS_BAD_HANDLE);
    CHECK_OK(ohlcv_reader_close(r));

    /* Reading a binary file as CSV fails on its header; nothing is written to `r`. */
    r = NULL;
    CHECK_ST(ohlcv_reader_open(path_in("bars.bin"), OHLCV_FORMAT_CSV, &r), OHLCV_STATUS_PARSE);
    CHECK(r == NULL);

    /* CSV cannot hold sub-second timestamps: nothing is written. */
    ohlcv_writer *w = NULL;
    CHECK_OK(ohlcv_writer_open(path_in("bars.csv"), OHLCV_FORMAT_CSV, &w));
    CHECK_OK(ohlcv_writer_seek_end(w, NULL));
    ohlcv_bar odd = b[N - 1];
    odd.ts += 60500;
    CHECK_ST(ohlcv_writer_append(w, &odd, 1, NULL), OHLCV_STATUS_INVALID_DATA);
    CHECK_MSG("bars.csv");
    CHECK_OK(ohlcv_writer_close(w));

    free(offs);
    ohlcv_bars_free(b);
    ohlcv_bars_free(buf);
}

static void test_open_errors(void) {
    ohlcv_reader *r = NULL;
    ohlcv_writer *w = NULL;
    /* Missing file. */
    CHECK_ST(ohlcv_reader_open(path_in("missing.bin"), OHLCV_FORMAT_AUTO, &r),
             OHLCV_STATUS_NOT_FOUND);
    CHECK_MSG("missing.bin");
    /* Truncated binary file (a torn write). */
    unsigned char junk[100];
    memset(junk, 1, sizeof junk);
    write_file(path_in("torn.bin"), junk, sizeof junk);
    CHECK_ST(ohlcv_reader_open(path_in("torn.bin"), OHLCV_FORMAT_AUTO, &r),
             OHLCV_STATUS_TRUNCATED_FILE);
    CHECK_MSG("36 stray bytes");
    CHECK_ST(ohlcv_writer_open(path_in("torn.bin"), OHLCV_FORMAT_AUTO, &w),
             OHLCV_STATUS_TRUNCATED_FILE);
    /* Unknown format: no extension and nothing telling inside. */
    write_file(path_in("empty"), "", 0);
    CHECK_ST(ohlcv_reader_open(path_in("empty"), OHLCV_FORMAT_AUTO, &r),
             OHLCV_STATUS_UNKNOWN_FORMAT);
    CHECK_ST(ohlcv_writer_open(path_in("noext"), OHLCV_FORMAT_AUTO, &w),
             OHLCV_STATUS_UNKNOWN_FORMAT);
    /* Bad format values. */
    CHECK_ST(ohlcv_reader_open(path_in("torn.bin"), 3, &r), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_ST(ohlcv_writer_open(path_in("x.bin"), -1, &w), OHLCV_STATUS_INVALID_ARGUMENT);
    /* Paths: NULL, empty, invalid UTF-8. */
    CHECK_ST(ohlcv_reader_open(NULL, OHLCV_FORMAT_AUTO, &r), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_reader_open("", OHLCV_FORMAT_AUTO, &r), OHLCV_STATUS_INVALID_PATH);
    char bad[600];
    snprintf(bad, sizeof bad, "%s/\xff\xfe.bin", scratch);
    CHECK_ST(ohlcv_reader_open(bad, OHLCV_FORMAT_AUTO, &r), OHLCV_STATUS_INVALID_PATH);
    CHECK_MSG("UTF-8");
    CHECK_ST(ohlcv_writer_open(bad, OHLCV_FORMAT_BINARY, &w), OHLCV_STATUS_INVALID_PATH);
    /* NULL out-pointer: nothing is opened. */
    CHECK_ST(ohlcv_reader_open(path_in("torn.bin"), OHLCV_FORMAT_AUTO, NULL),
             OHLCV_STATUS_NULL_POINTER);
    CHECK(r == NULL && w == NULL);

    /* CSV parse errors: a bad header fails at open, a bad row when rows are parsed. */
    const char *bad_header = "time,open,high,low,close\n";
    write_file(path_in("hdr.csv"), bad_header, strlen(bad_header));
    CHECK_ST(ohlcv_reader_open(path_in("hdr.csv"), OHLCV_FORMAT_AUTO, &r), OHLCV_STATUS_PARSE);
    CHECK_MSG("line 1");
    const char *bad_row = "time,open,high,low,close,volume\n"
                          "2024-01-01 00:00:00,1.0,1.5,0.5,1.2,10.0\n"
                          "2024-01-01 00:01:00,1.0,oops,0.5,1.2,10.0\n";
    write_file(path_in("row.csv"), bad_row, strlen(bad_row));
    CHECK_OK(ohlcv_reader_open(path_in("row.csv"), OHLCV_FORMAT_AUTO, &r));
    const ohlcv_bar *all = NULL;
    size_t len = 99;
    CHECK_ST(ohlcv_reader_bars(r, &all, &len), OHLCV_STATUS_PARSE);
    CHECK_MSG("line 3");
    CHECK(all == NULL && len == 99);
    ohlcv_bar *buf = NULL;
    CHECK_OK(ohlcv_bars_alloc(4, &buf));
    size_t n = 0;
    CHECK_ST(ohlcv_reader_read(r, buf, NULL, 4, &n), OHLCV_STATUS_PARSE);
    CHECK_MSG("high");
    uint64_t pos = 0;
    CHECK_OK(ohlcv_reader_tell(r, &pos));
    CHECK(pos == 32); /* nothing consumed */
    CHECK_OK(ohlcv_reader_read(r, buf, NULL, 1, &n));
    CHECK(n == 1 && buf[0].high == 1.5);
    CHECK_OK(ohlcv_reader_close(r));
    ohlcv_bars_free(buf);

    /* An empty binary file is an empty series: NULL bars, count 0. */
    write_file(path_in("empty.bin"), "", 0);
    CHECK_OK(ohlcv_reader_open(path_in("empty.bin"), OHLCV_FORMAT_AUTO, &r));
    all = (const ohlcv_bar *)(uintptr_t)64;
    CHECK_OK(ohlcv_reader_bars(r, &all, &len));
    CHECK(all == NULL && len == 0);
    CHECK_OK(ohlcv_reader_close(r));
}

static void test_index(void) {
    const char *p = path_in("idx/A.idx");
    ohlcv_index_record rec;
    memset(&rec, 0x55, sizeof rec);
    CHECK_OK(ohlcv_index_read(p, OHLCV_INDEX_FORMAT_BINARY, &rec));
    CHECK(rec.last_date == 19700101 && rec.reserved == 0 && rec.in_pos == 0 && rec.out_pos == 0);
    ohlcv_index_record want = {20240131, 0, 6400, 1280};
    for (int32_t f = OHLCV_INDEX_FORMAT_BINARY; f <= OHLCV_INDEX_FORMAT_TEXT; f++) {
        CHECK_OK(ohlcv_index_write(p, f, &want));
        memset(&rec, 0, sizeof rec);
        CHECK_OK(ohlcv_index_read(p, f, &rec));
        CHECK(memcmp(&rec, &want, sizeof rec) == 0);
        CHECK(file_size(p) == (f == OHLCV_INDEX_FORMAT_BINARY ? 24 : 18)); /* "20240131\n6400\n1280" */
    }
    /* Corrupt index. */
    write_file(p, "\x01\x02\x03", 3);
    ohlcv_index_record before = rec;
    CHECK_ST(ohlcv_index_read(p, OHLCV_INDEX_FORMAT_BINARY, &rec), OHLCV_STATUS_INDEX_CORRUPT);
    CHECK_MSG("A.idx");
    CHECK(memcmp(&rec, &before, sizeof rec) == 0);
    write_file(p, "garbage\n", 8);
    CHECK_ST(ohlcv_index_read(p, OHLCV_INDEX_FORMAT_TEXT, &rec), OHLCV_STATUS_INDEX_CORRUPT);
    /* Bad arguments. */
    ohlcv_index_record dirty = want;
    dirty.reserved = 1;
    CHECK_ST(ohlcv_index_write(p, OHLCV_INDEX_FORMAT_BINARY, &dirty), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_ST(ohlcv_index_write(p, 2, &want), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_ST(ohlcv_index_write(p, OHLCV_INDEX_FORMAT_BINARY, NULL), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_index_read(p, OHLCV_INDEX_FORMAT_BINARY, NULL), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_index_read(NULL, OHLCV_INDEX_FORMAT_BINARY, &rec), OHLCV_STATUS_NULL_POINTER);
}

/* A plain reference resampler for fixed rules, left-closed, left-labelled, epoch origin, no
 * filter, no rounding, NaN-free input. Returns the number of bars written. */
static size_t naive_resample(const ohlcv_bar *in, size_t n, uint64_t period, ohlcv_bar *out) {
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        uint64_t start = in[i].ts - in[i].ts % period;
        ohlcv_bar acc;
        memset(&acc, 0, sizeof acc);
        acc.ts = start;
        acc.open = in[i].open;
        acc.high = in[i].high;
        acc.low = in[i].low;
        size_t j = i;
        double s = 0.0, c = 0.0;
        for (; j < n && in[j].ts < start + period; j++) {
            if (in[j].high > acc.high) acc.high = in[j].high;
            if (in[j].low < acc.low) acc.low = in[j].low;
            acc.close = in[j].close;
            double y = in[j].volume - c, t = s + y;
            c = (t - s) - y;
            s = t;
        }
        acc.volume = s;
        out[k++] = acc;
        i = j;
    }
    return k;
}

static void test_resample(void) {
    enum { N = 3000 };
    ohlcv_bar *in = NULL, *out = NULL, *ref = NULL;
    CHECK_OK(ohlcv_bars_alloc(N, &in));
    CHECK_OK(ohlcv_bars_alloc(N, &out));
    CHECK_OK(ohlcv_bars_alloc(N, &ref));
    if (in == NULL || out == NULL || ref == NULL) {
        return;
    }
    make_bars(in, N);

    ohlcv_resample_options o;
    CHECK_OK(ohlcv_resample_options_default(&o));
    CHECK(o.origin == NULL && o.closed == OHLCV_SIDE_SPEC && o.label == OHLCV_SIDE_SPEC &&
          o.round_decimals == 8 && o.drop_nonpositive_volume);
    o.round_decimals = -1;
    o.drop_nonpositive_volume = false;
    size_t n = 0;
    CHECK_OK(ohlcv_resample(in, N, "5m", &o, out, N, &n));
    size_t want = naive_resample(in, N, 300000, ref);
    CHECK(n == want && n > 0);
    CHECK(same_bars(out, ref, n));

    /* Explicit sides and origin equal the spec's options. */
    ohlcv_bar *alt = NULL;
    CHECK_OK(ohlcv_bars_alloc(N, &alt));
    size_t n2 = 0;
    o.origin = "00:02";
    o.closed = OHLCV_SIDE_RIGHT;
    o.label = OHLCV_SIDE_RIGHT;
    CHECK_OK(ohlcv_resample(in, N, "5m", &o, out, N, &n));
    ohlcv_resample_options plain;
    CHECK_OK(ohlcv_resample_options_default(&plain));
    plain.round_decimals = -1;
    plain.drop_nonpositive_volume = false;
    CHECK_OK(ohlcv_resample(in, N, "5m,origin=00:02,closed=right,label=right", &plain, alt, N,
                            &n2));
    CHECK(n == n2 && same_bars(out, alt, n));
    CHECK(out[0].ts % 300000 == 120000);
    ohlcv_bars_free(alt);

    /* Pipeline defaults (NULL options): rounded to 8 decimals. */
    CHECK_OK(ohlcv_resample(in, N, "15min", NULL, out, N, &n));
    CHECK(n > 0 && fabs(out[0].open * 1e8 - round(out[0].open * 1e8)) < 1e-6);

    /* Error paths. */
    size_t keep = 4242;
    CHECK_ST(ohlcv_resample(in, N, "5m", NULL, out, 3, &keep), OHLCV_STATUS_BUFFER_TOO_SMALL);
    CHECK_MSG("needed");
    CHECK(keep == 4242);
    CHECK_ST(ohlcv_resample(in, N, "5 fortnights", NULL, out, N, &n),
             OHLCV_STATUS_INVALID_TIMEFRAME);
    CHECK_MSG("5 fortnights");
    CHECK_ST(ohlcv_resample(in, N, NULL, NULL, out, N, &n), OHLCV_STATUS_NULL_POINTER);
    o.origin = "25:00";
    CHECK_ST(ohlcv_resample(in, N, "5m", &o, out, N, &n), OHLCV_STATUS_INVALID_TIMEFRAME);
    o.origin = "01:00";
    CHECK_ST(ohlcv_resample(in, N, "MS", &o, out, N, &n), OHLCV_STATUS_INVALID_TIMEFRAME);
    o.origin = NULL;
    o.closed = 7;
    CHECK_ST(ohlcv_resample(in, N, "5m", &o, out, N, &n), OHLCV_STATUS_INVALID_ARGUMENT);
    o.closed = OHLCV_SIDE_LEFT;
    o.round_decimals = 300;
    CHECK_ST(ohlcv_resample(in, N, "5m", &o, out, N, &n), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_ST(ohlcv_resample(misaligned(in), 10, "5m", NULL, out, N, &n), OHLCV_STATUS_MISALIGNED);
    CHECK_ST(ohlcv_resample(in, 10, "5m", NULL, misaligned(out), 10, &n), OHLCV_STATUS_MISALIGNED);
    CHECK_ST(ohlcv_resample(in, 100, "5m", NULL, in + 50, 100, &n), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("overlap");
    CHECK_ST(ohlcv_resample(in, SIZE_MAX, "5m", NULL, out, N, &n), OHLCV_STATUS_OVERFLOW);
    CHECK_ST(ohlcv_resample(in, N, "5m", NULL, out, N, NULL), OHLCV_STATUS_NULL_POINTER);
    ohlcv_bar saved = in[100];
    in[100].ts = in[99].ts - 60000;
    CHECK_ST(ohlcv_resample(in, N, "5m", NULL, out, N, &n), OHLCV_STATUS_INVALID_DATA);
    in[100] = saved;

    /* The streaming resampler gives the one-shot result for any chunking. */
    size_t total = 0;
    CHECK_OK(ohlcv_resample(in, N, "1h", NULL, ref, N, &total));
    ohlcv_resampler *rs = NULL;
    CHECK_OK(ohlcv_resampler_new("1h", NULL, &rs));
    size_t got = 0, pos = 0, chunk = 1;
    ohlcv_bar *small = NULL;
    CHECK_OK(ohlcv_bars_alloc(2, &small));
    while (pos < N) {
        size_t take = chunk < N - pos ? chunk : N - pos;
        size_t done = 0;
        while (done < take) {
            size_t consumed = 0, written = 0;
            CHECK_OK(ohlcv_resampler_push(rs, in + pos + done, take - done, small, 2, &consumed,
                                          &written));
            for (size_t i = 0; i < written && got < N; i++) {
                out[got++] = small[i];
            }
            done += consumed;
            if (consumed == 0 && written == 0) {
                break;
            }
        }
        pos += take;
        chunk = chunk * 7 % 61 + 1;
    }
    ohlcv_bar forming, last;
    bool found = false;
    CHECK_OK(ohlcv_resampler_forming(rs, &forming, &found));
    CHECK(found);
    CHECK_OK(ohlcv_resampler_finish(rs, &last, &found));
    CHECK(found && same_bar(&forming, &last));
    out[got++] = last;
    CHECK(got == total && same_bars(out, ref, total));
    CHECK_OK(ohlcv_resampler_finish(rs, &last, &found));
    CHECK(!found);
    /* Resampler error paths. */
    ohlcv_bar back[2];
    back[0] = in[10];
    back[1] = in[9];
    size_t c = 0, w = 0;
    CHECK_ST(ohlcv_resampler_push(rs, back, 2, small, 2, &c, &w), OHLCV_STATUS_INVALID_DATA);
    CHECK_ST(ohlcv_resampler_push(rs, in, 2, small, 2, NULL, &w), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_resampler_push(rs, misaligned(in), 2, small, 2, &c, &w), OHLCV_STATUS_MISALIGNED);
    CHECK_ST(ohlcv_resampler_forming(rs, NULL, &found), OHLCV_STATUS_NULL_POINTER);
    CHECK_ST(ohlcv_resampler_forming(NULL, &last, &found), OHLCV_STATUS_BAD_HANDLE);
    CHECK_OK(ohlcv_resampler_free(rs));
    CHECK_ST(ohlcv_resampler_free(rs), OHLCV_STATUS_BAD_HANDLE);
    CHECK_ST(ohlcv_resampler_finish(rs, &last, &found), OHLCV_STATUS_BAD_HANDLE);
    CHECK_OK(ohlcv_resampler_free(NULL));
    rs = NULL;
    CHECK_ST(ohlcv_resampler_new("0m", NULL, &rs), OHLCV_STATUS_INVALID_TIMEFRAME);
    CHECK(rs == NULL);

    ohlcv_bars_free(small);
    ohlcv_bars_free(in);
    ohlcv_bars_free(out);
    ohlcv_bars_free(ref);
}

static void test_engine(void) {
    enum { N = 4000 };
    ohlcv_bar *in = NULL, *ref = NULL;
    CHECK_OK(ohlcv_bars_alloc(N, &in));
    CHECK_OK(ohlcv_bars_alloc(N, &ref));
    if (in == NULL || ref == NULL) {
        return;
    }
    make_bars(in, N);
    mkdir(path_in("data"), 0755);
    mkdir(path_in("data/aggregate"), 0755);
    mkdir(path_in("data/aggregate/1m"), 0755);
    const char *syms[2] = {"data/aggregate/1m/EURUSD.bin", "data/aggregate/1m/USDJPY.bin"};
    for (int i = 0; i < 2; i++) {
        ohlcv_writer *w = NULL;
        CHECK_OK(ohlcv_writer_open(path_in(syms[i]), OHLCV_FORMAT_AUTO, &w));
        CHECK_OK(ohlcv_writer_append(w, in, i == 0 ? N : N / 2, NULL));
        CHECK_OK(ohlcv_writer_close(w));
    }
    ohlcv_engine_options o;
    memset(&o, 0, sizeof o);
    o.timeframes = "5m,15m";
    o.durability = OHLCV_DURABILITY_PROCESS;
    o.jobs = 2;
    o.batch_rows = 777;
    ohlcv_engine_summary s;
    memset(&s, 0, sizeof s);
    CHECK_OK(ohlcv_engine_run(path_in("data"), &o, &s));
    CHECK(s.symbols == 2 && s.timeframes == 2 && s.root_rows_in == N + N / 2);
    CHECK(s.bars_out > 0 && s.elapsed_seconds >= 0.0);

    /* The engine's 5m file is the pipeline resample of the whole 1m file. */
    size_t n = 0;
    CHECK_OK(ohlcv_resample(in, N, "5min", NULL, ref, N, &n));
    ohlcv_reader *r = NULL;
    CHECK_OK(ohlcv_reader_open(path_in("data/resample/5m/EURUSD.bin"), OHLCV_FORMAT_AUTO, &r));
    const ohlcv_bar *got = NULL;
    size_t len = 0;
    CHECK_OK(ohlcv_reader_bars(r, &got, &len));
    CHECK(len == n && got != NULL && same_bars(got, ref, n));
    CHECK_OK(ohlcv_reader_close(r));
    ohlcv_index_record idx;
    CHECK_OK(ohlcv_index_read(path_in("data/resample/5m/index/EURUSD.idx"),
                              OHLCV_INDEX_FORMAT_BINARY, &idx));
    CHECK(idx.in_pos > 0 && idx.in_pos <= 64u * N && idx.out_pos > 0);

    /* One symbol only; nothing new to read but the held-back rows. */
    o.symbols = "USDJPY";
    CHECK_OK(ohlcv_engine_run(path_in("data"), &o, &s));
    CHECK(s.symbols == 1 && s.root_rows_in <= 5);

    /* Error paths. */
    o.symbols = NULL;
    o.timeframes = "5m,2m";
    CHECK_ST(ohlcv_engine_run(path_in("data"), &o, &s), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_MSG("2m");
    o.timeframes = NULL;
    o.mode = OHLCV_FORMAT_AUTO;
    CHECK_ST(ohlcv_engine_run(path_in("data"), &o, &s), OHLCV_STATUS_INVALID_ARGUMENT);
    o.mode = OHLCV_FORMAT_BINARY;
    o.durability = 5;
    CHECK_ST(ohlcv_engine_run(path_in("data"), &o, &s), OHLCV_STATUS_INVALID_ARGUMENT);
    CHECK_ST(ohlcv_engine_run(path_in("nowhere"), NULL, &s), OHLCV_STATUS_NOT_FOUND);
    CHECK_ST(ohlcv_engine_run(path_in("data"), NULL, NULL), OHLCV_STATUS_NULL_POINTER);
    /* A corrupt index stops the run with its own status. */
    write_file(path_in("data/resample/5m/index/EURUSD.idx"), "\x09\x09", 2);
    o.durability = OHLCV_DURABILITY_FULL;
    CHECK_ST(ohlcv_engine_run(path_in("data"), &o, &s), OHLCV_STATUS_INDEX_CORRUPT);
    CHECK_MSG("EURUSD.idx");

    ohlcv_bars_free(in);
    ohlcv_bars_free(ref);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        snprintf(scratch, sizeof scratch, "%s", argv[1]);
        mkdir(scratch, 0755);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(scratch, sizeof scratch, "%s/ohlcv-c-test-XXXXXX", tmp != NULL ? tmp : "/tmp");
        if (mkdtemp(scratch) == NULL) {
            perror("mkdtemp");
            return 2;
        }
    }
    test_version_and_status();
    test_last_error_buffer();
    test_alloc();
    test_reductions();
    test_writer_and_reader();
    test_open_errors();
    test_index();
    test_resample();
    test_engine();

    size_t open_handles = 99;
    CHECK_OK(ohlcv_handles_count(&open_handles));
    CHECK(open_handles == 0);
    CHECK_ST(ohlcv_handles_count(NULL), OHLCV_STATUS_NULL_POINTER);

    remove_tree(scratch);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
