//! Resample kernel throughput (input bars per second) on synthetic FX-like sorted data, with a
//! memory-streaming reference (one `u64` read per 64-byte line) to report the kernel's rate as a
//! fraction of what one core can stream.
//!
//! `cargo bench --bench resample` runs everything; pass a filter such as `large/` or `memory` to
//! run a part. On a shared machine set `OHLCV_BENCH_CLOCK=cpu` to time with the thread's CPU time
//! (Linux `/proc/thread-self/schedstat`, tick-granular, so every sample then runs for at least
//! half a second) instead of wall time, which leaves out the time other processes hold the core.

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use ohlcv::Bar;
use ohlcv::resample::{ResampleError, ResampleOptions, Resampler, resample};
use ohlcv::timeframe::{DAY_MS, HOUR_MS, MINUTE_MS, Timeframe};
use std::hint::black_box;
use std::time::Duration;

/// 2^24 bars = 1 GiB, the scale of the standard workload (42 symbols × 1 year of 1m bars).
const LARGE: usize = 1 << 24;
/// 4096 bars = 256 KiB: stays in L2.
const SMALL: usize = 4096;
/// 2000-01-03 00:00 UTC, a Monday.
const START_MS: u64 = 946_857_600_000;

/// SplitMix64: small, deterministic, good enough for synthetic prices.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (x * p).round() / p
}

/// `n` sorted bars of `step_ms` each, FX-like: intraday steps trade Sunday 22:00 to Friday
/// 22:00 UTC, daily steps Monday to Friday; about 1% of the slots are missing; random-walk prices
/// with 5 decimals and log-normal volumes with 2 decimals.
fn fx_bars(step_ms: u64, n: usize, seed: u64) -> Vec<Bar> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(n);
    let mut ts = START_MS;
    let mut price = 1.1f64;
    let sigma = 2e-4 * (step_ms as f64 / MINUTE_MS as f64).sqrt();
    while out.len() < n {
        let dow = (ts / DAY_MS + 3) % 7; // 0 = Monday
        let tod = ts % DAY_MS;
        let trading = if step_ms >= DAY_MS {
            dow < 5
        } else {
            !(dow == 5 || (dow == 4 && tod >= 22 * HOUR_MS) || (dow == 6 && tod < 22 * HOUR_MS))
        };
        if trading && rng.unit() >= 0.01 {
            let open = price;
            let close = open * (sigma * rng.normal()).exp();
            let high = open.max(close) * (1.0 + (1e-4 * rng.normal()).abs());
            let low = open.min(close) * (1.0 - (1e-4 * rng.normal()).abs());
            let volume = round_to((3.0 + rng.normal()).exp(), 2);
            out.push(Bar::new(
                ts,
                round_to(open, 5),
                round_to(high, 5),
                round_to(low, 5),
                round_to(close, 5),
                volume,
            ));
            price = close;
        }
        ts += step_ms;
    }
    out
}

/// An output buffer of exactly the size the resample needs.
fn output_for(input: &[Bar], tf: &Timeframe, opts: &ResampleOptions) -> Vec<Bar> {
    let needed = match resample(input, tf, opts, &mut []) {
        Ok(n) => n,
        Err(ResampleError::OutputTooSmall { needed, .. }) => needed,
        Err(e) => panic!("{e}"),
    };
    vec![Bar::default(); needed]
}

/// The cases: (name, input step, timeframe spec).
const CASES: [(&str, u64, &str); 4] = [
    ("1m->5m", MINUTE_MS, "5m"),
    ("5m->15m", 5 * MINUTE_MS, "15m"),
    ("1h->4h", HOUR_MS, "4h"),
    ("1d->W-MON", DAY_MS, "W-MON"),
];

/// Sampling suited to the clock: CPU time is only as fine as the scheduler tick (~4 ms), so with
/// it each sample must run long.
fn configure<M: Measurement>(group: &mut BenchmarkGroup<'_, M>, large: bool) {
    let cpu = cpu_clock_requested();
    group.sampling_mode(SamplingMode::Flat);
    match (large, cpu) {
        (true, false) => {
            group.sample_size(10);
            group.warm_up_time(Duration::from_secs(2));
            group.measurement_time(Duration::from_secs(10));
        }
        (true, true) => {
            group.sample_size(10);
            group.warm_up_time(Duration::from_secs(3));
            group.measurement_time(Duration::from_secs(20));
        }
        (false, false) => {}
        (false, true) => {
            group.sample_size(20);
            group.warm_up_time(Duration::from_secs(2));
            group.measurement_time(Duration::from_secs(10));
        }
    }
}

