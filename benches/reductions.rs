//! Reductions over `&[Bar]`, one criterion group per reduction and one id per backend, from
//! L1-resident to RAM-sized slices, next to a memory-streaming reference.
//!
//! `stream` reads one `u64` per 64-byte bar (one per cache line) and adds them up: the rate at
//! which one core can pull lines through the cache hierarchy. A reduction over one field of
//! `Bar` cannot read fewer lines, so that rate is its ceiling. After criterion has run, a
//! summary prints bars/s, GB/s and the ratio of each kernel to `stream` at the same size.
//!
//! Run with `cargo bench --bench reductions`; `cargo test --benches` runs each benchmark once
//! on small sizes only.

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use ohlcv::Bar;
use ohlcv::simd::{self, Backend, Kernels};
use std::hint::black_box;
use std::path::PathBuf;

/// (label, bars): L1, L2, odd length, L3, RAM, RAM (1 GiB).
const SIZES: [(&str, usize); 6] = [
    ("256", 256),
    ("4k", 4 << 10),
    ("4k+5", (4 << 10) + 5),
    ("64k", 64 << 10),
    ("1M", 1 << 20),
    ("16M", 16 << 20),
];

/// Sizes used when not measuring (`cargo test --benches`).
const SMOKE_SIZES: usize = 3;

type Kernel = fn(&Kernels, &[Bar]) -> f64;

const DISPATCHED: [(&str, Kernel); 3] = [
    ("max_high", |k, b| k.max_high(b)),
    ("min_low", |k, b| k.min_low(b)),
    ("sum_volume", |k, b| k.sum_volume(b)),
];

type Reduction = fn(&[Bar]) -> f64;

const SINGLE: [(&str, Reduction); 4] = [
    ("sum_volume_kahan", simd::sum_volume_kahan),
    ("fold", |b| simd::fold(b).map_or(0.0, |bar| bar.volume)),
    // Worst case for the scans: every value NaN but the one at the far end.
    ("first_open_worst", simd::first_open),
    ("last_close_worst", simd::last_close),
];

/// FX-like bars: a random walk around 1.3 with positive volumes (SplitMix64, fixed seed).
fn make_bars(n: usize) -> Vec<Bar> {
    let mut state = 0x0dd5_eed5_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut price = 1.3;
    (0..n)
        .map(|i| {
            let open = price;
            price += (next() - 0.5) * 1e-4;
            let (lo, hi) = if open < price {
                (open, price)
            } else {
                (price, open)
            };
            Bar::new(
                1_104_710_400_000 + 60_000 * i as u64,
                open,
                hi + next() * 1e-5,
                lo - next() * 1e-5,
                price,
                (next() * 1000.0).round() + 1.0,
            )
        })
        .collect()
}

/// A copy of `bars` whose only valid open is the last one and only valid close the first.
fn worst_case(bars: &[Bar]) -> Vec<Bar> {
    let mut worst = bars.to_vec();
    let n = worst.len();
    for (i, bar) in worst.iter_mut().enumerate() {
        if i + 1 != n {
            bar.open = f64::NAN;
        }
        if i != 0 {
            bar.close = f64::NAN;
        }
    }
    worst
}

/// One `u64` per 64-byte line, summed with four independent accumulators.
fn stream(bars: &[Bar]) -> u64 {
    let mut acc = [0u64; 4];
    let mut chunks = bars.chunks_exact(4);
    for c in &mut chunks {
        for (a, bar) in acc.iter_mut().zip(c) {
            *a = a.wrapping_add(bar.ts);
        }
    }
    let rest: u64 = chunks.remainder().iter().map(|b| b.ts).sum();
    acc.iter().fold(rest, |s, &a| s.wrapping_add(a))
}

