//! The resample kernel against pandas, bit for bit.
//!
//! Seeded random datasets (FX-like minutes with weekends, gaps, duplicate timestamps, zero and
//! negative volumes, NaNs, signed zeros and a few infinities; sparse multi-year series; timestamps
//! on and next to bin edges; unsorted variants) are resampled with every tested rule × closed ×
//! label × {pipeline, plain} by `tests/python/resample_ref.py` (one python3 run for the whole
//! batch) and by this crate, and every output bit is compared. The same expected bars are checked
//! against the streaming resampler under random chunkings. Golden cases from the pipeline's
//! specification need no Python.
//!
//! Without python3 + numpy + pandas the differential tests print a note and pass, unless the `CI`
//! environment variable is set, in which case they fail.

use ohlcv::Bar;
use ohlcv::resample::{
    ResampleError, ResampleOptions, Resampler, max_output_len, resample, stable_sort_bars,
};
use ohlcv::timeframe::{DAY_MS, HOUR_MS, MINUTE_MS, Timeframe};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (our spec, pandas rule, origin).
const RULES: [(&str, &str, &str); 11] = [
    ("5m", "5min", "epoch"),
    ("15m", "15min", "epoch"),
    ("1h", "1h", "epoch"),
    ("4h,origin=03:00", "4h", "03:00"),
    ("1d", "1D", "epoch"),
    ("1d,origin=02:30", "24h", "02:30"),
    ("30m", "30min", "epoch"),
    ("W-MON", "W-MON", "epoch"),
    ("W", "W-SUN", "epoch"),
    ("MS", "MS", "epoch"),
    ("YS", "YS", "epoch"),
];

const SIDES: [&str; 2] = ["left", "right"];

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Epoch ms of a UTC date at midnight.
fn date(y: i32, m: u32, d: u32) -> u64 {
    // Days from 1970-01-01, counted month by month; fine for test dates.
    let leap = |y: i32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut days = 0u64;
    for yy in 1970..y {
        days += if leap(yy) { 366 } else { 365 };
    }
    let lens = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    days += lens[..(m - 1) as usize].iter().sum::<u64>() + u64::from(d - 1);
    days * DAY_MS
}

/// One random bar at `ts`, moving `price`; prices mostly with 5 decimals, some at full precision
/// (so rounding matters), volumes with 2 decimals and the special cases; with `specials`, a few
/// NaNs, signed zeros and infinities.
fn random_bar(rng: &mut Rng, ts: u64, price: &mut f64, specials: bool) -> Bar {
    let open = *price;
    let close = open * (1.0 + (rng.unit() - 0.5) * 4e-4);
    let high = open.max(close) * (1.0 + rng.unit() * 1e-4);
    let low = open.min(close) * (1.0 - rng.unit() * 1e-4);
    *price = close;
    let mut dec = |x: f64| {
        if rng.below(8) == 0 {
            x
        } else {
            (x * 1e5).round() / 1e5
        }
    };
    let mut v = [dec(open), dec(high), dec(low), dec(close), 0.0];
    v[4] = match rng.below(100) {
        0 | 1 => 0.0,
        2 => -((rng.unit() * 1000.0).round() / 100.0),
        3 => -0.0,
        4 => rng.unit() * 1e-9,
        5..=9 => 0.1,
        10 => rng.unit() * 1e7,
        _ => (rng.unit() * 10_000.0).round() / 100.0,
    };
    if !specials {
        v[4] = v[4].abs() + 0.0;
        return Bar::new(ts, v[0], v[1], v[2], v[3], v[4]);
    }
    for x in &mut v {
        match rng.below(400) {
            0 => *x = f64::NAN,
            1 if rng.below(10) == 0 => *x = -0.0,
            _ => {}
        }
    }
    if rng.below(4000) == 0 {
        let i = rng.below(5) as usize;
        v[i] = if rng.below(2) == 0 {
            f64::INFINITY
        } else {
            f64::NEG_INFINITY
        };
    }
    Bar::new(ts, v[0], v[1], v[2], v[3], v[4])
}

