// The C++ wrapper (ohlcv.hpp): RAII handles, spans, exceptions carrying status and message.
// Prints "N passed, N failed" last; exits non-zero on any failure.
//
// Usage: test_raii [SCRATCH_DIR]
#include "ohlcv.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace {

int passed = 0;
int failed = 0;

void check_that(bool ok, const char *what, int line) {
    if (ok) {
        passed++;
    } else {
        failed++;
        std::fprintf(stderr, "test_raii.cpp:%d: CHECK failed: %s\n", line, what);
    }
}

#define CHECK(cond) check_that((cond), #cond, __LINE__)

// `expr` throws ohlcv::error with `want` as status and `needle` in what().
#define CHECK_THROWS(expr, want, needle)                                                   \
    do {                                                                                   \
        bool threw_ = false;                                                               \
        try {                                                                              \
            (void)(expr);                                                                  \
        } catch (const ohlcv::error &e_) {                                                 \
            threw_ = true;                                                                 \
            check_that(e_.status() == (want), #expr " status", __LINE__);                  \
            check_that(std::strstr(e_.what(), (needle)) != nullptr, #expr " message",      \
                       __LINE__);                                                          \
            if (e_.status() != (want) || std::strstr(e_.what(), (needle)) == nullptr) {    \
                std::fprintf(stderr, "  what(): %s\n", e_.what());                         \
            }                                                                              \
        }                                                                                  \
        check_that(threw_, #expr " throws", __LINE__);                                     \
    } while (0)

std::string scratch;

std::string path_in(const std::string &name) { return scratch + "/" + name; }

ohlcv::bar_vector make_bars(std::size_t n) {
    ohlcv::bar_vector v(n);
    std::uint64_t ts = 1704067200000ULL;
    double close = 1.25;
    for (std::size_t i = 0; i < n; i++) {
        ts += 60000ULL * (1 + i % 3);
        double open = close;
        close = open + ((i * 7919) % 13 - 6.0) * 1e-5;
        v[i] = ohlcv_bar{};
        v[i].ts = ts;
        v[i].open = open;
        v[i].close = close;
        v[i].high = std::fmax(open, close) + 2e-5;
        v[i].low = std::fmin(open, close) - 1e-5;
        v[i].volume = 1.0 + static_cast<double>(i % 17);
    }
    return v;
}

bool same(ohlcv::bar_span a, ohlcv::bar_span b) {
    return a.size() == b.size() &&
           (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(ohlcv_bar)) == 0);
}

void test_files() {
    const ohlcv::bar_vector bars = make_bars(2500);
    CHECK(reinterpret_cast<std::uintptr_t>(bars.data()) % 64 == 0);
    for (const char *name : {"a.bin", "a.csv"}) {
        const std::string path = path_in(name);
        {
            ohlcv::writer w(path);
            w.append(ohlcv::bar_span(bars.data(), 1000));
            w.append(ohlcv::bar_span(bars).subspan(1000));
            // A second writer is refused while the first is alive.
            CHECK_THROWS(ohlcv::writer(path), OHLCV_STATUS_BUSY, "busy");
            w.flush(true);
            CHECK(w.info().len_bytes > 0);
            w.close();
            CHECK(w.get() == nullptr);
        }
        // The lock died with the writer: a new one opens.
        { ohlcv::writer again(path); }

        ohlcv::reader r(path);
        ohlcv::bar_span all = r.bars();
        CHECK(same(all, bars));
        CHECK(reinterpret_cast<std::uintptr_t>(all.data()) % 64 == 0);
        ohlcv::bar_vector buf(700);
        std::vector<std::uint64_t> offs(700);
        ohlcv::bar_vector back;
        std::size_t n;
        while ((n = r.read(buf, offs.data())) > 0) {
            back.insert(back.end(), buf.begin(), buf.begin() + static_cast<long>(n));
        }
        CHECK(same(back, bars));
        CHECK(r.eof());
        r.seek(r.info().data_start);
        CHECK(r.tell() == r.info().data_start && !r.eof());
        CHECK_THROWS(r.seek(r.info().data_start + 1), OHLCV_STATUS_INVALID_ARGUMENT, name);

        // Moving transfers ownership; the moved-from object owns nothing.
        ohlcv::reader moved = std::move(r);
        CHECK(moved.get() != nullptr);
        CHECK(same(moved.bars(), bars));
    }
    CHECK_THROWS(ohlcv::reader(path_in("missing.bin")), OHLCV_STATUS_NOT_FOUND, "missing.bin");
    CHECK_THROWS(ohlcv::writer(path_in("noext")), OHLCV_STATUS_UNKNOWN_FORMAT, "extension");
    CHECK_THROWS(ohlcv::reader(path_in("a.bin"), ohlcv::format::csv), OHLCV_STATUS_PARSE,
                 "header");
}

void test_compute() {
    const ohlcv::bar_vector bars = make_bars(3000);
    CHECK(ohlcv::max_high(bars) >= ohlcv::min_low(bars));
    CHECK(ohlcv::first_open(bars) == bars.front().open);
    CHECK(ohlcv::last_close(bars) == bars.back().close);
    double total = 0.0;
    for (const auto &b : bars) {
        total += b.volume;
    }
    CHECK(ohlcv::sum_volume(bars) == total);  // small integers: exact in any order
    CHECK(ohlcv::sum_volume_kahan(bars) == total);
    auto f = ohlcv::fold(bars);
    CHECK(f.has_value() && f->ts == bars.front().ts && f->volume == total);
    CHECK(!ohlcv::fold(ohlcv::bar_span()).has_value());
    CHECK(std::isnan(ohlcv::max_high(ohlcv::bar_span())));

    // One-shot and streaming resampling agree.
    ohlcv::bar_vector once = ohlcv::resample(bars, "15min");
    CHECK(!once.empty() && once.size() < bars.size());
    ohlcv::resampler rs("15min");
    ohlcv::bar_vector streamed;
    for (std::size_t i = 0; i < bars.size(); i += 101) {
        std::size_t k = bars.size() - i < 101 ? bars.size() - i : 101;
        rs.push(ohlcv::bar_span(bars.data() + i, k), streamed);
    }
    auto forming = rs.forming();
    auto last = rs.finish();
    CHECK(forming.has_value() && last.has_value() && forming->ts == last->ts);
    streamed.push_back(*last);
    CHECK(same(streamed, once));
    CHECK(!rs.finish().has_value());

    // Options.
    ohlcv::resample_options o = ohlcv::resample_options::plain();
    o.origin = "00:05";
    o.label = ohlcv::side::right;
    ohlcv::bar_vector shifted = ohlcv::resample(bars, "15min", o);
    CHECK(!shifted.empty() && shifted[0].ts % 900000 == 300000);

    // Errors.
    CHECK_THROWS(ohlcv::resample(bars, "3 lightyears"), OHLCV_STATUS_INVALID_TIMEFRAME,
                 "3 lightyears");
    ohlcv::bar_vector tiny(2);
    CHECK_THROWS(ohlcv::resample(bars, "15min", tiny), OHLCV_STATUS_BUFFER_TOO_SMALL, "needed");
    const ohlcv_bar *odd =
        reinterpret_cast<const ohlcv_bar *>(reinterpret_cast<const char *>(bars.data()) + 8);
    CHECK_THROWS(ohlcv::max_high(ohlcv::bar_span(odd, 3)), OHLCV_STATUS_MISALIGNED, "aligned");
    ohlcv::bar_vector unsorted = make_bars(10);
    std::swap(unsorted[3], unsorted[4]);
    CHECK_THROWS(ohlcv::resample(unsorted, "5m"), OHLCV_STATUS_INVALID_DATA, "row 4");
    o.round_decimals = 999;
    CHECK_THROWS(ohlcv::resampler("5m", o), OHLCV_STATUS_INVALID_ARGUMENT, "round_decimals");
}

void test_index_and_engine() {
    const std::string idx = path_in("idx/X.idx");
    ohlcv_index_record fresh = ohlcv::read_index(idx);
    CHECK(fresh.last_date == 19700101 && fresh.in_pos == 0);
    ohlcv_index_record rec{20240102, 0, 6400, 128};
    ohlcv::write_index(idx, rec, ohlcv::index_format::text);
    ohlcv_index_record back = ohlcv::read_index(idx, ohlcv::index_format::text);
    CHECK(back.last_date == rec.last_date && back.in_pos == 6400 && back.out_pos == 128);
    CHECK_THROWS(ohlcv::read_index(idx, ohlcv::index_format::binary),
                 OHLCV_STATUS_INDEX_CORRUPT, "X.idx");

    mkdir(path_in("data").c_str(), 0755);
    mkdir(path_in("data/aggregate").c_str(), 0755);
    mkdir(path_in("data/aggregate/1m").c_str(), 0755);
    const ohlcv::bar_vector bars = make_bars(3000);
    {
        ohlcv::writer w(path_in("data/aggregate/1m/XAUUSD.csv"));
        w.append(bars);
    }
    ohlcv::engine_options o;
    o.mode = ohlcv::format::csv;
    o.timeframes = "5m,15m,30m,1h";
    o.sync = ohlcv::durability::process;
    ohlcv_engine_summary s = ohlcv::run_engine(path_in("data"), o);
    CHECK(s.symbols == 1 && s.timeframes == 4 && s.root_rows_in == bars.size());
    ohlcv::reader h1(path_in("data/resample/1h/XAUUSD.csv"));
    CHECK(same(h1.bars(), ohlcv::resample(bars, "1h")));
    o.timeframes = "1h";
    CHECK_THROWS(ohlcv::run_engine(path_in("data"), o), OHLCV_STATUS_INVALID_ARGUMENT, "30m");
}

// Bit-identical columns, NaN matching NaN.
bool same_series(const std::vector<double> &a, const std::vector<double> &b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); i++) {
        if (!(std::isnan(a[i]) && std::isnan(b[i])) &&
            std::memcmp(&a[i], &b[i], sizeof(double)) != 0) {
            std::fprintf(stderr, "  differ at %zu: %.17g %.17g\n", i, a[i], b[i]);
            return false;
        }
    }
    return true;
}

