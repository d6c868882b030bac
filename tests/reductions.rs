//! Every SIMD backend against a literal oracle, bit for bit, on every length 0..=515 and every
//! start offset 0..=7, over data full of NaN, ±inf, ±0.0, huge and subnormal values; plus the
//! Kahan golden case and a differential test against pandas.

use ohlcv::Bar;
use ohlcv::simd::{self, Backend, Kernels};

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (SplitMix64), so failures reproduce without a `rand` dependency.

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    fn pick(&mut self, values: &[f64]) -> f64 {
        values[self.below(values.len())]
    }
}

const SPECIALS: [f64; 16] = [
    f64::NAN,
    -f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    f64::MAX,
    -f64::MAX,
    f64::MIN_POSITIVE,
    -f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    1e300,
    -1e300,
    1e-300,
    0.1,
];

/// Kinds of generated data.
#[derive(Clone, Copy, Debug)]
enum Profile {
    /// FX-like prices and positive volumes, no special values.
    Plain,
    /// 30% of values drawn from `SPECIALS`.
    Specials,
    /// 95% NaN.
    MostlyNan,
    /// Values whose maximum (high) or minimum (low) is often a signed zero.
    Zeros,
    /// Volumes spanning 30 orders of magnitude, some NaN (where Kahan differs from a loop).
    Magnitudes,
}

const PROFILES: [Profile; 5] = [
    Profile::Plain,
    Profile::Specials,
    Profile::MostlyNan,
    Profile::Zeros,
    Profile::Magnitudes,
];

fn value(rng: &mut Rng, profile: Profile, base: f64) -> f64 {
    match profile {
        Profile::Plain => base * (1.0 + 0.01 * rng.unit()),
        Profile::Specials => {
            if rng.below(10) < 3 {
                rng.pick(&SPECIALS)
            } else {
                (rng.unit() - 0.5) * base
            }
        }
        Profile::MostlyNan => {
            if rng.below(20) == 0 {
                (rng.unit() - 0.5) * base
            } else {
                f64::NAN
            }
        }
        Profile::Zeros => rng.pick(&[0.0, -0.0, f64::NAN]) * base.signum(),
        Profile::Magnitudes => {
            if rng.below(16) == 0 {
                f64::NAN
            } else {
                rng.unit() * 10f64.powi(rng.below(30) as i32 - 10)
            }
        }
    }
}

fn bars(seed: u64, n: usize, profile: Profile) -> Vec<Bar> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let ts = 1_104_710_400_000 + 60_000 * i as u64;
            let mut bar = Bar::new(
                ts,
                value(&mut rng, profile, 1.3),
                value(&mut rng, profile, 1.4),
                value(&mut rng, profile, 1.2),
                value(&mut rng, profile, 1.3),
                value(&mut rng, profile, 1000.0),
            );
            if let Profile::Zeros = profile {
                // Highs never above zero and lows never below: the extremes are signed zeros
                // (or -1 / +1, or NaN).
                bar.high = rng.pick(&[0.0, -0.0, -1.0, f64::NAN]);
                bar.low = rng.pick(&[0.0, -0.0, 1.0, f64::NAN]);
            }
            bar
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The oracle: pandas' Cython group kernels written out literally, one value at a time.

fn oracle_max(values: impl Iterator<Item = f64>) -> f64 {
    let mut max = f64::NEG_INFINITY;
    let mut seen = false;
    for v in values.filter(|v| !v.is_nan()) {
        seen = true;
        if v > max {
            max = v;
        }
    }
    if seen { max } else { f64::NAN }
}

fn oracle_min(values: impl Iterator<Item = f64>) -> f64 {
    let mut min = f64::INFINITY;
    let mut seen = false;
    for v in values.filter(|v| !v.is_nan()) {
        seen = true;
        if v < min {
            min = v;
        }
    }
    if seen { min } else { f64::NAN }
}

fn oracle_first(mut values: impl Iterator<Item = f64>) -> f64 {
    values.find(|v| !v.is_nan()).unwrap_or(f64::NAN)
}

fn oracle_last(values: impl Iterator<Item = f64>) -> f64 {
    values.filter(|v| !v.is_nan()).last().unwrap_or(f64::NAN)
}

fn oracle_kahan(values: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0_f64, 0.0_f64);
    for v in values.filter(|v| !v.is_nan()) {
        let y = v - c;
        let t = s + y;
        c = (t - s) - y;
        if !c.is_finite() {
            c = 0.0;
        }
        s = t;
    }
    s
}

