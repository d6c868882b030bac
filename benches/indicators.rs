//! Indicator throughput on a 10 M-bar series, side by side with TA-Lib.
//!
//! `cargo bench --bench indicators` first writes the series to a temporary directory and, when
//! `python3` with `talib` is available, runs `benches/talib_bench.py` on it, printing TA-Lib's
//! ns/bar for the same indicators (set `OHLCV_BENCH_TALIB=0` to skip). Criterion then measures
//! this crate: single series from `&[f64]` columns, single series straight from `&[Bar]`, and
//! the many-series path (four series in SIMD lanes; the reported time covers all four, so divide
//! by four for ns per series-bar). Criterion's throughput line gives elements (bars) per second.

use criterion::{Criterion, Throughput};
use ohlcv::Bar;
use ohlcv::indicators::*;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const N: usize = 10_000_000;

/// One series: high, low, close, volume columns and the same bars.
struct Data {
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
    bars: Vec<Bar>,
}

fn splitmix(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

/// A random walk of `N` 1-minute bars around 100 (FX-like), seeded.
fn make(seed: u64) -> Data {
    let mut s = seed;
    let mut d = Data {
        high: Vec::with_capacity(N),
        low: Vec::with_capacity(N),
        close: Vec::with_capacity(N),
        volume: Vec::with_capacity(N),
        bars: Vec::with_capacity(N),
    };
    let mut price = 100.0f64;
    for i in 0..N {
        let o = price;
        let c = o * (1.0 + 0.002 * (splitmix(&mut s) - 0.5));
        let h = o.max(c) * (1.0 + 0.0005 * splitmix(&mut s));
        let l = o.min(c) * (1.0 - 0.0005 * splitmix(&mut s));
        let v = (1000.0 * splitmix(&mut s)).round();
        price = c;
        d.high.push(h);
        d.low.push(l);
        d.close.push(c);
        d.volume.push(v);
        d.bars.push(Bar::new(
            1_577_836_800_000 + 60_000 * i as u64,
            o,
            h,
            l,
            c,
            v,
        ));
    }
    d
}

fn data() -> &'static [Data; 4] {
    static D: OnceLock<[Data; 4]> = OnceLock::new();
    D.get_or_init(|| [make(1), make(2), make(3), make(4)])
}