fn configure<'a>(
    c: &'a mut Criterion,
    name: &str,
    bars: usize,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(bars as u64));
    if bars >= 1 << 20 {
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
    }
    group
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let sizes = if measuring {
        &SIZES[..]
    } else {
        &SIZES[..SMOKE_SIZES]
    };
    let largest = sizes.iter().map(|s| s.1).max().unwrap_or(0);
    let data = make_bars(largest);
    let backends: Vec<&Kernels> = Backend::ALL.into_iter().filter_map(simd::kernels).collect();
    eprintln!(
        "dispatched backend: {}; benchmarked: {:?}",
        simd::backend(),
        backends
            .iter()
            .map(|k| k.backend().name())
            .collect::<Vec<_>>()
    );

    let mut c = Criterion::default().configure_from_args();
    for &(label, n) in sizes {
        let bars = &data[..n];
        let mut g = configure(&mut c, "stream", n);
        g.bench_with_input(BenchmarkId::new("u64_per_line", label), bars, |b, bars| {
            b.iter(|| stream(black_box(bars)))
        });
        g.finish();
    }
    for (name, kernel) in DISPATCHED {
        for &(label, n) in sizes {
            let bars = &data[..n];
            let mut g = configure(&mut c, name, n);
            for k in &backends {
                g.bench_with_input(
                    BenchmarkId::new(k.backend().name(), label),
                    bars,
                    |b, bars| b.iter(|| kernel(k, black_box(bars))),
                );
            }
            g.finish();
        }
    }
    for (name, f) in SINGLE {
        let scan = name.ends_with("_worst");
        // The scans get their worst case only up to 1M bars (a second 1 GiB buffer is not
        // worth it: they run at the streaming rate long before).
        for &(label, n) in sizes.iter().filter(|s| !scan || s.1 <= 1 << 20) {
            let worst;
            let bars = if scan {
                worst = worst_case(&data[..n]);
                &worst[..]
            } else {
                &data[..n]
            };
            let mut g = configure(&mut c, name, n);
            g.bench_with_input(BenchmarkId::new("scalar", label), bars, |b, bars| {
                b.iter(|| f(black_box(bars)))
            });
            g.finish();
        }
    }
    c.final_summary();
    if measuring {
        summary(sizes, &backends);
    }
}

/// Where criterion keeps its estimates (the same search order as criterion's).
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    // target/<profile>/deps/<bench binary>
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// Mean time per iteration in nanoseconds, from criterion's `estimates.json`.
fn mean_ns(dir: &std::path::Path, group: &str, id: &str, size: &str) -> Option<f64> {
    let path = dir
        .join(group)
        .join(id)
        .join(size)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let mean = &text[text.find("\"mean\"")?..];
    let value = &mean[mean.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

fn summary(sizes: &[(&str, usize)], backends: &[&Kernels]) {
    let Some(dir) = criterion_dir() else {
        return;
    };
    let stream_rate = |label: &str, n: usize| {
        mean_ns(&dir, "stream", "u64_per_line", label).map(|ns| n as f64 / ns)
    };
    let ram = sizes
        .last()
        .and_then(|&(label, n)| stream_rate(label, n))
        .unwrap_or(f64::NAN);
    println!("\nSummary (bars/s; GB/s = 64 B per bar; ratios to `stream` at the same size and to");
    println!(
        "the largest-size stream, the single-core memory-streaming rate: {:.0} M lines/s, {:.1} GB/s)",
        ram * 1e3,
        ram * 64.0
    );
    println!(
        "| reduction | backend | bars | M bars/s | GB/s | vs stream (same size) | vs RAM stream |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut rows: Vec<(String, String)> = vec![("stream".into(), "u64_per_line".into())];
    for (name, _) in DISPATCHED {
        rows.extend(
            backends
                .iter()
                .map(|k| (name.to_string(), k.backend().name().to_string())),
        );
    }
    rows.extend(
        SINGLE
            .iter()
            .map(|(name, _)| (name.to_string(), "scalar".to_string())),
    );
    for (group, id) in rows {
        for &(label, n) in sizes {
            let Some(ns) = mean_ns(&dir, &group, &id, label) else {
                continue;
            };
            let rate = n as f64 / ns; // bars per ns
            let same = stream_rate(label, n).map_or(f64::NAN, |s| rate / s);
            println!(
                "| {group} | {id} | {label} | {:.0} | {:.1} | {:.2} | {:.2} |",
                rate * 1e3,
                rate * 64.0,
                same,
                rate / ram
            );
        }
    }
}