// The indicator helpers call the right C function with the right arguments: each equals the
// C call it wraps, bit for bit, outputs in order.
void test_indicators() {
    namespace ind = ohlcv::ind;
    const ohlcv::bar_vector bars = make_bars(500);
    const std::size_t n = bars.size();
    std::vector<std::uint64_t> ts(n);
    std::vector<double> h(n), l(n), c(n), v(n);
    for (std::size_t i = 0; i < n; i++) {
        ts[i] = bars[i].ts;
        h[i] = bars[i].high;
        l[i] = bars[i].low;
        c[i] = bars[i].close;
        v[i] = bars[i].volume;
    }
    std::vector<double> a(n), b(n), d(n);
    const int32_t pandas = OHLCV_CONVENTION_PANDAS;

    // Known values: the SMA of 1..6 over 3.
    const std::vector<double> small = {1, 2, 3, 4, 5, 6};
    const std::vector<double> s3 = ind::sma(small, 3);
    CHECK(std::isnan(s3[0]) && std::isnan(s3[1]) && s3[2] == 2 && s3[5] == 5);

    ohlcv::check(ohlcv_ind_sma(c.data(), n, 20, a.data()));
    CHECK(same_series(ind::sma(c, 20), a));
    ohlcv::check(ohlcv_ind_ema(c.data(), n, 20, pandas, a.data()));
    CHECK(same_series(ind::ema(c, 20, ind::convention::pandas), a));
    ohlcv::check(ohlcv_ind_wma(c.data(), n, 9, a.data()));
    CHECK(same_series(ind::wma(c, 9), a));
    ohlcv::check(ohlcv_ind_dema(c.data(), n, 9, a.data()));
    CHECK(same_series(ind::dema(c, 9), a));
    ohlcv::check(ohlcv_ind_tema(c.data(), n, 9, a.data()));
    CHECK(same_series(ind::tema(c, 9), a));
    ohlcv::check(ohlcv_ind_rsi(c.data(), n, 14, 0, a.data()));
    CHECK(same_series(ind::rsi(c), a));
    ohlcv::check(ohlcv_ind_macd(c.data(), n, 5, 35, 5, pandas, a.data(), b.data(), d.data()));
    ind::macd_result m = ind::macd(c, 5, 35, 5, ind::convention::pandas);
    CHECK(same_series(m.macd, a) && same_series(m.signal, b) && same_series(m.hist, d));
    ohlcv::check(ohlcv_ind_bbands(c.data(), n, 20, 2.0, 1.0, a.data(), b.data(), d.data()));
    ind::bands_result bb = ind::bbands(c, 20, 2.0, 1.0);
    CHECK(same_series(bb.upper, a) && same_series(bb.middle, b) && same_series(bb.lower, d));
    ohlcv::check(ohlcv_ind_stddev(c.data(), n, 20, 2.0, a.data()));
    CHECK(same_series(ind::stddev(c, 20, 2.0), a));
    ohlcv::check(ohlcv_ind_trange(h.data(), l.data(), c.data(), n, a.data()));
    CHECK(same_series(ind::trange(h, l, c), a));
    ohlcv::check(ohlcv_ind_atr(h.data(), l.data(), c.data(), n, 10, pandas, a.data()));
    CHECK(same_series(ind::atr(h, l, c, 10, ind::convention::pandas), a));
    ohlcv::check(ohlcv_ind_stoch(h.data(), l.data(), c.data(), n, 14, 3, 5, a.data(), b.data()));
    ind::stoch_result st = ind::stoch(h, l, c, 14, 3, 5);
    CHECK(same_series(st.k, a) && same_series(st.d, b));
    ohlcv::check(ohlcv_ind_willr(h.data(), l.data(), c.data(), n, 10, a.data()));
    CHECK(same_series(ind::willr(h, l, c, 10), a));
    ohlcv::check(ohlcv_ind_cci(h.data(), l.data(), c.data(), n, 10, a.data()));
    CHECK(same_series(ind::cci(h, l, c, 10), a));
    ohlcv::check(ohlcv_ind_adx(h.data(), l.data(), c.data(), n, 7, a.data(), b.data(), d.data()));
    ind::adx_result ax = ind::adx(h, l, c, 7);
    CHECK(same_series(ax.adx, a) && same_series(ax.plus_di, b) && same_series(ax.minus_di, d));
    ohlcv::check(ohlcv_ind_mfi(h.data(), l.data(), c.data(), v.data(), n, 7, a.data()));
    CHECK(same_series(ind::mfi(h, l, c, v, 7), a));
    ohlcv::check(ohlcv_ind_obv(c.data(), v.data(), n, a.data()));
    CHECK(same_series(ind::obv(c, v), a));
    ohlcv::check(ohlcv_ind_roc(c.data(), n, 3, a.data()));
    CHECK(same_series(ind::roc(c, 3), a));
    ohlcv::check(ohlcv_ind_mom(c.data(), n, 3, a.data()));
    CHECK(same_series(ind::mom(c, 3), a));
    ohlcv::check(ohlcv_ind_max(h.data(), n, 12, a.data()));
    CHECK(same_series(ind::rolling_max(h, 12), a));
    ohlcv::check(ohlcv_ind_min(l.data(), n, 12, a.data()));
    CHECK(same_series(ind::rolling_min(l, 12), a));
    ohlcv::check(ohlcv_ind_donchian(h.data(), l.data(), n, 12, a.data(), b.data(), d.data()));
    ind::bands_result dc = ind::donchian(h, l, 12);
    CHECK(same_series(dc.upper, a) && same_series(dc.middle, b) && same_series(dc.lower, d));
    ohlcv::check(ohlcv_ind_vwap(ts.data(), h.data(), l.data(), c.data(), v.data(), n, a.data()));
    CHECK(same_series(ind::vwap(ts, h, l, c, v), a));

    // Errors throw with the status and the library's message.
    CHECK_THROWS(ind::sma(c, 0), OHLCV_STATUS_INVALID_ARGUMENT, "period = 0");
    CHECK_THROWS(ind::atr(h, l, small), OHLCV_STATUS_INVALID_ARGUMENT, "different lengths");
    CHECK_THROWS(ind::macd(c, 12, 26, 0), OHLCV_STATUS_INVALID_ARGUMENT, "signal = 0");

    // A streaming state is a plain value: a copy continues exactly like the original.
    ohlcv_ind_rsi_state s1{};
    ohlcv::check(ohlcv_ind_rsi_init(14, 0, &s1));
    std::vector<double> streamed(n);
    for (std::size_t i = 0; i < 200; i++) {
        ohlcv::check(ohlcv_ind_rsi_update(&s1, c[i], &streamed[i]));
    }
    ohlcv_ind_rsi_state s2 = s1;
    for (std::size_t i = 200; i < n; i++) {
        ohlcv::check(ohlcv_ind_rsi_update(&s1, c[i], &streamed[i]));
        double y = 0;
        ohlcv::check(ohlcv_ind_rsi_update(&s2, c[i], &y));
        CHECK(std::memcmp(&y, &streamed[i], sizeof y) == 0);
    }
    CHECK(same_series(streamed, ind::rsi(c)));
}

}  // namespace

int main(int argc, char **argv) {
    if (argc > 1) {
        scratch = argv[1];
        mkdir(scratch.c_str(), 0755);
    } else {
        char tmpl[] = "/tmp/ohlcv-cpp-test-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) {
            std::perror("mkdtemp");
            return 2;
        }
        scratch = tmpl;
    }
    try {
        ohlcv::check_abi();
        CHECK(!ohlcv::version().empty() && !ohlcv::simd_backend().empty());
        test_files();
        test_compute();
        test_index_and_engine();
        test_indicators();
        CHECK(ohlcv::handles_count() == 0);  // every RAII handle was released
    } catch (const std::exception &e) {
        failed++;
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    }
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
