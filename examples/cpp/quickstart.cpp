// Quick start for C++: write a day of 1-minute bars, read them back zero-copy, resample them to
// 1 hour, and print a summary. From the repository root:
/*
   cargo build --release
   g++ -std=c++17 -Iinclude examples/cpp/quickstart.cpp -Ltarget/release -lohlcv \
       -Wl,-rpath,"$PWD/target/release" -o quickstart
   ./quickstart /tmp/EURUSD.bin
*/
#include "ohlcv.hpp"

#include <cmath>
#include <cstdio>
#include <exception>

int main(int argc, char **argv) {
    const std::string path = argc > 1 ? argv[1] : "quickstart.bin";
    try {
        ohlcv::check_abi();

        // A day of synthetic 1-minute bars (bar_vector is 64-byte aligned).
        ohlcv::bar_vector minutes(24 * 60);
        double price = 1.0850;
        for (std::size_t i = 0; i < minutes.size(); i++) {
            const double next = price + 0.0001 * std::sin(static_cast<double>(i) / 17.0);
            ohlcv_bar &b = minutes[i];
            b = ohlcv_bar{};
            b.ts = 1704067200000ULL + 60000ULL * i;  // 2024-01-01 00:00 UTC onwards
            b.open = price;
            b.close = next;
            b.high = std::fmax(price, next) + 0.00002;
            b.low = std::fmin(price, next) - 0.00002;
            b.volume = 10.0 + static_cast<double>(i % 7);
            price = next;
        }

        // Write (the writer keeps existing data: start from an empty file).
        {
            ohlcv::writer w(path);
            w.truncate(w.info().data_start);
            w.append(minutes);
            w.close();  // flush + fdatasync, errors reported
        }

        // Read back without copying, resample to 1 hour with the pipeline's settings.
        ohlcv::reader r(path);
        ohlcv::bar_span bars = r.bars();
        ohlcv::bar_vector hours = ohlcv::resample(bars, "1h");

        std::printf("libohlcv %s (SIMD: %s)\n", ohlcv::version().c_str(),
                    ohlcv::simd_backend().c_str());
        std::printf("%zu 1m bars in %s: high %.5f, low %.5f, volume %.1f\n", bars.size(),
                    path.c_str(), ohlcv::max_high(bars), ohlcv::min_low(bars),
                    ohlcv::sum_volume_kahan(bars));
        std::printf("%zu 1h bars; the first: open %.5f high %.5f low %.5f close %.5f\n",
                    hours.size(), hours[0].open, hours[0].high, hours[0].low, hours[0].close);
        return 0;
    } catch (const ohlcv::error &e) {
        std::fprintf(stderr, "ohlcv error %d: %s\n", static_cast<int>(e.status()), e.what());
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
