//! Indicator tests: parity with TA-Lib and with the legacy pipeline's pandas formulas (through
//! `python3`, once per test), streaming ≡ batch (bitwise, including a state copied away and
//! restored mid-series), `&[Bar]` ≡ columns, the gap (NaN) policy, many-series ≡ one at a time,
//! and argument errors.
//!
//! The Python tests need `python3` with `numpy`, `pandas` and `talib`. Without them they print a
//! skip note, unless the environment variable `CI` is set, in which case they fail.

use ohlcv::Bar;
use ohlcv::indicators::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Data

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform().max(1e-300);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// One bar series as columns.
#[derive(Clone, Debug)]
struct Data {
    name: String,
    ts: Vec<u64>,
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
}

impl Data {
    fn len(&self) -> usize {
        self.close.len()
    }

    fn slice(&self, r: std::ops::Range<usize>) -> Data {
        Data {
            name: format!("{}[{}..{}]", self.name, r.start, r.end),
            ts: self.ts[r.clone()].to_vec(),
            open: self.open[r.clone()].to_vec(),
            high: self.high[r.clone()].to_vec(),
            low: self.low[r.clone()].to_vec(),
            close: self.close[r.clone()].to_vec(),
            volume: self.volume[r].to_vec(),
        }
    }

    fn bars(&self) -> Vec<Bar> {
        (0..self.len())
            .map(|i| {
                Bar::new(
                    self.ts[i],
                    self.open[i],
                    self.high[i],
                    self.low[i],
                    self.close[i],
                    self.volume[i],
                )
            })
            .collect()
    }

    /// A random walk around `level` (log-returns with standard deviation `vol`), with flat
    /// stretches (unchanged prices, sometimes zero volume), exact ties, occasional gaps between
    /// open and previous close, and 1-minute timestamps with holes that cross UTC days.
    fn walk(name: &str, seed: u64, n: usize, level: f64, vol: f64) -> Data {
        let mut rng = Rng(seed);
        let mut d = Data {
            name: name.to_string(),
            ts: Vec::with_capacity(n),
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
        };
        let mut price = level;
        let mut ts: u64 = 1_704_067_200_000 + 23 * 3_600_000; // 2024-01-01 23:00 UTC
        let mut flat = 0;
        for _ in 0..n {
            ts += 60_000
                * if rng.below(50) == 0 {
                    1 + rng.below(600)
                } else {
                    1
                };
            if flat == 0 && rng.below(60) == 0 {
                flat = 2 + rng.below(25);
            }
            let (o, h, l, c, v);
            if flat > 0 {
                flat -= 1;
                (o, h, l, c) = (price, price, price, price);
                v = if rng.below(2) == 0 {
                    0.0
                } else {
                    (rng.uniform() * 100.0).round()
                };
            } else {
                o = if rng.below(20) == 0 {
                    price * (1.0 + vol * 3.0 * rng.normal())
                } else {
                    price
                };
                c = o * (vol * rng.normal()).exp();
                let hi = o.max(c) * (1.0 + vol * rng.normal().abs());
                let lo = o.min(c) * (1.0 - vol * rng.normal().abs());
                // Exact ties with the open or close now and then.
                h = if rng.below(4) == 0 { o.max(c) } else { hi };
                l = if rng.below(4) == 0 { o.min(c) } else { lo };
                v = (rng.uniform() * 1000.0 * (1.0 + rng.normal().abs())).round();
                price = c;
            }
            d.ts.push(ts);
            d.open.push(o);
            d.high.push(h);
            d.low.push(l);
            d.close.push(c);
            d.volume.push(v);
        }
        d
    }

    /// A walk whose level jumps by factors of 10³ between 1e-5 and 1e5 (running sums carry
    /// large-magnitude history into small-magnitude stretches).
    fn jumpy(name: &str, seed: u64, n: usize) -> Data {
        let levels = [1.0, 1e3, 1e5, 1e2, 1e-1, 1e-4, 1e-5, 1e-2, 10.0, 1e4];
        let part = n / levels.len();
        let mut d = Data::walk(name, seed, 0, 1.0, 0.01);
        for (k, &lv) in levels.iter().enumerate() {
            let p = Data::walk(name, seed + 1 + k as u64, part, lv, 0.002);
            let shift = d.ts.last().copied().unwrap_or(0).saturating_sub(p.ts[0]) + 60_000;
            d.ts.extend(p.ts.iter().map(|t| t + shift));
            d.open.extend(&p.open);
            d.high.extend(&p.high);
            d.low.extend(&p.low);
            d.close.extend(&p.close);
            d.volume.extend(&p.volume);
        }
        d
    }

    /// A copy with whole-bar gaps (every price and the volume NaN or ±inf) at `at`.
    fn with_gaps(&self, at: &[usize]) -> Data {
        let mut d = self.clone();
        d.name = format!("{}+gaps", self.name);
        for (k, &i) in at.iter().enumerate() {
            let bad = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][k % 3];
            d.open[i] = bad;
            d.high[i] = bad;
            d.low[i] = bad;
            d.close[i] = bad;
            d.volume[i] = bad;
        }
        d
    }
}

/// The parity datasets: walks at five magnitudes plus a jumping one.
fn parity_data() -> Vec<Data> {
    vec![
        Data::walk("w5n", 11, 1500, 1e-5, 0.004),
        Data::walk("w2n", 12, 1500, 1e-2, 0.003),
        Data::walk("w0", 13, 1500, 1.0, 0.002),
        Data::walk("w3", 14, 1500, 1e3, 0.01),
        Data::walk("w5", 15, 1500, 1e5, 0.001),
        Data::jumpy("jump", 16, 3000),
        Data::walk("long", 17, 9000, 30.0, 0.003),
    ]
}

// ---------------------------------------------------------------------------------------------
// Python reference runner