fn bench_size<M: Measurement>(c: &mut Criterion<M>, group_name: &str, n: usize) {
    let mut group = c.benchmark_group(group_name);
    configure(&mut group, n >= LARGE);
    group.throughput(Throughput::Elements(n as u64));
    for (seed, (name, step, spec)) in CASES.iter().enumerate() {
        let input = fx_bars(*step, n, seed as u64 + 1);
        let tf = Timeframe::parse(spec).expect("valid spec");
        for (suffix, opts) in [
            ("", ResampleOptions::PIPELINE),
            (" plain", ResampleOptions::PLAIN),
        ] {
            let mut out = output_for(&input, &tf, &opts);
            group.bench_function(format!("{name}{suffix}"), |b| {
                b.iter(|| resample(black_box(&input), &tf, &opts, &mut out).expect("resample"))
            });
        }
        if *name == "1m->5m" {
            // The engine's path: the streaming resampler fed in batches of 250,000 rows.
            let opts = ResampleOptions::PIPELINE;
            let mut out = vec![Bar::default(); 250_000];
            group.bench_function(format!("{name} streaming 250k"), |b| {
                b.iter(|| {
                    let mut r = Resampler::new(tf, opts);
                    let mut written = 0;
                    for chunk in black_box(&input).chunks(250_000) {
                        let (consumed, w) = r.push(chunk, &mut out).expect("push");
                        assert_eq!(consumed, chunk.len());
                        written += w;
                    }
                    written + usize::from(r.finish().is_some())
                })
            });
        }
    }
    group.finish();
}

fn large<M: Measurement>(c: &mut Criterion<M>) {
    bench_size(c, "large", LARGE);
}

fn small<M: Measurement>(c: &mut Criterion<M>) {
    bench_size(c, "small", SMALL);
}

/// The memory-streaming reference: read one `u64` per 64-byte line of a 1 GiB buffer, as one
/// sequential stream (what the kernel does) and as four interleaved streams (what the memory
/// system can deliver to one core with more reads in flight).
fn memory<M: Measurement>(c: &mut Criterion<M>) {
    let bars = fx_bars(MINUTE_MS, LARGE, 99);
    let mut group = c.benchmark_group("memory");
    configure(&mut group, true);
    group.throughput(Throughput::Elements(bars.len() as u64));
    group.bench_function("sum one u64 per 64-byte line, 1 GiB", |b| {
        b.iter(|| {
            black_box(&bars)
                .iter()
                .fold(0u64, |acc, bar| acc.wrapping_add(bar.ts))
        })
    });
    group.bench_function("same, 4 interleaved streams", |b| {
        b.iter(|| {
            let bars = black_box(&bars);
            let q = bars.len() / 4;
            let (a, rest) = bars.split_at(q);
            let (b2, rest) = rest.split_at(q);
            let (c2, d) = rest.split_at(q);
            let mut acc = [0u64; 4];
            for (((x, y), z), w) in a.iter().zip(b2).zip(c2).zip(d) {
                acc[0] = acc[0].wrapping_add(x.ts);
                acc[1] = acc[1].wrapping_add(y.ts);
                acc[2] = acc[2].wrapping_add(z.ts);
                acc[3] = acc[3].wrapping_add(w.ts);
            }
            acc
        })
    });
    group.finish();
}

fn cpu_clock_requested() -> bool {
    std::env::var("OHLCV_BENCH_CLOCK").is_ok_and(|v| v == "cpu")
}

/// The calling thread's CPU time in nanoseconds (Linux; advances at scheduler ticks).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("OHLCV_BENCH_CLOCK=cpu needs Linux /proc/thread-self/schedstat")
}

/// Criterion measurement: thread CPU time.
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, v: &u64) -> f64 {
        *v as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuTimeFormatter
    }
}

/// Formats nanoseconds of CPU time and throughputs per CPU second.
struct CpuTimeFormatter;

impl ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (div, unit) = match typical {
            t if t < 1e3 => (1.0, "ns (cpu)"),
            t if t < 1e6 => (1e3, "µs (cpu)"),
            t if t < 1e9 => (1e6, "ms (cpu)"),
            _ => (1e9, "s (cpu)"),
        };
        values.iter_mut().for_each(|v| *v /= div);
        unit
    }

    fn scale_throughputs(&self, typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let (count, unit) = match *t {
            Throughput::Elements(n) => (n as f64, "Melem/s (cpu)"),
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => (n as f64, "MB/s (cpu)"),
            _ => (1.0, "Miter/s (cpu)"),
        };
        let _ = typical;
        values.iter_mut().for_each(|v| *v = count * 1e9 / *v / 1e6);
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn run<M: Measurement>(mut c: Criterion<M>) {
    memory(&mut c);
    large(&mut c);
    small(&mut c);
    c.final_summary();
}

fn main() {
    if cpu_clock_requested() {
        run(Criterion::default()
            .with_measurement(CpuTime)
            .configure_from_args());
    } else {
        run(Criterion::default()
            .with_measurement(WallTime)
            .configure_from_args());
    }
}
