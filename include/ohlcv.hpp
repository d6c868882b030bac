/*
 * ohlcv.hpp: a header-only C++17 wrapper over the C API of ohlcv.h.
 *
 * - Handles (reader, writer, resampler) are move-only RAII objects; the destructor closes them,
 *   and an explicit close() reports the error a final flush may hit.
 * - Bars are viewed through ohlcv::bar_span (std::span<const ohlcv_bar> with C++20, a small
 *   span-like view otherwise). A span from reader::bars() is valid while the reader is open.
 * - Every failure throws ohlcv::error, carrying the status and the library's message.
 * - ohlcv::bar_vector (std::vector<ohlcv_bar>) is 64-byte aligned: C++17 allocates over-aligned
 *   types with aligned operator new.
 * - ohlcv::ind: every indicator's batch function over columns (any contiguous doubles: a
 *   std::vector<double>, an array, a span), returning std::vector<double> (a struct of them
 *   for several outputs), NaN over the lookback as in C. The streaming states are the C
 *   structs themselves (plain values; see ohlcv.h).
 *
 * Hand-written (unlike ohlcv.h). Link with -lohlcv.
 */
#ifndef OHLCV_HPP
#define OHLCV_HPP

#include "ohlcv.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if __cplusplus < 201703L && !(defined(_MSVC_LANG) && _MSVC_LANG >= 201703L)
#error "ohlcv.hpp needs C++17 or later"
#endif

#if __cplusplus >= 202002L && defined(__has_include)
#if __has_include(<span>)
#include <span>
#define OHLCV_HPP_STD_SPAN 1
#endif
#endif

namespace ohlcv {

/* ---------------------------------------------------------------------------------------- */
/* Errors                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/// The calling thread's last error message (empty when there is none).
inline std::string last_error_message() {
    std::size_t len = 0;
    if (ohlcv_last_error_message(nullptr, 0, &len) != OHLCV_STATUS_OK || len == 0) {
        return std::string();
    }
    std::string msg(len + 1, '\0');
    if (ohlcv_last_error_message(&msg[0], msg.size(), &len) != OHLCV_STATUS_OK) {
        return std::string();
    }
    msg.resize(len < msg.size() ? len : msg.size() - 1);
    return msg;
}

/// A failed call: the status and the library's message.
class error : public std::runtime_error {
public:
    error(ohlcv_status status, const std::string &message)
        : std::runtime_error(std::string(ohlcv_status_str(static_cast<int32_t>(status))) + ": " +
                             message),
          status_(status) {}

    /// The status the call returned.
    ohlcv_status status() const noexcept { return status_; }

private:
    ohlcv_status status_;
};

/// Throws ohlcv::error unless `status` is OHLCV_STATUS_OK.
inline void check(ohlcv_status status) {
    if (status != OHLCV_STATUS_OK) {
        throw error(status, last_error_message());
    }
}

/// Throws unless the loaded library has the ABI this header was written for.
inline void check_abi() {
    if (ohlcv_abi_version() != OHLCV_ABI_VERSION) {
        throw error(OHLCV_STATUS_UNSUPPORTED,
                    "libohlcv ABI " + std::to_string(ohlcv_abi_version()) +
                        " does not match ohlcv.h ABI " + std::to_string(OHLCV_ABI_VERSION));
    }
}

/// The library version ("MAJOR.MINOR.PATCH").
inline std::string version() { return ohlcv_version(); }

/// The SIMD backend in use ("scalar", "wide", "avx2" or "avx512").
inline std::string simd_backend() { return ohlcv_simd_backend(); }

/// Open handles of every kind (a leak check).
inline std::size_t handles_count() {
    std::size_t n = 0;
    check(ohlcv_handles_count(&n));
    return n;
}

/* ---------------------------------------------------------------------------------------- */
/* Bars and views                                                                           */
/* ---------------------------------------------------------------------------------------- */

using bar = ohlcv_bar;

/// Owned bars, 64-byte aligned (C++17 aligned new).
using bar_vector = std::vector<ohlcv_bar>;

#ifdef OHLCV_HPP_STD_SPAN
template <class T>
using span = std::span<T>;
#else
/// A minimal std::span stand-in for C++17: a pointer and a count.
template <class T>
class span {
public:
    using element_type = T;
    using value_type = typename std::remove_cv<T>::type;
    using size_type = std::size_t;
    using pointer = T *;
    using reference = T &;
    using iterator = T *;