/// FX-like 1-minute bars from `start`: trading Sunday 22:00 to Friday 22:00, about 1% of the
/// minutes missing, occasional outages of hours and duplicated timestamps.
fn fx_minutes(rng: &mut Rng, start: u64, n: usize, specials: bool) -> Vec<Bar> {
    let mut out = Vec::with_capacity(n + 1);
    let mut ts = start;
    let mut price = 1.0 + rng.unit();
    while out.len() < n {
        let dow = (ts / DAY_MS + 3) % 7; // 0 = Monday
        let tod = ts % DAY_MS;
        let closed =
            dow == 5 || (dow == 4 && tod >= 22 * HOUR_MS) || (dow == 6 && tod < 22 * HOUR_MS);
        if !closed && rng.below(100) != 0 {
            out.push(random_bar(rng, ts, &mut price, specials));
            if rng.below(100) == 0 {
                out.push(random_bar(rng, ts, &mut price, specials));
            }
        }
        ts += MINUTE_MS;
        if rng.below(3000) == 0 {
            ts += rng.below(12) * HOUR_MS;
        }
    }
    out
}

/// Irregular bars over several years: steps from 0 (duplicates) through minutes and hours to days.
fn sparse_years(rng: &mut Rng, start: u64, n: usize) -> Vec<Bar> {
    let mut ts = start;
    let mut price = 100.0 * (1.0 + rng.unit());
    (0..n)
        .map(|_| {
            ts += match rng.below(10) {
                0 => 0,
                1..=4 => MINUTE_MS * (1 + rng.below(90)),
                5..=7 => HOUR_MS * (1 + rng.below(30)),
                8 => DAY_MS * (1 + rng.below(10)),
                _ => 1 + rng.below(DAY_MS),
            };
            random_bar(rng, ts, &mut price, true)
        })
        .collect()
}

/// Values from a tiny set, so that bins hold ties between 0.0 and -0.0 (and between equal
/// values), NaNs, and volumes whose plain and compensated sums differ; no NaN with `nan_free`.
fn ties(rng: &mut Rng, start: u64, n: usize, nan_free: bool) -> Vec<Bar> {
    let prices = [0.0, -0.0, 1.0, -1.0, 0.5, f64::NAN];
    let volumes = [
        0.1,
        0.7,
        1e-16,
        1.0,
        3.0,
        -0.0,
        0.0,
        1e308,
        -1e308,
        f64::NAN,
    ];
    let mut ts = start;
    (0..n)
        .map(|_| {
            ts += MINUTE_MS * rng.below(3);
            let mut pick = |set: &[f64]| {
                let k = set.len() - usize::from(nan_free);
                set[rng.below(k as u64) as usize]
            };
            let v = [
                pick(&prices),
                pick(&prices),
                pick(&prices),
                pick(&prices),
                pick(&volumes),
            ];
            Bar::new(ts, v[0], v[1], v[2], v[3], v[4])
        })
        .collect()
}

/// Timestamps on and one millisecond either side of the bin edges of every tested rule.
fn on_edges(rng: &mut Rng, start: u64, n: usize) -> Vec<Bar> {
    let tfs: Vec<Timeframe> = RULES
        .iter()
        .map(|(spec, _, _)| Timeframe::parse(spec).expect("valid spec"))
        .collect();
    let span = 3 * 366 * DAY_MS;
    let mut price = 1.0 + rng.unit();
    let mut ts: Vec<u64> = (0..n)
        .map(|_| {
            let t = start + rng.below(span);
            let tf = &tfs[rng.below(tfs.len() as u64) as usize];
            let edge = tf.bin_start(t).expect("edge after 1970");
            edge + rng.below(3) - 1
        })
        .collect();
    ts.sort_unstable();
    ts.into_iter()
        .map(|t| random_bar(rng, t, &mut price, true))
        .collect()
}

/// Breaks the order the way a DST overlap does (a block of rows an hour early) and by local swaps.
fn unsort(rng: &mut Rng, mut bars: Vec<Bar>) -> Vec<Bar> {
    let n = bars.len();
    for _ in 0..4 {
        let a = rng.below(n as u64 - 100) as usize;
        for b in &mut bars[a..a + 60] {
            b.ts -= HOUR_MS;
        }
    }
    for _ in 0..n / 40 {
        let i = rng.below(n as u64 - 1) as usize;
        let j = i + 1 + rng.below(((n - i - 1) as u64).min(20)) as usize;
        bars.swap(i, j);
    }
    bars
}

struct Dataset {
    name: String,
    bars: Vec<Bar>,
    sorted: bool,
}