/// The documented association of `sum_volume`: partial sum `i % 8`, then a fixed tree.
fn oracle_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut l = [0.0_f64; 8];
    for (i, v) in values.enumerate() {
        if !v.is_nan() {
            l[i % 8] += v;
        }
    }
    ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
}

fn oracle_fold(bars: &[Bar]) -> Option<Bar> {
    let first = bars.first()?;
    Some(Bar::new(
        first.ts,
        oracle_first(bars.iter().map(|b| b.open)),
        oracle_max(bars.iter().map(|b| b.high)),
        oracle_min(bars.iter().map(|b| b.low)),
        oracle_last(bars.iter().map(|b| b.close)),
        oracle_kahan(bars.iter().map(|b| b.volume)),
    ))
}

// ---------------------------------------------------------------------------------------------
// Bitwise comparison helpers.

#[track_caller]
fn same_bits(what: &str, got: f64, want: f64, context: &dyn Fn() -> String) {
    assert!(
        got.to_bits() == want.to_bits(),
        "{what}: got {got:?} ({:#018x}), want {want:?} ({:#018x}); {}",
        got.to_bits(),
        want.to_bits(),
        context()
    );
}

#[track_caller]
fn same_bar(got: Option<Bar>, want: Option<Bar>, context: &dyn Fn() -> String) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => {
            assert_eq!(g.ts, w.ts, "fold ts; {}", context());
            assert_eq!(g.reserved, [0, 0], "fold reserved; {}", context());
            same_bits("fold open", g.open, w.open, context);
            same_bits("fold high", g.high, w.high, context);
            same_bits("fold low", g.low, w.low, context);
            same_bits("fold close", g.close, w.close, context);
            same_bits("fold volume", g.volume, w.volume, context);
        }
        _ => panic!("fold: got {got:?}, want {want:?}; {}", context()),
    }
}

fn available() -> Vec<&'static Kernels> {
    Backend::ALL.into_iter().filter_map(simd::kernels).collect()
}