    constexpr span() noexcept = default;
    constexpr span(T *data, std::size_t size) noexcept : data_(data), size_(size) {}
    /// From a contiguous container (an rvalue only for a span of const, as std::span).
    template <class C,
              class = typename std::enable_if<
                  std::is_convertible<decltype(std::declval<C &>().data()), T *>::value &&
                  (std::is_lvalue_reference<C>::value || std::is_const<T>::value)>::type>
    constexpr span(C &&c) noexcept : data_(c.data()), size_(c.size()) {}
    template <class U, class = typename std::enable_if<std::is_convertible<U *, T *>::value>::type>
    constexpr span(const span<U> &other) noexcept : data_(other.data()), size_(other.size()) {}

    constexpr T *data() const noexcept { return data_; }
    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T *begin() const noexcept { return data_; }
    constexpr T *end() const noexcept { return data_ + size_; }
    constexpr T &operator[](std::size_t i) const noexcept { return data_[i]; }
    constexpr T &front() const noexcept { return data_[0]; }
    constexpr T &back() const noexcept { return data_[size_ - 1]; }
    constexpr span subspan(std::size_t offset, std::size_t count) const noexcept {
        return span(data_ + offset, count);
    }
    constexpr span subspan(std::size_t offset) const noexcept {
        return span(data_ + offset, size_ - offset);
    }

private:
    T *data_ = nullptr;
    std::size_t size_ = 0;
};
#endif

/// Read-only bars.
using bar_span = span<const ohlcv_bar>;
/// Writable bars (an output buffer).
using mutable_bar_span = span<ohlcv_bar>;

/// Bar file formats.
enum class format : int32_t {
    binary = OHLCV_FORMAT_BINARY,
    csv = OHLCV_FORMAT_CSV,
    /// Readers: by extension, then content. Writers: by extension.
    automatic = OHLCV_FORMAT_AUTO,
};

/* ---------------------------------------------------------------------------------------- */
/* Reductions                                                                               */
/* ---------------------------------------------------------------------------------------- */

/// Highest non-NaN high (NaN when none).
inline double max_high(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_max_high(bars.data(), bars.size(), &x));
    return x;
}

/// Lowest non-NaN low (NaN when none).
inline double min_low(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_min_low(bars.data(), bars.size(), &x));
    return x;
}

/// First non-NaN open (NaN when none).
inline double first_open(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_first_open(bars.data(), bars.size(), &x));
    return x;
}

/// Last non-NaN close (NaN when none).
inline double last_close(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_last_close(bars.data(), bars.size(), &x));
    return x;
}

/// Sum of the non-NaN volumes, fixed eight-lane association (fast, not pandas').
inline double sum_volume(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_sum_volume(bars.data(), bars.size(), &x));
    return x;
}

/// Sum of the non-NaN volumes, bit-identical to pandas' compensated group sum.
inline double sum_volume_kahan(bar_span bars) {
    double x = 0.0;
    check(ohlcv_bars_sum_volume_kahan(bars.data(), bars.size(), &x));
    return x;
}

/// All bars folded into one (as one resample bin); nullopt for no bars.
inline std::optional<ohlcv_bar> fold(bar_span bars) {
    ohlcv_bar out{};
    bool found = false;
    check(ohlcv_bars_fold(bars.data(), bars.size(), &out, &found));
    return found ? std::optional<ohlcv_bar>(out) : std::nullopt;
}

/* ---------------------------------------------------------------------------------------- */
/* Handles                                                                                  */
/* ---------------------------------------------------------------------------------------- */