fn datasets() -> Vec<Dataset> {
    let mut rng = Rng(0x5EED_0001);
    let mut v = Vec::new();
    let mut add = |name: &str, bars: Vec<Bar>, sorted: bool| {
        v.push(Dataset {
            name: name.to_string(),
            bars,
            sorted,
        })
    };
    // Across a new year, a leap day and month ends, and a year boundary inside a W-MON week.
    add(
        "fx-2023-12",
        fx_minutes(&mut rng, date(2023, 12, 24), 15_000, true),
        true,
    );
    add(
        "fx-2024-02",
        fx_minutes(&mut rng, date(2024, 2, 25), 12_000, true),
        true,
    );
    add(
        "fx-2019-12",
        fx_minutes(&mut rng, date(2019, 12, 29), 9_000, true),
        true,
    );
    add(
        "fx-2021-05",
        fx_minutes(&mut rng, date(2021, 5, 30), 6_000, true),
        true,
    );
    // Without any NaN (pandas 3.1 then takes its reduceat fast path unless told not to).
    add(
        "clean-fx-2022",
        fx_minutes(&mut rng, date(2022, 12, 25), 12_000, false),
        true,
    );
    add("ties", ties(&mut rng, date(2024, 5, 1), 6_000, false), true);
    add(
        "ties-nan-free",
        ties(&mut rng, date(2024, 5, 1), 6_000, true),
        true,
    );
    add(
        "sparse-2003",
        sparse_years(&mut rng, date(2003, 1, 1), 3_000),
        true,
    );
    add(
        "sparse-2011",
        sparse_years(&mut rng, date(2011, 6, 15), 3_000),
        true,
    );
    add(
        "sparse-2016",
        sparse_years(&mut rng, date(2016, 2, 28), 3_000),
        true,
    );
    add(
        "edges-2010",
        on_edges(&mut rng, date(2010, 1, 1), 4_000),
        true,
    );
    add(
        "edges-2020",
        on_edges(&mut rng, date(2020, 1, 1), 4_000),
        true,
    );
    let fx = fx_minutes(&mut rng, date(2024, 10, 20), 8_000, true);
    add("unsorted-fx", unsort(&mut rng, fx), false);
    let sparse = sparse_years(&mut rng, date(2008, 3, 1), 3_000);
    add("unsorted-sparse", unsort(&mut rng, sparse), false);
    let edges = on_edges(&mut rng, date(2015, 1, 1), 3_000);
    add("unsorted-edges", unsort(&mut rng, edges), false);
    v
}

struct Case {
    id: String,
    dataset: usize,
    spec: String,
    pandas_rule: &'static str,
    closed: &'static str,
    label: &'static str,
    origin: &'static str,
    pipeline: bool,
}

impl Case {
    fn timeframe(&self) -> Timeframe {
        let spec = format!("{},closed={},label={}", self.spec, self.closed, self.label);
        Timeframe::parse(&spec).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    fn options(&self) -> ResampleOptions {
        if self.pipeline {
            ResampleOptions::PIPELINE
        } else {
            ResampleOptions::PLAIN
        }
    }

    fn describe(&self, data: &[Dataset]) -> String {
        format!(
            "{} [{} closed={} label={} {}] on {}",
            self.id,
            self.spec,
            self.closed,
            self.label,
            if self.pipeline { "pipeline" } else { "plain" },
            data[self.dataset].name
        )
    }
}

fn cases(data: &[Dataset]) -> Vec<Case> {
    let mut v = Vec::new();
    for (d, _) in data.iter().enumerate() {
        for (r, (spec, pandas_rule, origin)) in RULES.iter().enumerate() {
            for closed in SIDES {
                for label in SIDES {
                    for pipeline in [true, false] {
                        v.push(Case {
                            id: format!("c{d}_{r}_{closed}_{label}_{}", u8::from(pipeline)),
                            dataset: d,
                            spec: spec.to_string(),
                            pandas_rule,
                            closed,
                            label,
                            origin,
                            pipeline,
                        });
                    }
                }
            }
        }
    }
    v
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!(
            "ohlcv-resample-pandas-{tag}-{}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write_bars(path: &Path, bars: &[Bar]) {
    let bytes: Vec<u8> = bars.iter().flat_map(|b| b.to_le_bytes()).collect();
    std::fs::write(path, bytes).expect("write bars");
}

fn read_bars(path: &Path) -> Vec<Bar> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(bytes.len() % 64, 0, "{}", path.display());
    bytes
        .chunks_exact(64)
        .map(|c| Bar::from_le_bytes(c.try_into().expect("64 bytes")))
        .collect()
}

/// Whether python3 with numpy and pandas can run. Without it: a skip note, or a failure under CI.
fn python_ready(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy, pandas"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: CI is set but python3 with numpy and pandas is not available"
        );
        // Straight to stderr, past the test harness's output capture, so the skip is visible.
        let note = format!("note: skipping {test}: python3 with numpy and pandas not found\n");
        let _ = std::io::Write::write_all(&mut std::io::stderr(), note.as_bytes());
    }
    ok
}

