//! CSV throughput on one million realistic rows (FX-like prices rounded to 5 decimals,
//! volumes to 2): parsing text into bars, formatting bars into text, and both through files.
//!
//! The generated file is left at `<temp dir>/ohlcv-csv-bench-1m.csv` so the pandas timing
//! script (`tests/python/csv_oracle.py bench <file>`) can run on the same bytes.

use criterion::{BatchSize, Criterion, Throughput};
use ohlcv::Bar;
use ohlcv::io::BarWriter;
use ohlcv::io::csv::{self, CsvReader, CsvWriter, LineEnding, SubSecond};
use std::hint::black_box;

const ROWS: usize = 1_000_000;

/// A seeded random walk: minute bars with gaps, prices like 1.10234, volumes like 123.45.
fn fx_bars(n: usize) -> Vec<Bar> {
    let mut state = 0x5eed_u64;
    let mut unit = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let round = |x: f64, scale: f64| (x * scale).round() / scale;
    let mut price = 1.1f64;
    let mut ts = 1_704_067_200_000u64;
    (0..n)
        .map(|_| {
            let open = round(price, 1e5);
            price *= 1.0 + (unit() - 0.5) * 4e-4;
            let close = round(price, 1e5);
            let high = round(open.max(close) * (1.0 + unit() * 2e-4), 1e5);
            let low = round(open.min(close) * (1.0 - unit() * 2e-4), 1e5);
            let volume = round(20.0 * (-unit().max(1e-9).ln()) * 10.0, 1e2);
            let bar = Bar::new(ts, open, high, low, close, volume);
            ts += if unit() < 0.01 { 120_000 } else { 60_000 };
            bar
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let bars = fx_bars(ROWS);
    let mut text = csv::HEADER.to_vec();
    csv::format_rows(&bars, SubSecond::Reject, LineEnding::Lf, &mut text).expect("format");
    let dir = std::env::temp_dir();
    let file = dir.join("ohlcv-csv-bench-1m.csv");
    std::fs::write(&file, &text).expect("write bench file");
    eprintln!(
        "bench file: {} ({} rows, {} bytes)",
        file.display(),
        ROWS,
        text.len()
    );

    let mut g = c.benchmark_group("csv");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.sample_size(10);

    let body = &text[csv::HEADER.len()..];
    let mut out_bars = Vec::with_capacity(ROWS);
    let mut offsets = Vec::with_capacity(ROWS);
    g.bench_function("parse_rows (memory)", |b| {
        b.iter(|| {
            out_bars.clear();
            offsets.clear();
            let p = csv::parse_rows(body, 32, 2, usize::MAX, &mut out_bars, &mut offsets)
                .expect("parse");
            black_box(p.rows)
        })
    });
    g.bench_function("CsvReader (mmap file)", |b| {
        b.iter(|| {
            out_bars.clear();
            offsets.clear();
            let mut r = CsvReader::open(&file).expect("open");
            black_box(r.read_to_end(&mut out_bars, &mut offsets).expect("read"))
        })
    });

    let mut out = Vec::with_capacity(text.len());
    g.bench_function("format_rows (memory)", |b| {
        b.iter(|| {
            out.clear();
            csv::format_rows(&bars, SubSecond::Reject, LineEnding::Lf, &mut out).expect("format");
            black_box(out.len())
        })
    });
    let written = dir.join("ohlcv-csv-bench-written.csv");
    g.bench_function("CsvWriter (file)", |b| {
        b.iter_batched(
            // Deleting the previous 58 MB file is not the writer's cost.
            || {
                let _ = std::fs::remove_file(&written);
            },
            |()| {
                let mut w = CsvWriter::open(&written).expect("open");
                w.append(&bars).expect("append");
                w.flush(false).expect("flush");
                black_box(w.tell())
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    let _ = std::fs::remove_file(&written);
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