namespace detail {
struct reader_deleter {
    void operator()(ohlcv_reader *r) const noexcept { (void)ohlcv_reader_close(r); }
};
struct writer_deleter {
    void operator()(ohlcv_writer *w) const noexcept { (void)ohlcv_writer_close(w); }
};
struct resampler_deleter {
    void operator()(ohlcv_resampler *r) const noexcept { (void)ohlcv_resampler_free(r); }
};
}  // namespace detail

/// A bar file opened for reading. Thread-safe: calls on one reader are serialised.
class reader {
public:
    /// Opens `path` (binary or CSV).
    explicit reader(const std::string &path, format f = format::automatic) {
        ohlcv_reader *r = nullptr;
        check(ohlcv_reader_open(path.c_str(), static_cast<int32_t>(f), &r));
        handle_.reset(r);
    }

    /// Every bar of the file, zero-copy for binary files (CSV is parsed once). Valid until the
    /// reader is closed or destroyed.
    bar_span bars() const {
        const ohlcv_bar *p = nullptr;
        std::size_t n = 0;
        check(ohlcv_reader_bars(handle_.get(), &p, &n));
        return bar_span(p, n);
    }

    /// Reads up to out.size() bars from the position into `out` (and their byte offsets into
    /// `offsets` when given; it must hold out.size() values). Returns how many (0 at the end).
    std::size_t read(mutable_bar_span out, std::uint64_t *offsets = nullptr) {
        std::size_t n = 0;
        check(ohlcv_reader_read(handle_.get(), out.data(), offsets, out.size(), &n));
        return n;
    }

    /// Moves to byte offset `pos` (a record boundary or the end).
    void seek(std::uint64_t pos) { check(ohlcv_reader_seek(handle_.get(), pos)); }

    /// The current byte offset.
    std::uint64_t tell() const {
        std::uint64_t pos = 0;
        check(ohlcv_reader_tell(handle_.get(), &pos));
        return pos;
    }

    /// True at the end of the data.
    bool eof() const {
        bool e = false;
        check(ohlcv_reader_eof(handle_.get(), &e));
        return e;
    }

    /// Format, length and first record offset.
    ohlcv_file_info info() const {
        ohlcv_file_info i{};
        check(ohlcv_reader_info(handle_.get(), &i));
        return i;
    }

    /// Closes now (spans from bars() become invalid).
    void close() { check(ohlcv_reader_close(handle_.release())); }

    /// The C handle (still owned by this object).
    ohlcv_reader *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<ohlcv_reader, detail::reader_deleter> handle_;
};

/// A bar file opened for writing (exclusive: a second writer on the file gets
/// OHLCV_STATUS_BUSY). Destroying it flushes and syncs; call close() to see a failure.
class writer {
public:
    /// Opens (creating) `path` without truncating it; `format::automatic` goes by extension.
    explicit writer(const std::string &path, format f = format::automatic) {
        ohlcv_writer *w = nullptr;
        check(ohlcv_writer_open(path.c_str(), static_cast<int32_t>(f), &w));
        handle_.reset(w);
    }

    /// Writes `bars` at byte offset `pos`; returns the new position.
    std::uint64_t write_at(std::uint64_t pos, bar_span bars) {
        std::uint64_t end = 0;
        check(ohlcv_writer_write_at(handle_.get(), pos, bars.data(), bars.size(), &end));
        return end;
    }

    /// Writes `bars` at the current position; returns the new position.
    std::uint64_t append(bar_span bars) {
        std::uint64_t end = 0;
        check(ohlcv_writer_append(handle_.get(), bars.data(), bars.size(), &end));
        return end;
    }

    /// Moves to the end of the file; returns the position.
    std::uint64_t seek_end() {
        std::uint64_t end = 0;
        check(ohlcv_writer_seek_end(handle_.get(), &end));
        return end;
    }