/// Runs the Python reference on every case; returns the expected bars per case.
fn pandas_expected(data: &[Dataset], cases: &[Case]) -> Vec<Vec<Bar>> {
    let dir = TempDir::new("batch");
    for (i, d) in data.iter().enumerate() {
        write_bars(&dir.0.join(format!("d{i}.bin")), &d.bars);
    }
    let mut manifest = String::new();
    for c in cases {
        writeln!(
            manifest,
            "{}\td{}.bin\t{}\t{}\t{}\t{}\t{}",
            c.id,
            c.dataset,
            c.pandas_rule,
            c.closed,
            c.label,
            c.origin,
            if c.pipeline { "pipeline" } else { "plain" }
        )
        .expect("format");
    }
    std::fs::write(dir.0.join("manifest.tsv"), manifest).expect("write manifest");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/resample_ref.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(&dir.0)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    cases
        .iter()
        .map(|c| read_bars(&dir.0.join(format!("{}.bin", c.id))))
        .collect()
}

/// The rows as pandas sees them: stably sorted by time.
fn sorted_input(d: &Dataset) -> Vec<Bar> {
    let mut bars = d.bars.clone();
    if !d.sorted {
        assert!(ohlcv::bar::first_unsorted(&bars).is_some());
        stable_sort_bars(&mut bars);
    }
    bars
}

fn one_shot(input: &[Bar], tf: &Timeframe, opts: &ResampleOptions) -> Vec<Bar> {
    let mut out = vec![Bar::default(); max_output_len(input.len())];
    let n = resample(input, tf, opts, &mut out).expect("resample");
    out.truncate(n);
    out
}

/// The first difference between two bar lists, bit for bit, if any.
fn first_difference(ours: &[Bar], expected: &[Bar]) -> Option<String> {
    for (i, (a, b)) in ours.iter().zip(expected).enumerate() {
        if a.to_le_bytes() != b.to_le_bytes() {
            let hex = |b: &Bar| {
                [b.open, b.high, b.low, b.close, b.volume]
                    .map(|x| format!("{x:?}/{:016x}", x.to_bits()))
                    .join(" ")
            };
            return Some(format!(
                "bar {i}: ours ts={} {}\n          pandas ts={} {}",
                a.ts,
                hex(a),
                b.ts,
                hex(b)
            ));
        }
    }
    (ours.len() != expected.len()).then(|| {
        format!(
            "{} bars, pandas has {} (first extra: {:?})",
            ours.len(),
            expected.len(),
            ours.get(expected.len()).or(expected.get(ours.len()))
        )
    })
}