/// Runs the TA-Lib timing script on series 0, in this same run.
fn talib_side_by_side() {
    if std::env::var("OHLCV_BENCH_TALIB").is_ok_and(|v| v == "0") {
        return;
    }
    let d = &data()[0];
    let dir = std::env::temp_dir().join(format!("ohlcv-ind-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for (name, col) in [
        ("high", &d.high),
        ("low", &d.low),
        ("close", &d.close),
        ("volume", &d.volume),
    ] {
        let bytes: Vec<u8> = col.iter().flat_map(|x| x.to_le_bytes()).collect();
        let _ = std::fs::write(dir.join(format!("{name}.f64")), bytes);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/talib_bench.py");
    match Command::new("python3").arg(&script).arg(&dir).output() {
        Ok(out) if out.status.success() => {
            println!("TA-Lib on the same {N}-bar series (ns/bar, best of 5):");
            print!("{}", String::from_utf8_lossy(&out.stdout));
        }
        _ => println!("TA-Lib comparison skipped (python3 with talib not available)"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

fn single(c: &mut Criterion) {
    talib_side_by_side();
    let d = &data()[0];
    let (h, l, cl, v) = (&d.high[..], &d.low[..], &d.close[..], &d.volume[..]);
    let mut o1 = vec![0.0; N];
    let mut o2 = vec![0.0; N];
    let mut o3 = vec![0.0; N];
    let mut g = c.benchmark_group("single");
    g.throughput(Throughput::Elements(N as u64));
    macro_rules! one {
        ($name:expr, $body:expr) => {
            g.bench_function($name, |b| b.iter(|| black_box($body)));
        };
    }
    let sma = Sma::new(20).unwrap();
    one!("SMA(20)", sma.compute(cl, &mut o1));
    let ema = Ema::new(20).unwrap();
    one!("EMA(20)", ema.compute(cl, &mut o1));
    let wma = Wma::new(20).unwrap();
    one!("WMA(20)", wma.compute(cl, &mut o1));
    let dema = Dema::new(20).unwrap();
    one!("DEMA(20)", dema.compute(cl, &mut o1));
    let tema = Tema::new(20).unwrap();
    one!("TEMA(20)", tema.compute(cl, &mut o1));
    let rsi = Rsi::new(14).unwrap();
    one!("RSI(14)", rsi.compute(cl, &mut o1));
    let macd = Macd::new(12, 26, 9).unwrap();
    one!("MACD(12,26,9)", macd.compute(cl, &mut o1, &mut o2, &mut o3));
    let bb = Bbands::new(20, 2.0, 2.0).unwrap();
    one!("BBANDS(20,2,2)", bb.compute(cl, &mut o1, &mut o2, &mut o3));
    let sd = Stddev::new(20, 1.0).unwrap();
    one!("STDDEV(20)", sd.compute(cl, &mut o1));
    one!("TRANGE", TrueRange.compute(h, l, cl, &mut o1));
    let atr = Atr::new(14).unwrap();
    one!("ATR(14)", atr.compute(h, l, cl, &mut o1));
    let stoch = Stoch::new(5, 3, 3).unwrap();
    one!("STOCH(5,3,3)", stoch.compute(h, l, cl, &mut o1, &mut o2));
    let willr = WillR::new(14).unwrap();
    one!("WILLR(14)", willr.compute(h, l, cl, &mut o1));
    let cci = Cci::new(20).unwrap();
    one!("CCI(20)", cci.compute(h, l, cl, &mut o1));
    let adx = Adx::new(14).unwrap();
    one!(
        "ADX(14)+DI",
        adx.compute(h, l, cl, &mut o1, &mut o2, &mut o3)
    );
    let mfi = Mfi::new(14).unwrap();
    one!("MFI(14)", mfi.compute(h, l, cl, v, &mut o1));
    one!("OBV", Obv.compute(cl, v, &mut o1));
    let roc = Roc::new(10).unwrap();
    one!("ROC(10)", roc.compute(cl, &mut o1));
    let mom = Mom::new(10).unwrap();
    one!("MOM(10)", mom.compute(cl, &mut o1));
    let max = Max::new(20).unwrap();
    one!("MAX(20)", max.compute(cl, &mut o1));
    let don = Donchian::new(20).unwrap();
    one!("DONCHIAN(20)", don.compute(h, l, &mut o1, &mut o2, &mut o3));
    g.finish();
}

fn bars(c: &mut Criterion) {
    let d = &data()[0];
    let b = &d.bars[..];
    let ts: Vec<u64> = b.iter().map(|x| x.ts).collect();
    let mut o1 = vec![0.0; N];
    let mut o2 = vec![0.0; N];
    let mut o3 = vec![0.0; N];
    let mut g = c.benchmark_group("bars");
    g.throughput(Throughput::Elements(N as u64));
    let sma = Sma::new(20).unwrap();
    g.bench_function("SMA(20)", |x| x.iter(|| sma.compute(b.closes(), &mut o1)));
    let ema = Ema::new(20).unwrap();
    g.bench_function("EMA(20)", |x| x.iter(|| ema.compute(b.closes(), &mut o1)));
    let rsi = Rsi::new(14).unwrap();
    g.bench_function("RSI(14)", |x| x.iter(|| rsi.compute(b.closes(), &mut o1)));
    let macd = Macd::new(12, 26, 9).unwrap();
    g.bench_function("MACD(12,26,9)", |x| {
        x.iter(|| macd.compute(b.closes(), &mut o1, &mut o2, &mut o3))
    });
    let bb = Bbands::new(20, 2.0, 2.0).unwrap();
    g.bench_function("BBANDS(20,2,2)", |x| {
        x.iter(|| bb.compute(b.closes(), &mut o1, &mut o2, &mut o3))
    });
    let atr = Atr::new(14).unwrap();
    g.bench_function("ATR(14)", |x| {
        x.iter(|| atr.compute(b.highs(), b.lows(), b.closes(), &mut o1))
    });
    let stoch = Stoch::new(5, 3, 3).unwrap();
    g.bench_function("STOCH(5,3,3)", |x| {
        x.iter(|| stoch.compute(b.highs(), b.lows(), b.closes(), &mut o1, &mut o2))
    });
    g.bench_function("OBV", |x| {
        x.iter(|| Obv.compute(b.closes(), b.volumes(), &mut o1))
    });
    g.bench_function("VWAP", |x| {
        x.iter(|| {
            Vwap.compute(
                b.stamps(),
                b.highs(),
                b.lows(),
                b.closes(),
                b.volumes(),
                &mut o1,
            )
        })
    });
    g.bench_function("VWAP (columns)", |x| {
        x.iter(|| {
            Vwap.compute(
                &ts[..],
                &d.high[..],
                &d.low[..],
                &d.close[..],
                &d.volume[..],
                &mut o1,
            )
        })
    });
    g.finish();
}

/// Four series at once. Times cover the four series: ns per series-bar = time / (4 · bars).
fn many(c: &mut Criterion) {
    let d = data();
    let mut outs: Vec<Vec<f64>> = (0..12).map(|_| vec![0.0; N]).collect();
    let closes: Vec<&[f64]> = d.iter().map(|x| &x.close[..]).collect();
    let hlc: Vec<(&[f64], &[f64], &[f64])> = d
        .iter()
        .map(|x| (&x.high[..], &x.low[..], &x.close[..]))
        .collect();
    let mut g = c.benchmark_group("many");
    g.throughput(Throughput::Elements(4 * N as u64));
    {
        let (o, _) = outs.split_at_mut(4);
        let mut r: Vec<&mut [f64]> = o.iter_mut().map(|v| &mut v[..]).collect();
        let ema = [Ema::new(20).unwrap()];
        g.bench_function("EMA(20) x4 symbols", |b| {
            b.iter(|| Ema::compute_many(&ema, &closes, &mut r))
        });
        let emas = [10, 20, 50, 100].map(|p| Ema::new(p).unwrap());
        g.bench_function("EMA(10,20,50,100) one symbol", |b| {
            b.iter(|| Ema::compute_many(&emas, &closes[..1], &mut r))
        });
        let rsi = [Rsi::new(14).unwrap()];
        g.bench_function("RSI(14) x4 symbols", |b| {
            b.iter(|| Rsi::compute_many(&rsi, &closes, &mut r))
        });
        let atr = [Atr::new(14).unwrap()];
        g.bench_function("ATR(14) x4 symbols", |b| {
            b.iter(|| Atr::compute_many(&atr, &hlc, &mut r))
        });
    }
    {
        let (a, rest) = outs.split_at_mut(4);
        let (bb, cc) = rest.split_at_mut(4);
        let mut m: Vec<&mut [f64]> = a.iter_mut().map(|v| &mut v[..]).collect();
        let mut s: Vec<&mut [f64]> = bb.iter_mut().map(|v| &mut v[..]).collect();
        let mut h: Vec<&mut [f64]> = cc.iter_mut().map(|v| &mut v[..]).collect();
        let macd = [Macd::new(12, 26, 9).unwrap()];
        g.bench_function("MACD(12,26,9) x4 symbols", |b| {
            b.iter(|| Macd::compute_many(&macd, &closes, &mut m, &mut s, &mut h))
        });
    }
    g.finish();

    // The same on cache-resident series (4 × 4 Ki bars, all streams in L2), where memory
    // bandwidth no longer caps the lanes; single-series times on the same data for the ratio.
    const M: usize = 4 * 1024;
    let small: Vec<&[f64]> = d.iter().map(|x| &x.close[..M]).collect();
    let small_hlc: Vec<(&[f64], &[f64], &[f64])> = d
        .iter()
        .map(|x| (&x.high[..M], &x.low[..M], &x.close[..M]))
        .collect();
    let mut outs: Vec<Vec<f64>> = (0..12).map(|_| vec![0.0; M]).collect();
    let mut g = c.benchmark_group("in-cache");
    g.throughput(Throughput::Elements(4 * M as u64));
    {
        let mut r: Vec<&mut [f64]> = outs[..4].iter_mut().map(|v| &mut v[..]).collect();
        let ema = Ema::new(20).unwrap();
        g.bench_function("EMA(20) x4 symbols", |b| {
            b.iter(|| Ema::compute_many(&[ema], &small, &mut r))
        });
        g.bench_function("EMA(20) 4 single calls", |b| {
            b.iter(|| {
                for (x, o) in small.iter().zip(r.iter_mut()) {
                    let _ = ema.compute(*x, o);
                }
            })
        });
        let rsi = Rsi::new(14).unwrap();
        g.bench_function("RSI(14) x4 symbols", |b| {
            b.iter(|| Rsi::compute_many(&[rsi], &small, &mut r))
        });
        g.bench_function("RSI(14) 4 single calls", |b| {
            b.iter(|| {
                for (x, o) in small.iter().zip(r.iter_mut()) {
                    let _ = rsi.compute(*x, o);
                }
            })
        });
        let atr = Atr::new(14).unwrap();
        g.bench_function("ATR(14) x4 symbols", |b| {
            b.iter(|| Atr::compute_many(&[atr], &small_hlc, &mut r))
        });
        g.bench_function("ATR(14) 4 single calls", |b| {
            b.iter(|| {
                for (x, o) in small_hlc.iter().zip(r.iter_mut()) {
                    let _ = atr.compute(x.0, x.1, x.2, o);
                }
            })
        });
    }
    {
        let (a, rest) = outs.split_at_mut(4);
        let (bb, cc) = rest.split_at_mut(4);
        let mut m: Vec<&mut [f64]> = a.iter_mut().map(|v| &mut v[..]).collect();
        let mut s: Vec<&mut [f64]> = bb.iter_mut().map(|v| &mut v[..]).collect();
        let mut h: Vec<&mut [f64]> = cc.iter_mut().map(|v| &mut v[..]).collect();
        let macd = Macd::new(12, 26, 9).unwrap();
        g.bench_function("MACD(12,26,9) x4 symbols", |b| {
            b.iter(|| Macd::compute_many(&[macd], &small, &mut m, &mut s, &mut h))
        });
        g.bench_function("MACD(12,26,9) 4 single calls", |b| {
            b.iter(|| {
                for k in 0..4 {
                    let _ = macd.compute(small[k], m[k], s[k], h[k]);
                }
            })
        });
    }
    g.finish();
}

fn main() {
    let mut c = config().configure_from_args();
    single(&mut c);
    bars(&mut c);
    many(&mut c);
    c.final_summary();
}