    /// Cuts the file to `len` bytes (a record boundary).
    void truncate(std::uint64_t len) { check(ohlcv_writer_truncate(handle_.get(), len)); }

    /// Hands buffered rows to the OS; with `sync`, makes them durable.
    void flush(bool sync = false) { check(ohlcv_writer_flush(handle_.get(), sync)); }

    /// The current byte offset.
    std::uint64_t tell() const {
        std::uint64_t pos = 0;
        check(ohlcv_writer_tell(handle_.get(), &pos));
        return pos;
    }

    /// Format, length and first record offset.
    ohlcv_file_info info() const {
        ohlcv_file_info i{};
        check(ohlcv_writer_info(handle_.get(), &i));
        return i;
    }

    /// Flushes, syncs and closes, reporting a failure.
    void close() { check(ohlcv_writer_close(handle_.release())); }

    /// The C handle (still owned by this object).
    ohlcv_writer *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<ohlcv_writer, detail::writer_deleter> handle_;
};

/* ---------------------------------------------------------------------------------------- */
/* Index files                                                                              */
/* ---------------------------------------------------------------------------------------- */

/// Index file encodings.
enum class index_format : int32_t {
    binary = OHLCV_INDEX_FORMAT_BINARY,
    text = OHLCV_INDEX_FORMAT_TEXT,
};

/// Reads an index file (a missing file reads as {19700101, 0, 0, 0}).
inline ohlcv_index_record read_index(const std::string &path,
                                     index_format f = index_format::binary) {
    ohlcv_index_record r{};
    check(ohlcv_index_read(path.c_str(), static_cast<int32_t>(f), &r));
    return r;
}

/// Writes an index file durably and atomically.
inline void write_index(const std::string &path, const ohlcv_index_record &record,
                        index_format f = index_format::binary) {
    check(ohlcv_index_write(path.c_str(), static_cast<int32_t>(f), &record));
}

/* ---------------------------------------------------------------------------------------- */
/* Resampling                                                                               */
/* ---------------------------------------------------------------------------------------- */

/// Sides of a bin.
enum class side : int32_t {
    spec = OHLCV_SIDE_SPEC,
    left = OHLCV_SIDE_LEFT,
    right = OHLCV_SIDE_RIGHT,
};

/// Resample options; the defaults are the pipeline's (drop volume <= 0, round to 8 decimals).
struct resample_options {
    /// "" keeps the spec's origin; else "epoch", "HH:MM[:SS]" or epoch milliseconds.
    std::string origin;
    side closed = side::spec;
    side label = side::spec;
    /// -1: no rounding.
    int round_decimals = 8;
    bool drop_nonpositive_volume = true;

    /// Plain pandas aggregation: every non-empty bin, no rounding.
    static resample_options plain() {
        resample_options o;
        o.round_decimals = -1;
        o.drop_nonpositive_volume = false;
        return o;
    }

    /// The C struct (borrowing `origin`).
    ohlcv_resample_options c_options() const {
        ohlcv_resample_options o{};
        check(ohlcv_resample_options_default(&o));
        o.origin = origin.empty() ? nullptr : origin.c_str();
        o.closed = static_cast<int32_t>(closed);
        o.label = static_cast<int32_t>(label);
        o.round_decimals = round_decimals;
        o.drop_nonpositive_volume = drop_nonpositive_volume;
        return o;
    }
};

/// Resamples sorted `input` into `out`; returns the number of bars written (out.size() equal
/// to input.size() is always enough).
inline std::size_t resample(bar_span input, const std::string &timeframe, mutable_bar_span out,
                            const resample_options &options = resample_options()) {
    const ohlcv_resample_options o = options.c_options();
    std::size_t n = 0;
    check(ohlcv_resample(input.data(), input.size(), timeframe.c_str(), &o, out.data(),
                         out.size(), &n));
    return n;
}

/// Resamples sorted `input` into a new vector.
inline bar_vector resample(bar_span input, const std::string &timeframe,
                           const resample_options &options = resample_options()) {
    bar_vector out(input.size());
    out.resize(resample(input, timeframe, mutable_bar_span(out), options));
    return out;
}