/// Checks one backend's kernels (and, when `kernels` is None, the dispatched free functions)
/// on every slice `data[offset..offset + len]`.
fn check_all_slices(data: &[Bar], kernels: Option<&Kernels>, label: &str) {
    for offset in 0..=7 {
        for len in 0..=data.len() - 8 {
            let s = &data[offset..offset + len];
            let ctx = || format!("{label}, offset {offset}, len {len}");
            let highs = || s.iter().map(|b| b.high);
            let lows = || s.iter().map(|b| b.low);
            let vols = || s.iter().map(|b| b.volume);
            let (max, min, sum) = match kernels {
                Some(k) => (k.max_high(s), k.min_low(s), k.sum_volume(s)),
                None => (simd::max_high(s), simd::min_low(s), simd::sum_volume(s)),
            };
            same_bits("max_high", max, oracle_max(highs()), &ctx);
            same_bits("min_low", min, oracle_min(lows()), &ctx);
            same_bits("sum_volume", sum, oracle_sum(vols()), &ctx);
            if kernels.is_none() {
                same_bar(simd::fold(s), oracle_fold(s), &ctx);
                let opens = s.iter().map(|b| b.open);
                let closes = s.iter().map(|b| b.close);
                same_bits("first_open", simd::first_open(s), oracle_first(opens), &ctx);
                same_bits("last_close", simd::last_close(s), oracle_last(closes), &ctx);
                let kahan = simd::sum_volume_kahan(s);
                same_bits("sum_volume_kahan", kahan, oracle_kahan(vols()), &ctx);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

#[test]
fn every_backend_matches_the_oracle_on_every_length_and_offset() {
    let backends = available();
    eprintln!(
        "backends tested: {:?}",
        backends.iter().map(|k| k.backend()).collect::<Vec<_>>()
    );
    for (p, profile) in PROFILES.into_iter().enumerate() {
        let data = bars(0x5eed_0000 + p as u64, 515 + 8, profile);
        for k in &backends {
            check_all_slices(&data, Some(k), &format!("{} on {profile:?}", k.backend()));
        }
    }
}

#[test]
fn dispatched_functions_match_the_oracle_on_every_length_and_offset() {
    for (p, profile) in PROFILES.into_iter().enumerate() {
        let data = bars(0xd15_0000 + p as u64, 515 + 8, profile);
        check_all_slices(&data, None, &format!("dispatch on {profile:?}"));
    }
}

#[test]
fn many_random_seeds_at_vector_boundaries() {
    // Lengths around multiples of 2, 4 and 8 lanes, for many seeds: cheap and broad.
    let backends = available();
    for seed in 0..200u64 {
        let profile = PROFILES[seed as usize % PROFILES.len()];
        let len = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65][seed as usize % 13];
        let data = bars(seed, len, profile);
        for k in &backends {
            let ctx = || format!("{} seed {seed} {profile:?} len {len}", k.backend());
            same_bits(
                "max_high",
                k.max_high(&data),
                oracle_max(data.iter().map(|b| b.high)),
                &ctx,
            );
            same_bits(
                "min_low",
                k.min_low(&data),
                oracle_min(data.iter().map(|b| b.low)),
                &ctx,
            );
            same_bits(
                "sum_volume",
                k.sum_volume(&data),
                oracle_sum(data.iter().map(|b| b.volume)),
                &ctx,
            );
        }
        let ctx = || format!("seed {seed} {profile:?} len {len}");
        same_bar(simd::fold(&data), oracle_fold(&data), &ctx);
    }
}

fn bar_with(high: f64, low: f64, volume: f64) -> Bar {
    Bar::new(0, 1.0, high, low, 1.0, volume)
}

#[test]
fn empty_and_all_nan_follow_the_nan_policy() {
    let nan = f64::NAN;
    let all_nan: Vec<Bar> = (0..40)
        .map(|_| Bar::new(7, nan, nan, nan, nan, nan))
        .collect();
    for k in available() {
        let b = k.backend();
        assert!(k.max_high(&[]).is_nan(), "{b}");
        assert!(k.min_low(&[]).is_nan(), "{b}");
        assert_eq!(k.sum_volume(&[]).to_bits(), 0.0_f64.to_bits(), "{b}");
        for n in [1, 8, 17, 40] {
            let s = &all_nan[..n];
            assert!(k.max_high(s).is_nan(), "{b} {n}");
            assert!(k.min_low(s).is_nan(), "{b} {n}");
            assert_eq!(k.sum_volume(s).to_bits(), 0.0_f64.to_bits(), "{b} {n}");
        }
    }
    assert_eq!(simd::fold(&[]), None);
    for n in [1, 8, 17, 40] {
        let f = simd::fold(&all_nan[..n]).expect("non-empty");
        assert_eq!(f.ts, 7);
        assert!(f.open.is_nan() && f.high.is_nan() && f.low.is_nan() && f.close.is_nan());
        assert_eq!(f.volume.to_bits(), 0.0_f64.to_bits(), "{n}");
    }
    assert!(simd::first_open(&[]).is_nan());
    assert!(simd::last_close(&all_nan).is_nan());
    assert_eq!(simd::sum_volume_kahan(&[]).to_bits(), 0.0_f64.to_bits());
    assert_eq!(
        simd::sum_volume_kahan(&all_nan).to_bits(),
        0.0_f64.to_bits()
    );
}

#[test]
fn infinities_are_ordinary_values() {
    let inf = f64::INFINITY;
    for n in [1, 9, 33] {
        let only_neg_inf = vec![bar_with(-inf, inf, 1.0); n];
        for k in available() {
            let b = k.backend();
            assert_eq!(k.max_high(&only_neg_inf), -inf, "{b} {n}");
            assert_eq!(k.min_low(&only_neg_inf), inf, "{b} {n}");
        }
    }
    let mixed: Vec<Bar> = [inf, 1.0, -inf, 2.0]
        .iter()
        .cycle()
        .take(20)
        .map(|&v| bar_with(v, v, v))
        .collect();
    for k in available() {
        assert_eq!(k.max_high(&mixed), inf);
        assert_eq!(k.min_low(&mixed), -inf);
        assert!(k.sum_volume(&mixed).is_nan());
    }
    // Kahan around infinities: the compensation is reset, not propagated.
    let v = |xs: &[f64]| {
        xs.iter()
            .map(|&x| bar_with(1.0, 1.0, x))
            .collect::<Vec<_>>()
    };
    assert_eq!(simd::sum_volume_kahan(&v(&[inf, 1.0, 2.0])), inf);
    assert!(simd::sum_volume_kahan(&v(&[inf, -inf])).is_nan());
    // 1e308 + 1e308 overflows and leaves an infinite compensation, which pandas (3.0 and
    // later) resets, so the sum stays inf; only an infinite value of the other sign makes it
    // NaN. (pandas 3.1.1: inf and NaN for these two groups.)
    assert_eq!(simd::sum_volume_kahan(&v(&[1e308, 1e308, -1e308])), inf);
    assert!(simd::sum_volume_kahan(&v(&[1e308, 1e308, 1.0, -inf])).is_nan());
}

#[test]
fn signed_zero_extremes_return_the_first_zero() {
    // pandas keeps the first of equal values: max([-0.0, 0.0]) is -0.0, max([0.0, -0.0]) is 0.0.
    for n in [2, 9, 16, 17, 64, 100] {
        for first_negative in [false, true] {
            for zero_at in [0, n / 2, n - 1] {
                let z = if first_negative { -0.0 } else { 0.0 };
                // Every other value is the opposite zero or a NaN/-1 (max) / +1 (min).
                let data: Vec<Bar> = (0..n)
                    .map(|i| {
                        if i == zero_at {
                            bar_with(z, z, 0.0)
                        } else if i < zero_at {
                            bar_with(-1.0, 1.0, 0.0)
                        } else {
                            bar_with(-z, -z, f64::NAN)
                        }
                    })
                    .collect();
                for k in available() {
                    let ctx = || format!("{} n {n} zero at {zero_at}", k.backend());
                    same_bits("max_high", k.max_high(&data), z, &ctx);
                    same_bits("min_low", k.min_low(&data), z, &ctx);
                }
                let ctx = || format!("fold n {n} zero at {zero_at}");
                let f = simd::fold(&data).expect("non-empty");
                same_bits("fold high", f.high, z, &ctx);
                same_bits("fold low", f.low, z, &ctx);
            }
        }
    }
}

#[test]
fn kahan_golden_ten_tenths() {
    let bars = vec![bar_with(1.0, 1.0, 0.1); 10];
    let naive: f64 = bars.iter().map(|b| b.volume).sum();
    assert_eq!(naive, 0.9999999999999999, "a plain loop loses the last bit");
    assert_eq!(simd::sum_volume_kahan(&bars), 1.0);
    assert_eq!(simd::fold(&bars).map(|b| b.volume), Some(1.0));
}

#[test]
fn sum_volume_uses_the_documented_association() {
    // Ones next to ±1e16 (whose spacing is 2) are lost or kept depending on the order of the
    // additions. In the fixed association, 1e16 sits in partial sum 0 and -1e16 in partial
    // sum 4, so the four ones that share their partial sums are lost: 24 - 2 - 4 = 18.
    let mut data = vec![bar_with(1.0, 1.0, 1.0); 24];
    data[0].volume = 1e16;
    data[4].volume = -1e16;
    let want = oracle_sum(data.iter().map(|b| b.volume));
    assert_eq!(want, 18.0);
    for k in available() {
        assert_eq!(k.sum_volume(&data), want, "{}", k.backend());
    }
    // A left-to-right loop loses only the three ones added while 1e16 was in the sum.
    let naive: f64 = data.iter().map(|b| b.volume).sum();
    assert_eq!(naive, 19.0);
}

#[test]
fn backend_reporting_and_availability() {
    let chosen = simd::backend();
    let k = simd::kernels(chosen).expect("the dispatched backend is available");
    assert_eq!(k.backend(), chosen);
    assert!(chosen.is_available());
    assert!(simd::kernels(Backend::Scalar).is_some());
    assert!(simd::kernels(Backend::Wide).is_some());
    assert_eq!(chosen.to_string(), chosen.name());
    #[cfg(all(target_arch = "x86_64", feature = "std"))]
    {
        assert_eq!(
            simd::kernels(Backend::Avx2).is_some(),
            std::is_x86_feature_detected!("avx2")
        );
        assert_eq!(
            simd::kernels(Backend::Avx512).is_some(),
            std::is_x86_feature_detected!("avx512f")
        );
        if std::is_x86_feature_detected!("avx512f") {
            assert_eq!(chosen, Backend::Avx512);
        } else if std::is_x86_feature_detected!("avx2") {
            assert_eq!(chosen, Backend::Avx2);
        }
        if !std::is_x86_feature_detected!("avx512f") {
            eprintln!("note: this CPU has no AVX-512F; the avx512 kernels were not run");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Differential test against pandas.

/// Runs pandas' Cython group kernels on `columns` (each a list of f64 bit patterns) and returns,
/// per column, the bits of `[sum, max, min, first, last]`. The column is interleaved with a
/// second group so that the group labels are not sorted: pandas 3.1 sends sorted, NaN-free
/// groups to NumPy's `reduceat` (not compensated) and only unsorted or NaN-holding groups to
/// the compensated Cython kernel that the pipeline's resample used.
fn pandas_aggregates(columns: &[Vec<f64>]) -> Option<Vec<[u64; 5]>> {
    use std::io::Write;
    use std::process::Command;

    const SCRIPT: &str = r#"
import sys
import numpy as np
import pandas as pd
out = []
for line in open(sys.argv[1]):
    words = line.split()
    vals = np.array([int(w, 16) for w in words], dtype=np.uint64).view(np.float64)
    n = len(vals)
    data = np.empty(2 * n)
    data[0::2] = vals
    data[1::2] = 1.0
    labels = np.tile([0, 1], n)
    g = pd.Series(data).groupby(labels)
    row = []
    for how in ("sum", "max", "min", "first", "last"):
        r = np.float64(getattr(g, how)().loc[0])
        row.append("%016x" % r.view(np.uint64))
    out.append(" ".join(row))
print("\n".join(out))
"#;
    let probe = Command::new("python3")
        .args(["-c", "import pandas, numpy"])
        .output();
    if !matches!(probe, Ok(ref o) if o.status.success()) {
        let why = "python3 with pandas and numpy is not available";
        assert!(
            std::env::var_os("CI").is_none(),
            "{why} (required when CI is set)"
        );
        eprintln!("skipping the pandas differential test: {why}");
        return None;
    }
    let path = std::env::temp_dir().join(format!("ohlcv-reductions-{}.txt", std::process::id()));
    let mut file = std::fs::File::create(&path).expect("create temp file");
    for col in columns {
        let words: Vec<String> = col
            .iter()
            .map(|v| format!("{:016x}", v.to_bits()))
            .collect();
        writeln!(file, "{}", words.join(" ")).expect("write temp file");
    }
    drop(file);
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(&path)
        .output()
        .expect("run python3");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "pandas script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rows: Vec<[u64; 5]> = text
        .lines()
        .map(|line| {
            let v: Vec<u64> = line
                .split_whitespace()
                .map(|w| u64::from_str_radix(w, 16).expect("hex"))
                .collect();
            v.try_into().expect("five results per column")
        })
        .collect();
    assert_eq!(rows.len(), columns.len());
    Some(rows)
}

#[test]
fn matches_pandas_cython_group_kernels() {
    let mut rng = Rng(0xfeed_beef);
    let mut columns: Vec<Vec<f64>> = Vec::new();
    for case in 0..60 {
        let n = 1 + rng.below(400);
        let col = (0..n)
            .map(|_| match case % 6 {
                // Volumes of wildly different magnitudes: Kahan and a plain loop disagree.
                0 => rng.unit() * 10f64.powi(rng.below(24) as i32 - 8),
                // Prices with NaN gaps and signed zeros.
                1 => rng.pick(&[f64::NAN, 0.0, -0.0, 1.25, 1.5, -2.0]),
                // Everything special.
                2 => {
                    if rng.below(3) == 0 {
                        rng.pick(&SPECIALS)
                    } else {
                        (rng.unit() - 0.5) * 1e6
                    }
                }
                // Partial sums that overflow: the compensation becomes infinite.
                4 => rng.pick(&[f64::MAX, -f64::MAX, 1e308, -1e308, 1.0, f64::NAN]),
                // Many tenths (the golden case, at scale) and a NaN now and then.
                _ => {
                    if rng.below(50) == 0 {
                        f64::NAN
                    } else {
                        0.1 * (1 + rng.below(9)) as f64
                    }
                }
            })
            .collect();
        columns.push(col);
    }
    columns.push(vec![0.1; 10]);
    let Some(rows) = pandas_aggregates(&columns) else {
        return;
    };
    for (i, (col, want)) in columns.iter().zip(&rows).enumerate() {
        let bars: Vec<Bar> = col
            .iter()
            .enumerate()
            .map(|(j, &v)| Bar::new(j as u64, v, v, v, v, v))
            .collect();
        let ctx = || format!("column {i} (len {})", col.len());
        let w = |k: usize| f64::from_bits(want[k]);
        same_bits(
            "sum_volume_kahan",
            simd::sum_volume_kahan(&bars),
            w(0),
            &ctx,
        );
        same_bits("max_high", simd::max_high(&bars), w(1), &ctx);
        same_bits("min_low", simd::min_low(&bars), w(2), &ctx);
        same_bits("first_open", simd::first_open(&bars), w(3), &ctx);
        same_bits("last_close", simd::last_close(&bars), w(4), &ctx);
        let f = simd::fold(&bars).expect("non-empty");
        same_bits("fold open", f.open, w(3), &ctx);
        same_bits("fold high", f.high, w(1), &ctx);
        same_bits("fold low", f.low, w(2), &ctx);
        same_bits("fold close", f.close, w(4), &ctx);
        same_bits("fold volume", f.volume, w(0), &ctx);
        for k in available() {
            let ctx = || format!("{} column {i}", k.backend());
            same_bits("max_high", k.max_high(&bars), w(1), &ctx);
            same_bits("min_low", k.min_low(&bars), w(2), &ctx);
        }
    }
    assert_eq!(f64::from_bits(rows.last().expect("golden row")[0]), 1.0);
}