#[test]
fn matches_pandas_bit_for_bit() {
    if !python_ready("matches_pandas_bit_for_bit") {
        return;
    }
    let data = datasets();
    let cases = cases(&data);
    let expected = pandas_expected(&data, &cases);
    let inputs: Vec<Vec<Bar>> = data.iter().map(sorted_input).collect();
    let mut failures = Vec::new();
    let mut bars_compared = 0usize;
    let mut nan_bars = 0usize;
    for (c, want) in cases.iter().zip(&expected) {
        let got = one_shot(&inputs[c.dataset], &c.timeframe(), &c.options());
        bars_compared += want.len();
        nan_bars += want
            .iter()
            .filter(|b| {
                [b.open, b.high, b.low, b.close, b.volume]
                    .iter()
                    .any(|x| x.is_nan())
            })
            .count();
        if let Some(diff) = first_difference(&got, want) {
            failures.push(format!("{}: {diff}", c.describe(&data)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from pandas:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    // The comparison covered real output, including NaN fields in plain mode.
    assert!(bars_compared > 100_000, "{bars_compared}");
    assert!(nan_bars > 0);
}

#[test]
fn streaming_with_random_chunkings_matches_pandas() {
    if !python_ready("streaming_with_random_chunkings_matches_pandas") {
        return;
    }
    let data = datasets();
    // A subset: every rule and side on three datasets (ties, and one unsorted).
    let picked = [1usize, 6, 13];
    let cases: Vec<Case> = cases(&data)
        .into_iter()
        .filter(|c| picked.contains(&c.dataset))
        .collect();
    let expected = pandas_expected(&data, &cases);
    let mut rng = Rng(0xC0FF_EE00);
    let mut failures = Vec::new();
    for (c, want) in cases.iter().zip(&expected) {
        let input = sorted_input(&data[c.dataset]);
        let mut r = Resampler::new(c.timeframe(), c.options());
        let mut got = Vec::new();
        let mut rest = &input[..];
        while !rest.is_empty() {
            // Chunks of 1 row, of a few rows (ending mid-bin) and of thousands.
            let take = match rng.below(4) {
                0 => 1,
                1 => 1 + rng.below(7) as usize,
                _ => 1 + rng.below(3000) as usize,
            }
            .min(rest.len());
            let mut chunk = &rest[..take];
            while !chunk.is_empty() {
                let mut out = vec![Bar::default(); rng.below(5) as usize];
                let (consumed, written) = r.push(chunk, &mut out).expect("push");
                got.extend_from_slice(&out[..written]);
                chunk = &chunk[consumed..];
                let row = r.rows_pushed();
                if let Some(first) = r.forming_first_row() {
                    assert!(first < row);
                    let bin = r.forming_bin().expect("forming bin");
                    assert!(bin.contains(input[first as usize].ts));
                    assert!(bin.contains(input[row as usize - 1].ts));
                }
            }
            rest = &rest[take..];
        }
        got.extend(r.finish());
        if let Some(diff) = first_difference(&got, want) {
            failures.push(format!("{}: {diff}", c.describe(&data)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} streaming cases differ:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
}

fn bar(ts: u64, price: f64, volume: f64) -> Bar {
    Bar::new(ts, price, price, price, price, volume)
}

fn labels(bars: &[Bar]) -> Vec<u64> {
    bars.iter().map(|b| b.ts).collect()
}

#[test]
fn golden_weekly_bins() {
    // A Sunday 2025-01-05 23:00 bar lands in the W-MON week of 2024-12-30; Monday 2025-01-13
    // 00:00 opens a new week.
    let input = [
        bar(date(2025, 1, 5) + 23 * HOUR_MS, 1.0, 1.0),
        bar(date(2025, 1, 6), 2.0, 1.0),
        bar(date(2025, 1, 12) + 23 * HOUR_MS + 59 * MINUTE_MS, 3.0, 1.0),
        bar(date(2025, 1, 13), 4.0, 1.0),
    ];
    let tf = Timeframe::parse("1W").expect("1W");
    let out = one_shot(&input, &tf, &ResampleOptions::PIPELINE);
    assert_eq!(
        labels(&out),
        [date(2024, 12, 30), date(2025, 1, 6), date(2025, 1, 13)]
    );
    assert_eq!((out[1].open, out[1].close, out[1].volume), (2.0, 3.0, 2.0));
}

#[test]
fn golden_origins() {
    // 4h with origin 03:00: bins at 03, 07, 11, 15, 19, 23.
    let day = date(2025, 3, 4);
    let hourly: Vec<Bar> = (0..48).map(|h| bar(day + h * HOUR_MS, 1.0, 1.0)).collect();
    let tf = Timeframe::parse("4h,origin=03:00").expect("spec");
    let out = one_shot(&hourly, &tf, &ResampleOptions::PIPELINE);
    let hours: Vec<i64> = out
        .iter()
        .map(|b| (b.ts as i64 - day as i64) / HOUR_MS as i64)
        .collect();
    assert_eq!(hours, [-1, 3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47]);
    // 1D with origin 02:30: days start at 02:30.
    let tf = Timeframe::parse("1D,origin=02:30").expect("spec");
    let out = one_shot(&hourly, &tf, &ResampleOptions::PIPELINE);
    let at = |h: u64, m: u64| day + h * HOUR_MS + m * MINUTE_MS;
    assert_eq!(
        labels(&out),
        [at(0, 150) - DAY_MS, at(2, 30), at(2, 30) + DAY_MS]
    );
    assert_eq!(
        out.iter().map(|b| b.volume).collect::<Vec<_>>(),
        [3.0, 24.0, 21.0]
    );
}

#[test]
fn golden_kahan_sum() {
    // Ten 0.1 volumes sum to exactly 1.0 with pandas' compensated sum (0.9999999999999999 plain).
    let start = date(2024, 1, 1);
    let input: Vec<Bar> = (0..10)
        .map(|i| bar(start + i * MINUTE_MS, 1.0, 0.1))
        .collect();
    assert_eq!(
        input.iter().map(|b| b.volume).sum::<f64>(),
        0.999_999_999_999_999_9
    );
    for spec in ["15m", "1h", "1d", "W-MON", "MS", "YS"] {
        let tf = Timeframe::parse(spec).expect("spec");
        for opts in [ResampleOptions::PLAIN, ResampleOptions::PIPELINE] {
            let out = one_shot(&input, &tf, &opts);
            assert_eq!(out.len(), 1, "{spec}");
            assert_eq!(out[0].volume.to_bits(), 1.0f64.to_bits(), "{spec}");
        }
    }
}

#[test]
fn cascade_of_pipeline_timeframes() {
    // The pipeline's cascade (each level reads the previous level's output) on a day of FX data:
    // every level's bars are labelled on its grid and carry the total volume.
    let mut rng = Rng(7);
    let minutes = fx_minutes(&mut rng, date(2024, 1, 7), 30_000, false);
    let minutes: Vec<Bar> = minutes
        .into_iter()
        .map(|mut b| {
            b.volume = 1.0;
            for x in [&mut b.open, &mut b.high, &mut b.low, &mut b.close] {
                if x.is_nan() || x.is_infinite() {
                    *x = 1.0;
                }
            }
            b
        })
        .collect();
    let total = minutes.len() as f64;
    let mut level = minutes;
    for (spec, grid) in [
        ("5m", 5 * MINUTE_MS),
        ("15m", 15 * MINUTE_MS),
        ("30m", 30 * MINUTE_MS),
        ("1h", HOUR_MS),
        ("4h", 4 * HOUR_MS),
        ("1d", DAY_MS),
    ] {
        let tf = Timeframe::parse(spec).expect("spec");
        level = one_shot(&level, &tf, &ResampleOptions::PIPELINE);
        assert!(level.iter().all(|b| b.ts.is_multiple_of(grid)), "{spec}");
        assert_eq!(level.iter().map(|b| b.volume).sum::<f64>(), total, "{spec}");
    }
    let weeks = one_shot(
        &level,
        &Timeframe::parse("1W").expect("1W"),
        &ResampleOptions::PIPELINE,
    );
    assert!(weeks.iter().all(|b| (b.ts / DAY_MS + 3).is_multiple_of(7)));
    let months = one_shot(
        &level,
        &Timeframe::parse("1M").expect("1M"),
        &ResampleOptions::PIPELINE,
    );
    assert_eq!(labels(&months), [date(2024, 1, 1), date(2024, 2, 1)]);
    let years = one_shot(
        &months,
        &Timeframe::parse("1Y").expect("1Y"),
        &ResampleOptions::PIPELINE,
    );
    assert_eq!(labels(&years), [date(2024, 1, 1)]);
    assert_eq!(years[0].volume, total);
}

#[test]
fn errors_through_the_public_api() {
    let input = [bar(2 * MINUTE_MS, 1.0, 1.0), bar(MINUTE_MS, 1.0, 1.0)];
    let tf = Timeframe::parse("5m").expect("5m");
    let mut out = [Bar::default(); 2];
    let e = resample(&input, &tf, &ResampleOptions::PIPELINE, &mut out).unwrap_err();
    assert!(matches!(e, ResampleError::Unsorted { row: 1, .. }));
    assert!(e.to_string().contains("row 1"), "{e}");
    let sorted = [bar(0, 1.0, 1.0), bar(5 * MINUTE_MS, 1.0, 1.0)];
    let e = resample(&sorted, &tf, &ResampleOptions::PIPELINE, &mut out[..1]).unwrap_err();
    assert_eq!(
        e,
        ResampleError::OutputTooSmall {
            needed: 2,
            capacity: 1
        }
    );
    assert!(e.to_string().contains("2 are needed"), "{e}");
}