/// A streaming resampler: push sorted bars in chunks of any size.
class resampler {
public:
    explicit resampler(const std::string &timeframe,
                       const resample_options &options = resample_options()) {
        const ohlcv_resample_options o = options.c_options();
        ohlcv_resampler *r = nullptr;
        check(ohlcv_resampler_new(timeframe.c_str(), &o, &r));
        handle_.reset(r);
    }

    /// Pushes bars, writing closed bars into `out`; returns {consumed, written}. Stops early
    /// when `out` is full.
    std::pair<std::size_t, std::size_t> push(bar_span input, mutable_bar_span out) {
        std::size_t consumed = 0, written = 0;
        check(ohlcv_resampler_push(handle_.get(), input.data(), input.size(), out.data(),
                                   out.size(), &consumed, &written));
        return {consumed, written};
    }

    /// Pushes all of `input`, appending every closed bar to `out`.
    void push(bar_span input, bar_vector &out) {
        ohlcv_bar chunk[64];
        while (!input.empty()) {
            auto cw = push(input, mutable_bar_span(chunk, 64));
            out.insert(out.end(), chunk, chunk + cw.second);
            input = input.subspan(cw.first);
        }
    }

    /// The forming bar as it would be emitted now, if any.
    std::optional<ohlcv_bar> forming() const {
        ohlcv_bar b{};
        bool found = false;
        check(ohlcv_resampler_forming(handle_.get(), &b, &found));
        return found ? std::optional<ohlcv_bar>(b) : std::nullopt;
    }

    /// Closes the forming bin (returning its bar, if any) and resets.
    std::optional<ohlcv_bar> finish() {
        ohlcv_bar b{};
        bool found = false;
        check(ohlcv_resampler_finish(handle_.get(), &b, &found));
        return found ? std::optional<ohlcv_bar>(b) : std::nullopt;
    }

    /// The C handle (still owned by this object).
    ohlcv_resampler *get() const noexcept { return handle_.get(); }

private:
    std::unique_ptr<ohlcv_resampler, detail::resampler_deleter> handle_;
};

/* ---------------------------------------------------------------------------------------- */
/* Engine                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/// Durability of the engine's commits.
enum class durability : int32_t {
    full = OHLCV_DURABILITY_FULL,
    process = OHLCV_DURABILITY_PROCESS,
};

/// Engine settings; the defaults are the pipeline's for binary files.
struct engine_options {
    format mode = format::binary;
    /// How durable each index commit is.
    durability sync = durability::full;
    /// Comma-separated timeframes ("" = the whole cascade).
    std::string timeframes;
    /// Comma-separated symbols ("" = all).
    std::string symbols;
    std::size_t jobs = 0;
    std::size_t batch_rows = 0;
};

/// Runs the pipeline's cascade over `data_dir`.
inline ohlcv_engine_summary run_engine(const std::string &data_dir,
                                       const engine_options &options = engine_options()) {
    ohlcv_engine_options o{};
    o.mode = static_cast<int32_t>(options.mode);
    o.durability = static_cast<int32_t>(options.sync);
    o.timeframes = options.timeframes.empty() ? nullptr : options.timeframes.c_str();
    o.symbols = options.symbols.empty() ? nullptr : options.symbols.c_str();
    o.jobs = options.jobs;
    o.batch_rows = options.batch_rows;
    ohlcv_engine_summary s{};
    check(ohlcv_engine_run(data_dir.c_str(), &o, &s));
    return s;
}

/* ---------------------------------------------------------------------------------------- */
/* Indicators                                                                               */
/* ---------------------------------------------------------------------------------------- */