fn python_available() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import numpy, pandas, talib"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// True when the reference can run; otherwise a skip note, or a failure under `CI`.
fn python_or_skip(test: &str) -> bool {
    if python_available() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test}: python3 with numpy, pandas and talib is required when CI is set");
    }
    eprintln!("SKIPPED {test}: python3 with numpy, pandas and talib not available");
    false
}

/// A batch of reference jobs exchanged with `tests/python/indicator_ref.py` through raw
/// little-endian files in a private temporary directory.
struct Reference {
    dir: PathBuf,
    jobs: String,
}

fn write_f64(path: &Path, v: &[f64]) {
    let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

fn read_f64(path: &Path) -> Vec<f64> {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect()
}

impl Reference {
    fn new(test: &str, data: &[Data]) -> Reference {
        let dir = std::env::temp_dir().join(format!("ohlcv-ind-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for d in data {
            for (f, v) in [
                ("open", &d.open),
                ("high", &d.high),
                ("low", &d.low),
                ("close", &d.close),
                ("volume", &d.volume),
            ] {
                write_f64(&dir.join(format!("{}.{f}.f64", d.name)), v);
            }
            let ts: Vec<u8> = d.ts.iter().flat_map(|t| t.to_le_bytes()).collect();
            std::fs::write(dir.join(format!("{}.ts.u64", d.name)), ts).unwrap();
        }
        Reference {
            dir,
            jobs: String::new(),
        }
    }

    fn job(&mut self, out: &str, func: &str, data: &str, args: &[String]) {
        self.jobs
            .push_str(&format!("{out} {func} {data} {}\n", args.join(" ")));
    }

    fn run(&self) {
        std::fs::write(self.dir.join("jobs.txt"), &self.jobs).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/indicator_ref.py");
        let out = Command::new("python3")
            .arg(&script)
            .arg(&self.dir)
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "reference script failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn output(&self, out: &str, k: usize) -> Vec<f64> {
        read_f64(&self.dir.join(format!("{out}.{k}.f64")))
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// Asserts identical NaN positions and every value within 1e-10 relative or 1e-12 absolute;
/// returns how many values are bit-identical.
fn assert_close(what: &str, ours: &[f64], theirs: &[f64]) -> usize {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    let mut exact = 0;
    for (i, (&a, &b)) in ours.iter().zip(theirs).enumerate() {
        assert_eq!(
            a.is_nan(),
            b.is_nan(),
            "{what}: NaN position differs at {i}: ours {a:e}, reference {b:e}"
        );
        if a.is_nan() {
            exact += 1;
            continue;
        }
        let diff = (a - b).abs();
        assert!(
            a == b || diff <= 1e-12 || diff <= 1e-10 * b.abs(),
            "{what}: at {i} ours {a:e} reference {b:e} (diff {diff:e})"
        );
        exact += usize::from(a.to_bits() == b.to_bits() || (a == 0.0 && b == 0.0));
    }
    exact
}

fn assert_bitwise(what: &str, a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        assert!(same_bits(x, y), "{what}: at {i}: {x:e} vs {y:e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Cases: every indicator with several parameter sets, in a uniform shape

type Outputs = Vec<Vec<f64>>;

/// A streaming run: outputs of `update`, of `peek` just before each update, and of a copy of
/// the state saved just before bar `save_at` and restored afterwards (entries before `save_at`
/// are NaN).
struct StreamRun {
    updates: Outputs,
    peeks: Outputs,
    restored: Outputs,
}

type BatchFn = Box<dyn Fn(&Data) -> Outputs>;
type BarsFn = Box<dyn Fn(&[Bar]) -> Outputs>;
type StreamFn = Box<dyn Fn(&Data, usize) -> StreamRun>;

struct Case {
    name: String,
    group: &'static str,
    lookback: usize,
    batch: BatchFn,
    bars: BarsFn,
    stream: StreamFn,
    /// Reference job per output: (function, arguments, index of its output).
    refs: Vec<(&'static str, Vec<String>, usize)>,
}

fn nan_outputs(k: usize, n: usize) -> Outputs {
    vec![vec![f64::NAN; n]; k]
}

/// Drives a streaming state over `d`, saving a copy before `save_at`.
fn run_stream<S: Copy>(
    fresh: S,
    d: &Data,
    save_at: usize,
    feed: impl Fn(&mut S, &Data, usize) -> Vec<f64>,
    look: impl Fn(&S, &Data, usize) -> Vec<f64>,
) -> StreamRun {
    let n = d.len();
    let k = look(&fresh, d, 0).len();
    let mut run = StreamRun {
        updates: nan_outputs(k, n),
        peeks: nan_outputs(k, n),
        restored: nan_outputs(k, n),
    };
    let mut st = fresh;
    let mut saved = None;
    for i in 0..n {
        if i == save_at {
            saved = Some(st);
        }
        let p = look(&st, d, i);
        let u = feed(&mut st, d, i);
        for (j, (p, u)) in p.into_iter().zip(u).enumerate() {
            run.peeks[j][i] = p;
            run.updates[j][i] = u;
        }
    }
    // "Restart": continue from the saved copy, as after reloading it from disk.
    if let Some(mut st) = saved {
        for i in save_at..n {
            let u = feed(&mut st, d, i);
            for (j, u) in u.into_iter().enumerate() {
                run.restored[j][i] = u;
            }
        }
    }
    run
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

fn cases() -> Vec<Case> {
    let mut v: Vec<Case> = Vec::new();

    // Single-input indicators over the close.
    macro_rules! single {
        ($group:expr, $name:expr, $ind:expr, $fresh:expr, $func:expr, $args:expr) => {{
            let ind = $ind;
            v.push(Case {
                name: $name,
                group: $group,
                lookback: ind.lookback(),
                batch: Box::new(move |d: &Data| {
                    let mut o = vec![0.0; d.len()];
                    ind.compute(&d.close[..], &mut o).unwrap();
                    vec![o]
                }),
                bars: Box::new(move |b: &[Bar]| {
                    let mut o = vec![0.0; b.len()];
                    ind.compute(b.closes(), &mut o).unwrap();
                    vec![o]
                }),
                stream: Box::new(move |d: &Data, at: usize| {
                    run_stream(
                        $fresh(ind),
                        d,
                        at,
                        |s, d, i| vec![s.update(d.close[i])],
                        |s, d, i| vec![s.peek(d.close[i])],
                    )
                }),
                refs: $func
                    .map(|f: &'static str| (f, $args, 0usize))
                    .into_iter()
                    .collect(),
            });
        }};
    }

    for p in [1, 2, 3, 5, 14, 30, 100] {
        single!(
            "ma",
            format!("SMA({p})"),
            Sma::new(p).unwrap(),
            |i: Sma| i.stream::<128>().unwrap(),
            Some("SMA"),
            vec![s(p)]
        );
        single!(
            "ma",
            format!("EMA({p})"),
            Ema::new(p).unwrap(),
            |i: Ema| i.stream(),
            Some("EMA"),
            vec![s(p)]
        );
        single!(
            "ma",
            format!("WMA({p})"),
            Wma::new(p).unwrap(),
            |i: Wma| i.stream::<128>().unwrap(),
            Some("WMA"),
            vec![s(p)]
        );
        single!(
            "ma",
            format!("DEMA({p})"),
            Dema::new(p).unwrap(),
            |i: Dema| i.stream(),
            Some("DEMA"),
            vec![s(p)]
        );
        single!(
            "ma",
            format!("TEMA({p})"),
            Tema::new(p).unwrap(),
            |i: Tema| i.stream(),
            Some("TEMA"),
            vec![s(p)]
        );
        single!(
            "momentum",
            format!("MOM({p})"),
            Mom::new(p).unwrap(),
            |i: Mom| i.stream::<128>().unwrap(),
            Some("MOM"),
            vec![s(p)]
        );
        single!(
            "momentum",
            format!("ROC({p})"),
            Roc::new(p).unwrap(),
            |i: Roc| i.stream::<128>().unwrap(),
            Some("ROC"),
            vec![s(p)]
        );
        single!(
            "pandas",
            format!("EMA({p}, pandas)"),
            Ema::new(p).unwrap().with_convention(Convention::Pandas),
            |i: Ema| i.stream(),
            Some("PD_EMA"),
            vec![s(p)]
        );
        if p >= 2 {
            single!(
                "momentum",
                format!("RSI({p})"),
                Rsi::new(p).unwrap(),
                |i: Rsi| i.stream(),
                Some("RSI"),
                vec![s(p)]
            );
            single!(
                "pandas",
                format!("RSI({p}, pandas)"),
                Rsi::new(p).unwrap().with_convention(Convention::Pandas),
                |i: Rsi| i.stream(),
                Some("PD_RSI"),
                vec![s(p)]
            );
            single!(
                "extremes",
                format!("MAX({p})"),
                Max::new(p).unwrap(),
                |i: Max| i.stream::<128>().unwrap(),
                Some("MAX"),
                vec![s(p)]
            );
            single!(
                "extremes",
                format!("MIN({p})"),
                Min::new(p).unwrap(),
                |i: Min| i.stream::<128>().unwrap(),
                Some("MIN"),
                vec![s(p)]
            );
            for dev in [1.0, 2.5] {
                single!(
                    "bands",
                    format!("STDDEV({p}, {dev})"),
                    Stddev::new(p, dev).unwrap(),
                    |i: Stddev| i.stream::<128>().unwrap(),
                    Some("STDDEV"),
                    vec![s(p), s(dev)]
                );
            }
        }
    }

    // MACD.
    for (f, sl, sg, conv) in [
        (12, 26, 9, Convention::TaLib),
        (3, 10, 1, Convention::TaLib),
        (26, 12, 9, Convention::TaLib),
        (5, 35, 5, Convention::TaLib),
        (12, 26, 9, Convention::Pandas),
        (3, 10, 4, Convention::Pandas),
    ] {
        let ind = Macd::new(f, sl, sg).unwrap().with_convention(conv);
        let pandas = conv == Convention::Pandas;
        let func = if pandas { "PD_MACD" } else { "MACD" };
        let args = vec![s(f), s(sl), s(sg)];
        v.push(Case {
            name: format!(
                "MACD({f},{sl},{sg}{})",
                if pandas { ", pandas" } else { "" }
            ),
            group: if pandas { "pandas" } else { "momentum" },
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = nan_outputs(3, d.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(&d.close[..], a, b, c).unwrap();
                o
            }),
            bars: Box::new(move |bars| {
                let mut o = nan_outputs(3, bars.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(bars.closes(), a, b, c).unwrap();
                o
            }),
            stream: Box::new(move |d, at| {
                let f = |r: MacdValue| vec![r.macd, r.signal, r.hist];
                run_stream(
                    ind.stream(),
                    d,
                    at,
                    move |s, d, i| f(s.update(d.close[i])),
                    move |s, d, i| f(s.peek(d.close[i])),
                )
            }),
            refs: (0..3).map(|k| (func, args.clone(), k)).collect(),
        });
    }

    // Bollinger Bands.
    for (p, up, dn) in [
        (5, 2.0, 2.0),
        (20, 2.0, 2.0),
        (14, 1.0, 1.0),
        (10, 1.5, 3.0),
        (2, 2.0, 0.5),
    ] {
        let ind = Bbands::new(p, up, dn).unwrap();
        v.push(Case {
            name: format!("BBANDS({p},{up},{dn})"),
            group: "bands",
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = nan_outputs(3, d.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(&d.close[..], a, b, c).unwrap();
                o
            }),
            bars: Box::new(move |bars| {
                let mut o = nan_outputs(3, bars.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(bars.closes(), a, b, c).unwrap();
                o
            }),
            stream: Box::new(move |d, at| {
                let f = |r: BandsValue| vec![r.upper, r.middle, r.lower];
                run_stream(
                    ind.stream::<64>().unwrap(),
                    d,
                    at,
                    move |s, d, i| f(s.update(d.close[i])),
                    move |s, d, i| f(s.peek(d.close[i])),
                )
            }),
            refs: (0..3)
                .map(|k| ("BBANDS", vec![s(p), s(up), s(dn)], k))
                .collect(),
        });
    }

    // High/low/close indicators with one output.
    macro_rules! hlc {
        ($group:expr, $name:expr, $ind:expr, $fresh:expr, $refs:expr) => {{
            let ind = $ind;
            v.push(Case {
                name: $name,
                group: $group,
                lookback: ind.lookback(),
                batch: Box::new(move |d: &Data| {
                    let mut o = vec![0.0; d.len()];
                    ind.compute(&d.high[..], &d.low[..], &d.close[..], &mut o)
                        .unwrap();
                    vec![o]
                }),
                bars: Box::new(move |b: &[Bar]| {
                    let mut o = vec![0.0; b.len()];
                    ind.compute(b.highs(), b.lows(), b.closes(), &mut o)
                        .unwrap();
                    vec![o]
                }),
                stream: Box::new(move |d: &Data, at: usize| {
                    run_stream(
                        $fresh(ind),
                        d,
                        at,
                        |s, d, i| vec![s.update(d.high[i], d.low[i], d.close[i])],
                        |s, d, i| vec![s.peek(d.high[i], d.low[i], d.close[i])],
                    )
                }),
                refs: $refs,
            });
        }};
    }

    hlc!(
        "range",
        s("TRANGE"),
        TrueRange,
        |i: TrueRange| i.stream(),
        vec![("TRANGE", vec![], 0)]
    );
    for p in [1, 2, 3, 5, 14, 30, 100] {
        hlc!(
            "range",
            format!("ATR({p})"),
            Atr::new(p).unwrap(),
            |i: Atr| i.stream(),
            vec![("ATR", vec![s(p)], 0)]
        );
        hlc!(
            "pandas",
            format!("ATR({p}, pandas)"),
            Atr::new(p).unwrap().with_convention(Convention::Pandas),
            |i: Atr| i.stream(),
            vec![("PD_ATR", vec![s(p)], 0)]
        );
        if p >= 2 {
            hlc!(
                "oscillators",
                format!("WILLR({p})"),
                WillR::new(p).unwrap(),
                |i: WillR| i.stream::<128>().unwrap(),
                vec![("WILLR", vec![s(p)], 0)]
            );
            hlc!(
                "oscillators",
                format!("CCI({p})"),
                Cci::new(p).unwrap(),
                |i: Cci| i.stream::<128>().unwrap(),
                vec![("CCI", vec![s(p)], 0)]
            );
        }
    }

    // Stochastic.
    for (fk, sk, sd) in [(5, 3, 3), (14, 3, 3), (1, 1, 1), (3, 1, 5), (21, 7, 2)] {
        let ind = Stoch::new(fk, sk, sd).unwrap();
        v.push(Case {
            name: format!("STOCH({fk},{sk},{sd})"),
            group: "oscillators",
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = nan_outputs(2, d.len());
                let [a, b] = &mut o[..] else { unreachable!() };
                ind.compute(&d.high[..], &d.low[..], &d.close[..], a, b)
                    .unwrap();
                o
            }),
            bars: Box::new(move |bars| {
                let mut o = nan_outputs(2, bars.len());
                let [a, b] = &mut o[..] else { unreachable!() };
                ind.compute(bars.highs(), bars.lows(), bars.closes(), a, b)
                    .unwrap();
                o
            }),
            stream: Box::new(move |d, at| {
                let f = |r: StochValue| vec![r.k, r.d];
                run_stream(
                    ind.stream::<32>().unwrap(),
                    d,
                    at,
                    move |s, d, i| f(s.update(d.high[i], d.low[i], d.close[i])),
                    move |s, d, i| f(s.peek(d.high[i], d.low[i], d.close[i])),
                )
            }),
            refs: (0..2)
                .map(|k| ("STOCH", vec![s(fk), s(sk), s(sd)], k))
                .collect(),
        });
    }

    // ADX with ±DI.
    for p in [2, 3, 5, 14, 30] {
        let ind = Adx::new(p).unwrap();
        v.push(Case {
            name: format!("ADX({p})"),
            group: "oscillators",
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = nan_outputs(3, d.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(&d.high[..], &d.low[..], &d.close[..], a, b, c)
                    .unwrap();
                o
            }),
            bars: Box::new(move |bars| {
                let mut o = nan_outputs(3, bars.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(bars.highs(), bars.lows(), bars.closes(), a, b, c)
                    .unwrap();
                o
            }),
            stream: Box::new(move |d, at| {
                let f = |r: AdxValue| vec![r.adx, r.plus_di, r.minus_di];
                run_stream(
                    ind.stream(),
                    d,
                    at,
                    move |s, d, i| f(s.update(d.high[i], d.low[i], d.close[i])),
                    move |s, d, i| f(s.peek(d.high[i], d.low[i], d.close[i])),
                )
            }),
            refs: vec![
                ("ADX", vec![s(p)], 0),
                ("PLUS_DI", vec![s(p)], 0),
                ("MINUS_DI", vec![s(p)], 0),
            ],
        });
    }

    // Donchian.
    for p in [2, 5, 20, 100] {
        let ind = Donchian::new(p).unwrap();
        v.push(Case {
            name: format!("DONCHIAN({p})"),
            group: "extremes",
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = nan_outputs(3, d.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(&d.high[..], &d.low[..], a, b, c).unwrap();
                o
            }),
            bars: Box::new(move |bars| {
                let mut o = nan_outputs(3, bars.len());
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ind.compute(bars.highs(), bars.lows(), a, b, c).unwrap();
                o
            }),
            stream: Box::new(move |d, at| {
                let f = |r: BandsValue| vec![r.upper, r.middle, r.lower];
                run_stream(
                    ind.stream::<128>().unwrap(),
                    d,
                    at,
                    move |s, d, i| f(s.update(d.high[i], d.low[i])),
                    move |s, d, i| f(s.peek(d.high[i], d.low[i])),
                )
            }),
            refs: vec![
                ("MAXH", vec![s(p)], 0),
                ("MIDPRICE", vec![s(p)], 0),
                ("MINL", vec![s(p)], 0),
            ],
        });
    }

    // Volume indicators.
    for p in [2, 3, 5, 14, 30, 100] {
        let ind = Mfi::new(p).unwrap();
        v.push(Case {
            name: format!("MFI({p})"),
            group: "volume",
            lookback: ind.lookback(),
            batch: Box::new(move |d| {
                let mut o = vec![0.0; d.len()];
                ind.compute(&d.high[..], &d.low[..], &d.close[..], &d.volume[..], &mut o)
                    .unwrap();
                vec![o]
            }),
            bars: Box::new(move |b| {
                let mut o = vec![0.0; b.len()];
                ind.compute(b.highs(), b.lows(), b.closes(), b.volumes(), &mut o)
                    .unwrap();
                vec![o]
            }),
            stream: Box::new(move |d, at| {
                run_stream(
                    ind.stream::<128>().unwrap(),
                    d,
                    at,
                    |s, d, i| vec![s.update(d.high[i], d.low[i], d.close[i], d.volume[i])],
                    |s, d, i| vec![s.peek(d.high[i], d.low[i], d.close[i], d.volume[i])],
                )
            }),
            refs: vec![("MFI", vec![s(p)], 0)],
        });
    }
    v.push(Case {
        name: s("OBV"),
        group: "volume",
        lookback: Obv.lookback(),
        batch: Box::new(|d| {
            let mut o = vec![0.0; d.len()];
            Obv.compute(&d.close[..], &d.volume[..], &mut o).unwrap();
            vec![o]
        }),
        bars: Box::new(|b| {
            let mut o = vec![0.0; b.len()];
            Obv.compute(b.closes(), b.volumes(), &mut o).unwrap();
            vec![o]
        }),
        stream: Box::new(|d, at| {
            run_stream(
                Obv.stream(),
                d,
                at,
                |s, d, i| vec![s.update(d.close[i], d.volume[i])],
                |s, d, i| vec![s.peek(d.close[i], d.volume[i])],
            )
        }),
        refs: vec![("OBV", vec![], 0)],
    });
    v.push(Case {
        name: s("VWAP"),
        group: "pandas",
        lookback: Vwap.lookback(),
        batch: Box::new(|d| {
            let mut o = vec![0.0; d.len()];
            Vwap.compute(
                &d.ts[..],
                &d.high[..],
                &d.low[..],
                &d.close[..],
                &d.volume[..],
                &mut o,
            )
            .unwrap();
            vec![o]
        }),
        bars: Box::new(|b| {
            let mut o = vec![0.0; b.len()];
            Vwap.compute(
                b.stamps(),
                b.highs(),
                b.lows(),
                b.closes(),
                b.volumes(),
                &mut o,
            )
            .unwrap();
            vec![o]
        }),
        stream: Box::new(|d, at| {
            run_stream(
                Vwap.stream(),
                d,
                at,
                |s, d, i| vec![s.update(d.ts[i], d.high[i], d.low[i], d.close[i], d.volume[i])],
                |s, d, i| vec![s.peek(d.ts[i], d.high[i], d.low[i], d.close[i], d.volume[i])],
            )
        }),
        refs: vec![("PD_VWAP", vec![], 0)],
    });
    v
}

// ---------------------------------------------------------------------------------------------
// Reference parity

/// Runs every case of `group` against the Python reference on the parity datasets.
fn parity(test: &str, group: &str) {
    if !python_or_skip(test) {
        return;
    }
    let data = parity_data();
    let cases: Vec<Case> = cases().into_iter().filter(|c| c.group == group).collect();
    assert!(!cases.is_empty());
    let mut reference = Reference::new(test, &data);
    for (ci, c) in cases.iter().enumerate() {
        for d in &data {
            for (k, (func, args, _)) in c.refs.iter().enumerate() {
                reference.job(&format!("c{ci}_{}_{k}", d.name), func, &d.name, args);
            }
        }
    }
    reference.run();
    let (mut exact, mut total) = (0, 0);
    for (ci, c) in cases.iter().enumerate() {
        let (mut case_exact, mut case_total) = (0, 0);
        for d in &data {
            let ours = (c.batch)(d);
            for (k, (_, _, which)) in c.refs.iter().enumerate() {
                let theirs = reference.output(&format!("c{ci}_{}_{k}", d.name), *which);
                case_exact += assert_close(
                    &format!("{} output {k} on {}", c.name, d.name),
                    &ours[k],
                    &theirs,
                );
                case_total += theirs.len();
            }
        }
        if case_exact < case_total {
            eprintln!(
                "{test}: {}: {case_exact}/{case_total} bit-identical",
                c.name
            );
        }
        exact += case_exact;
        total += case_total;
    }
    eprintln!(
        "{test}: {} cases, {exact}/{total} values bit-identical to the reference",
        cases.len()
    );
}

#[test]
fn talib_moving_averages() {
    parity("talib_moving_averages", "ma");
}

#[test]
fn talib_momentum() {
    parity("talib_momentum", "momentum");
}

#[test]
fn talib_bands() {
    parity("talib_bands", "bands");
}

#[test]
fn talib_ranges() {
    parity("talib_ranges", "range");
}

#[test]
fn talib_oscillators() {
    parity("talib_oscillators", "oscillators");
}

#[test]
fn talib_extremes() {
    parity("talib_extremes", "extremes");
}

#[test]
fn talib_volume() {
    parity("talib_volume", "volume");
}

#[test]
fn pandas_convention_and_vwap() {
    parity("pandas_convention_and_vwap", "pandas");
}

// ---------------------------------------------------------------------------------------------
// Pure Rust properties

fn property_data() -> Vec<Data> {
    let base = Data::walk("prop", 21, 1200, 50.0, 0.01);
    let gaps = base.with_gaps(&[0, 1, 40, 41, 42, 300, 301, 777, 1199]);
    vec![base, Data::jumpy("propjump", 22, 1000), gaps]
}

/// The lookback of output `k` (ADX's ±DI start earlier than the ADX itself).
fn lookback_of(c: &Case, k: usize) -> usize {
    if c.name.starts_with("ADX(") && k > 0 {
        c.lookback.div_ceil(2)
    } else {
        c.lookback
    }
}

#[test]
fn lookbacks_are_exact() {
    let d = Data::walk("lb", 31, 400, 10.0, 0.01);
    for c in cases() {
        for (k, o) in (c.batch)(&d).iter().enumerate() {
            let first = o.iter().position(|v| !v.is_nan());
            assert_eq!(first, Some(lookback_of(&c, k)), "{} output {k}", c.name);
            assert!(
                o.iter().skip(lookback_of(&c, k)).all(|v| v.is_finite()),
                "{}",
                c.name
            );
        }
    }
}

#[test]
fn streaming_matches_batch_and_restores() {
    for c in cases() {
        for d in property_data() {
            let batch = (c.batch)(&d);
            for at in [0, 1, d.len() / 3, d.len() - 1] {
                let run = (c.stream)(&d, at);
                for (k, b) in batch.iter().enumerate() {
                    let what = format!("{} output {k} on {} (save at {at})", c.name, d.name);
                    assert_bitwise(&format!("{what}: update"), &run.updates[k], b);
                    assert_bitwise(&format!("{what}: peek"), &run.peeks[k], b);
                    assert_bitwise(
                        &format!("{what}: restored"),
                        &run.restored[k][at..],
                        &b[at..],
                    );
                }
            }
        }
    }
}

#[test]
fn bars_match_columns() {
    for c in cases() {
        for d in property_data() {
            let cols = (c.batch)(&d);
            let bars = (c.bars)(&d.bars());
            for k in 0..cols.len() {
                assert_bitwise(
                    &format!("{} output {k} on {}", c.name, d.name),
                    &bars[k],
                    &cols[k],
                );
            }
        }
    }
}

/// The gap policy: NaN at a gap, and after it exactly the indicator of the series that starts
/// right after the gap.
#[test]
fn gaps_restart_the_indicator() {
    let clean = Data::walk("gap", 41, 900, 20.0, 0.01);
    let at = [0, 5, 6, 200, 201, 202, 480, 899];
    let d = clean.with_gaps(&at);
    for c in cases() {
        let out = (c.batch)(&d);
        let mut bounds: Vec<usize> = vec![0];
        for &g in &at {
            for (k, o) in out.iter().enumerate() {
                assert!(o[g].is_nan(), "{} output {k}: not NaN at gap {g}", c.name);
            }
            bounds.push(g);
            bounds.push(g + 1);
        }
        bounds.push(d.len());
        for w in bounds.chunks(2) {
            let (a, b) = (w[0], w[1]);
            if a >= b {
                continue;
            }
            let fresh = (c.batch)(&d.slice(a..b));
            for k in 0..out.len() {
                assert_bitwise(
                    &format!("{} output {k} on run {a}..{b}", c.name),
                    &out[k][a..b],
                    &fresh[k],
                );
            }
        }
    }
}

#[test]
fn gaps_only_in_unused_fields_change_nothing() {
    let d = Data::walk("unused", 42, 300, 20.0, 0.01);
    let mut e = d.clone();
    e.open[100] = f64::NAN;
    e.volume[150] = f64::INFINITY;
    let mut out = vec![0.0; d.len()];
    let mut again = vec![0.0; d.len()];
    Sma::new(10)
        .unwrap()
        .compute(&d.close[..], &mut out)
        .unwrap();
    Sma::new(10)
        .unwrap()
        .compute(&e.close[..], &mut again)
        .unwrap();
    assert_bitwise("SMA ignores open/volume", &out, &again);
    Atr::new(14)
        .unwrap()
        .compute(&d.high[..], &d.low[..], &d.close[..], &mut out)
        .unwrap();
    Atr::new(14)
        .unwrap()
        .compute(&e.high[..], &e.low[..], &e.close[..], &mut again)
        .unwrap();
    assert_bitwise("ATR ignores open/volume", &out, &again);
    // But a NaN volume is a gap for OBV.
    Obv.compute(&e.close[..], &e.volume[..], &mut again)
        .unwrap();
    assert!(again[150].is_nan() && !again[149].is_nan() && !again[151].is_nan());
    assert_eq!(
        again[151], e.volume[151],
        "OBV restarts at the volume after the gap"
    );
}

#[test]
fn argument_errors() {
    let x = [1.0, 2.0, 3.0];
    let mut short = [0.0; 2];
    let mut out = [0.0; 3];
    assert_eq!(
        Sma::new(2).unwrap().compute(&x[..], &mut short),
        Err(IndicatorError::LengthMismatch {
            expected: 3,
            found: 2
        })
    );
    assert!(matches!(
        Sma::new(0),
        Err(IndicatorError::InvalidPeriod {
            name: "period",
            value: 0,
            ..
        })
    ));
    assert!(matches!(
        Sma::new(MAX_PERIOD + 1),
        Err(IndicatorError::InvalidPeriod { .. })
    ));
    assert!(matches!(
        Rsi::new(1),
        Err(IndicatorError::InvalidPeriod { min: 2, .. })
    ));
    assert!(matches!(
        Macd::new(1, 26, 9),
        Err(IndicatorError::InvalidPeriod { name: "fast", .. })
    ));
    assert!(matches!(
        Macd::new(12, 26, 0),
        Err(IndicatorError::InvalidPeriod { name: "signal", .. })
    ));
    assert!(matches!(
        Stoch::new(5, 0, 3),
        Err(IndicatorError::InvalidPeriod { name: "slowk", .. })
    ));
    assert!(matches!(
        Bbands::new(20, f64::NAN, 2.0),
        Err(IndicatorError::InvalidParameter { name: "nbdev_up" })
    ));
    assert!(matches!(
        Stddev::new(20, f64::INFINITY),
        Err(IndicatorError::InvalidParameter { .. })
    ));
    assert_eq!(
        Sma::new(300).unwrap().stream::<256>().err(),
        Some(IndicatorError::WindowTooLarge {
            window: 300,
            capacity: 256
        })
    );
    assert!(Stoch::new(5, 300, 3).unwrap().stream::<256>().is_err());
    let (h, l) = ([1.0; 3], [1.0; 2]);
    assert!(matches!(
        Atr::new(2)
            .unwrap()
            .compute(&h[..], &l[..], &x[..], &mut out),
        Err(IndicatorError::LengthMismatch {
            expected: 3,
            found: 2
        })
    ));
    let (mut a, mut b, mut c) = ([0.0; 3], [0.0; 3], [0.0; 4]);
    assert!(
        Macd::new(2, 3, 1)
            .unwrap()
            .compute(&x[..], &mut a, &mut b, &mut c)
            .is_err()
    );
    assert!(
        Vwap.compute(&[1u64, 2][..], &x[..], &x[..], &x[..], &x[..], &mut out)
            .is_err()
    );
    // Errors map to the crate-wide category and print something useful.
    let e = Sma::new(0).unwrap_err();
    assert_eq!(e.kind(), ohlcv::ErrorKind::InvalidArgument);
    assert!(e.to_string().contains("period"));
}

#[test]
fn short_and_empty_inputs_are_fine() {
    for c in cases() {
        for n in [0, 1, 2, 3] {
            let d = Data::walk("short", 51, n, 5.0, 0.01);
            for (k, o) in (c.batch)(&d).iter().enumerate() {
                assert_eq!(o.len(), n);
                for (i, v) in o.iter().enumerate() {
                    assert_eq!(
                        v.is_nan(),
                        i < lookback_of(&c, k),
                        "{}: {v} at {i} of {n}",
                        c.name
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Many series

/// Lanes of different symbols, lengths, parameters and conventions (all TA-Lib, all pandas,
/// mixed), with gaps in some lanes and a partial last group: each lane must equal the
/// single-series batch bitwise.
#[test]
fn many_series_match_one_at_a_time() {
    let base: Vec<Data> = (0..7)
        .map(|k| {
            let n = 900 - 37 * k as usize;
            Data::walk(
                &format!("lane{k}"),
                60 + k,
                n,
                10f64.powi(k as i32 - 3),
                0.05,
            )
        })
        .collect();
    let mut data = base.clone();
    data[1] = base[1].with_gaps(&[0, 50, 51, 400]);
    data[4] = base[4].with_gaps(&[300]);
    let bars: Vec<Vec<Bar>> = data.iter().map(|d| d.bars()).collect();
    let periods = [14, 3, 30, 1, 2, 9, 20];
    let layouts: [fn(usize) -> Convention; 3] = [
        |_| Convention::TaLib,
        |_| Convention::Pandas,
        |k| {
            if k % 3 == 2 {
                Convention::Pandas
            } else {
                Convention::TaLib
            }
        },
    ];
    let fresh = || -> Vec<Vec<f64>> { data.iter().map(|d| vec![f64::NAN; d.len()]).collect() };
    for (li, conv) in layouts.iter().enumerate() {
        // EMA: per-lane parameters and inputs.
        let params: Vec<Ema> = (0..7)
            .map(|k| Ema::new(periods[k]).unwrap().with_convention(conv(k)))
            .collect();
        let inputs: Vec<&[f64]> = data.iter().map(|d| &d.close[..]).collect();
        let mut outs = fresh();
        let mut refs: Vec<&mut [f64]> = outs.iter_mut().map(|o| &mut o[..]).collect();
        Ema::compute_many(&params, &inputs, &mut refs).unwrap();
        for k in 0..7 {
            let mut one = vec![0.0; data[k].len()];
            params[k].compute(&data[k].close[..], &mut one).unwrap();
            assert_bitwise(&format!("EMA layout {li} lane {k}"), &outs[k], &one);
        }

        // RSI from bar fields.
        let params: Vec<Rsi> = (0..7)
            .map(|k| {
                Rsi::new(periods[k].max(2))
                    .unwrap()
                    .with_convention(conv(k))
            })
            .collect();
        let closes: Vec<_> = bars.iter().map(|b| b.closes()).collect();
        let mut outs = fresh();
        let mut refs: Vec<&mut [f64]> = outs.iter_mut().map(|o| &mut o[..]).collect();
        Rsi::compute_many(&params, &closes, &mut refs).unwrap();
        for k in 0..7 {
            let mut one = vec![0.0; data[k].len()];
            params[k].compute(&data[k].close[..], &mut one).unwrap();
            assert_bitwise(&format!("RSI layout {li} lane {k}"), &outs[k], &one);
        }

        // ATR over (high, low, close).
        let params: Vec<Atr> = (0..7)
            .map(|k| Atr::new(periods[k]).unwrap().with_convention(conv(k)))
            .collect();
        let inputs: Vec<(&[f64], &[f64], &[f64])> = data
            .iter()
            .map(|d| (&d.high[..], &d.low[..], &d.close[..]))
            .collect();
        let mut outs = fresh();
        let mut refs: Vec<&mut [f64]> = outs.iter_mut().map(|o| &mut o[..]).collect();
        Atr::compute_many(&params, &inputs, &mut refs).unwrap();
        for k in 0..7 {
            let mut one = vec![0.0; data[k].len()];
            params[k]
                .compute(
                    &data[k].high[..],
                    &data[k].low[..],
                    &data[k].close[..],
                    &mut one,
                )
                .unwrap();
            assert_bitwise(&format!("ATR layout {li} lane {k}"), &outs[k], &one);
        }

        // MACD: several parameter sets over one symbol.
        let sets = [(12, 26, 9), (5, 35, 5), (26, 12, 1), (3, 10, 4), (8, 17, 9)];
        let params: Vec<Macd> = sets
            .iter()
            .enumerate()
            .map(|(k, &(f, s, g))| Macd::new(f, s, g).unwrap().with_convention(conv(k)))
            .collect();
        let d = &data[4];
        let n = d.len();
        let (mut m, mut s, mut h) = (
            vec![vec![0.0; n]; 5],
            vec![vec![0.0; n]; 5],
            vec![vec![0.0; n]; 5],
        );
        {
            let mut mr: Vec<&mut [f64]> = m.iter_mut().map(|o| &mut o[..]).collect();
            let mut sr: Vec<&mut [f64]> = s.iter_mut().map(|o| &mut o[..]).collect();
            let mut hr: Vec<&mut [f64]> = h.iter_mut().map(|o| &mut o[..]).collect();
            Macd::compute_many(&params, &[&d.close[..]], &mut mr, &mut sr, &mut hr).unwrap();
        }
        for (k, p) in params.iter().enumerate() {
            let (mut a, mut b, mut c) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
            p.compute(&d.close[..], &mut a, &mut b, &mut c).unwrap();
            assert_bitwise(&format!("MACD layout {li} lane {k} line"), &m[k], &a);
            assert_bitwise(&format!("MACD layout {li} lane {k} signal"), &s[k], &b);
            assert_bitwise(&format!("MACD layout {li} lane {k} hist"), &h[k], &c);
        }
    }
}

#[test]
fn many_series_errors() {
    let x = [1.0, 2.0, 3.0];
    let ema = Ema::new(2).unwrap();
    let mut a = [0.0; 3];
    let mut b = [0.0; 2];
    let mut none: [&mut [f64]; 0] = [];
    assert_eq!(
        Ema::compute_many(&[ema], &[&x[..]], &mut none),
        Err(IndicatorError::InvalidLanes)
    );
    assert_eq!(
        Ema::compute_many(&[ema, ema, ema], &[&x[..]], &mut [&mut a[..], &mut b[..]]),
        Err(IndicatorError::InvalidLanes)
    );
    assert!(matches!(
        Ema::compute_many(&[ema], &[&x[..]], &mut [&mut a[..], &mut b[..]]),
        Err(IndicatorError::LengthMismatch {
            expected: 3,
            found: 2
        })
    ));
    let h = [1.0; 2];
    assert!(
        Atr::compute_many(
            &[Atr::new(2).unwrap()],
            &[(&h[..], &x[..], &x[..])],
            &mut [&mut a[..]]
        )
        .is_err()
    );
}

/// Rolling extremes over long runs (several kernel chunks, windows longer than a chunk) against
/// a direct scan and the streaming state.
#[test]
fn long_rolling_extremes_match_a_direct_scan() {
    let d = Data::walk("longext", 71, 20_000, 5.0, 0.01).with_gaps(&[7000, 15_000]);
    for p in [2, 5, 20, 100, 3000, 5000] {
        let mut hi = vec![0.0; d.len()];
        let mut lo = vec![0.0; d.len()];
        Max::new(p).unwrap().compute(&d.close[..], &mut hi).unwrap();
        Min::new(p).unwrap().compute(&d.close[..], &mut lo).unwrap();
        let mut st_hi = Max::new(p).unwrap().stream::<8192>().unwrap();
        let mut st_lo = Min::new(p).unwrap().stream::<8192>().unwrap();
        let mut since = 0;
        for i in 0..d.len() {
            let x = d.close[i];
            let (sh, sl) = (st_hi.update(x), st_lo.update(x));
            since = if x.is_finite() { since + 1 } else { 0 };
            let (want_hi, want_lo) = if since >= p {
                let w = &d.close[i + 1 - p..=i];
                (
                    w.iter().copied().fold(f64::MIN, f64::max),
                    w.iter().copied().fold(f64::MAX, f64::min),
                )
            } else {
                (f64::NAN, f64::NAN)
            };
            assert!(
                same_bits(hi[i], want_hi),
                "MAX({p}) at {i}: {} vs {want_hi}",
                hi[i]
            );
            assert!(
                same_bits(lo[i], want_lo),
                "MIN({p}) at {i}: {} vs {want_lo}",
                lo[i]
            );
            assert!(
                same_bits(sh, want_hi) && same_bits(sl, want_lo),
                "streaming ({p}) at {i}"
            );
        }
    }
}

/// Long series with gaps just before, at and after multiples of 512 and 1024 bars (where the
/// batch kernels cut their work into pieces), and runs shorter than a window: batch from
/// columns, batch from bars and streaming agree bit for bit.
#[test]
fn piece_boundaries_and_gaps() {
    let base = Data::walk("pieces", 73, 5000, 30.0, 0.01);
    let at = [
        3, 511, 512, 1023, 1030, 1031, 1032, 1500, 2047, 2049, 2560, 3071, 3072, 4095, 4999,
    ];
    let d = base.with_gaps(&at);
    for c in cases() {
        let batch = (c.batch)(&d);
        let bars = (c.bars)(&d.bars());
        let run = (c.stream)(&d, d.len() / 2);
        for (k, b) in batch.iter().enumerate() {
            let what = format!("{} output {k}", c.name);
            assert_bitwise(&format!("{what}: bars"), &bars[k], b);
            assert_bitwise(&format!("{what}: streaming"), &run.updates[k], b);
        }
    }
}