namespace ind {

/// Which reference EMA, RSI, ATR and MACD follow.
enum class convention : int32_t {
    talib = OHLCV_CONVENTION_TALIB,
    pandas = OHLCV_CONVENTION_PANDAS,
};

/// An input column.
using column = span<const double>;
/// An output column.
using series = std::vector<double>;

/// Three outputs: MACD line, signal, histogram.
struct macd_result {
    series macd, signal, hist;
};

/// Three bands: Bollinger or Donchian.
struct bands_result {
    series upper, middle, lower;
};

/// Slow %K and slow %D.
struct stoch_result {
    series k, d;
};

/// ADX with the directional indicators.
struct adx_result {
    series adx, plus_di, minus_di;
};

namespace detail {
/// The common length of the columns; throws when they differ.
inline std::size_t length(std::initializer_list<std::size_t> sizes) {
    const std::size_t n = *sizes.begin();
    for (std::size_t s : sizes) {
        if (s != n) {
            throw error(OHLCV_STATUS_INVALID_ARGUMENT,
                        "indicator columns have different lengths (" + std::to_string(n) +
                            " and " + std::to_string(s) + ")");
        }
    }
    return n;
}
inline int32_t conv(convention c) { return static_cast<int32_t>(c); }
}  // namespace detail

/// Simple moving average (TA-Lib SMA).
inline series sma(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_sma(x.data(), x.size(), period, out.data()));
    return out;
}

/// Exponential moving average (TA-Lib EMA, or pandas ewm(span=period, adjust=False)).
inline series ema(column x, int32_t period = 30, convention c = convention::talib) {
    series out(x.size());
    check(ohlcv_ind_ema(x.data(), x.size(), period, detail::conv(c), out.data()));
    return out;
}

/// Weighted moving average (TA-Lib WMA).
inline series wma(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_wma(x.data(), x.size(), period, out.data()));
    return out;
}

/// Double exponential moving average (TA-Lib DEMA).
inline series dema(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_dema(x.data(), x.size(), period, out.data()));
    return out;
}

/// Triple exponential moving average (TA-Lib TEMA).
inline series tema(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_tema(x.data(), x.size(), period, out.data()));
    return out;
}

/// Relative strength index (TA-Lib RSI, or the pipeline's pandas form).
inline series rsi(column x, int32_t period = 14, convention c = convention::talib) {
    series out(x.size());
    check(ohlcv_ind_rsi(x.data(), x.size(), period, detail::conv(c), out.data()));
    return out;
}

/// MACD line, signal and histogram (TA-Lib MACD, or pandas spans).
inline macd_result macd(column x, int32_t fast = 12, int32_t slow = 26, int32_t signal = 9,
                        convention c = convention::talib) {
    macd_result r{series(x.size()), series(x.size()), series(x.size())};
    check(ohlcv_ind_macd(x.data(), x.size(), fast, slow, signal, detail::conv(c), r.macd.data(),
                         r.signal.data(), r.hist.data()));
    return r;
}

/// Bollinger Bands on an SMA (TA-Lib BBANDS, matype SMA).
inline bands_result bbands(column x, int32_t period = 5, double nbdev_up = 2.0,
                           double nbdev_dn = 2.0) {
    bands_result r{series(x.size()), series(x.size()), series(x.size())};
    check(ohlcv_ind_bbands(x.data(), x.size(), period, nbdev_up, nbdev_dn, r.upper.data(),
                           r.middle.data(), r.lower.data()));
    return r;
}

/// Rolling population standard deviation times nbdev (TA-Lib STDDEV).
inline series stddev(column x, int32_t period = 5, double nbdev = 1.0) {
    series out(x.size());
    check(ohlcv_ind_stddev(x.data(), x.size(), period, nbdev, out.data()));
    return out;
}

/// True range (TA-Lib TRANGE).
inline series trange(column high, column low, column close) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    series out(n);
    check(ohlcv_ind_trange(high.data(), low.data(), close.data(), n, out.data()));
    return out;
}

/// Average true range (TA-Lib ATR, or the pipeline's pandas form).
inline series atr(column high, column low, column close, int32_t period = 14,
                  convention c = convention::talib) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    series out(n);
    check(ohlcv_ind_atr(high.data(), low.data(), close.data(), n, period, detail::conv(c),
                        out.data()));
    return out;
}

/// Slow stochastic (TA-Lib STOCH with SMA smoothing).
inline stoch_result stoch(column high, column low, column close, int32_t fastk = 5,
                          int32_t slowk = 3, int32_t slowd = 3) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    stoch_result r{series(n), series(n)};
    check(ohlcv_ind_stoch(high.data(), low.data(), close.data(), n, fastk, slowk, slowd,
                          r.k.data(), r.d.data()));
    return r;
}

/// Williams %R (TA-Lib WILLR).
inline series willr(column high, column low, column close, int32_t period = 14) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    series out(n);
    check(ohlcv_ind_willr(high.data(), low.data(), close.data(), n, period, out.data()));
    return out;
}

/// Commodity channel index (TA-Lib CCI).
inline series cci(column high, column low, column close, int32_t period = 14) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    series out(n);
    check(ohlcv_ind_cci(high.data(), low.data(), close.data(), n, period, out.data()));
    return out;
}

/// ADX, +DI and -DI (TA-Lib ADX, PLUS_DI, MINUS_DI).
inline adx_result adx(column high, column low, column close, int32_t period = 14) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size()});
    adx_result r{series(n), series(n), series(n)};
    check(ohlcv_ind_adx(high.data(), low.data(), close.data(), n, period, r.adx.data(),
                        r.plus_di.data(), r.minus_di.data()));
    return r;
}

/// Money flow index (TA-Lib MFI).
inline series mfi(column high, column low, column close, column volume, int32_t period = 14) {
    const std::size_t n = detail::length({high.size(), low.size(), close.size(), volume.size()});
    series out(n);
    check(ohlcv_ind_mfi(high.data(), low.data(), close.data(), volume.data(), n, period,
                        out.data()));
    return out;
}

/// On-balance volume (TA-Lib OBV).
inline series obv(column close, column volume) {
    const std::size_t n = detail::length({close.size(), volume.size()});
    series out(n);
    check(ohlcv_ind_obv(close.data(), volume.data(), n, out.data()));
    return out;
}

/// Rate of change in percent (TA-Lib ROC).
inline series roc(column x, int32_t period = 10) {
    series out(x.size());
    check(ohlcv_ind_roc(x.data(), x.size(), period, out.data()));
    return out;
}

/// Momentum (TA-Lib MOM).
inline series mom(column x, int32_t period = 10) {
    series out(x.size());
    check(ohlcv_ind_mom(x.data(), x.size(), period, out.data()));
    return out;
}

/// Rolling maximum (TA-Lib MAX).
inline series rolling_max(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_max(x.data(), x.size(), period, out.data()));
    return out;
}

/// Rolling minimum (TA-Lib MIN).
inline series rolling_min(column x, int32_t period = 30) {
    series out(x.size());
    check(ohlcv_ind_min(x.data(), x.size(), period, out.data()));
    return out;
}

/// Donchian channel: highest high, their midpoint, lowest low.
inline bands_result donchian(column high, column low, int32_t period = 20) {
    const std::size_t n = detail::length({high.size(), low.size()});
    bands_result r{series(n), series(n), series(n)};
    check(ohlcv_ind_donchian(high.data(), low.data(), n, period, r.upper.data(),
                             r.middle.data(), r.lower.data()));
    return r;
}

/// Daily VWAP (UTC days of the epoch-millisecond timestamps).
inline series vwap(span<const std::uint64_t> ts, column high, column low, column close,
                   column volume) {
    const std::size_t n =
        detail::length({ts.size(), high.size(), low.size(), close.size(), volume.size()});
    series out(n);
    check(ohlcv_ind_vwap(ts.data(), high.data(), low.data(), close.data(), volume.data(), n,
                         out.data()));
    return out;
}

}  // namespace ind

}  // namespace ohlcv

#endif /* OHLCV_HPP */
