//! The indicators' C ABI from Rust: every `ohlcv_ind_<name>` batch call equals the Rust API bit
//! for bit (hence TA-Lib, which `indicators_talib.rs` checks against the Rust API), in place as
//! well; every lookback agrees with the Rust one and with the leading NaNs; the many-series
//! calls equal the single-series ones lane by lane; every streaming state reproduces the batch
//! output bar by bar, peeks without changing anything, resets, and continues bitwise
//! identically after its bytes are copied away and back; and the error paths (bad parameters,
//! NULL, misaligned, overflowing and overlapping buffers, foreign or uninitialised states)
//! return their status with a message and leave the outputs untouched.
#![allow(clippy::undocumented_unsafe_blocks)] // every call below is an FFI call with valid or deliberately invalid arguments

mod common;

use common::Rng;
use ohlcv::ffi::*;
use ohlcv::indicators::*;
use std::ffi::{CStr, c_char};
use std::ptr::{null, null_mut};

const OK: ohlcv_status = ohlcv_status::Ok;
const TALIB: i32 = ohlcv_convention::Talib as i32;
const PANDAS: i32 = ohlcv_convention::Pandas as i32;

fn last_error() -> String {
    let mut buf = vec![0 as c_char; 1024];
    let mut n = 0usize;
    assert_eq!(
        unsafe { ohlcv_last_error_message(buf.as_mut_ptr(), buf.len(), &mut n) },
        OK
    );
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_str()
        .unwrap()
        .to_owned()
}

#[track_caller]
fn ok(st: ohlcv_status) {
    assert_eq!(st, OK, "{}", last_error());
}

/// `st` is `want` and the last error message contains every needle.
#[track_caller]
fn fails(st: ohlcv_status, want: ohlcv_status, needles: &[&str]) {
    assert_eq!(st, want, "last error: {}", last_error());
    let msg = last_error();
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} lacks {n:?}");
    }
}

/// Bit-identical, NaN matching NaN.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[track_caller]
fn assert_same(what: &str, a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(same(*x, *y), "{what}[{i}]: {x:?} != {y:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Data

/// Bar columns.
struct Data {
    ts: Vec<u64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
}

impl Data {
    fn len(&self) -> usize {
        self.close.len()
    }

    /// A random walk with flat stretches (some without volume), 1-minute bars with holes that
    /// cross UTC days, and, with `gaps`, a few non-finite inputs (a gap restarts indicators).
    fn walk(n: usize, seed: u64, gaps: bool) -> Data {
        let mut rng = Rng(seed);
        let (mut ts, mut price, mut flat) = (1_704_150_000_000u64, 100.0, 0);
        let mut d = Data {
            ts: vec![],
            high: vec![],
            low: vec![],
            close: vec![],
            volume: vec![],
        };
        for i in 0..n {
            ts += 60_000 * if rng.below(40) == 0 { 97 } else { 1 };
            if i > 60 && flat == 0 && rng.below(80) == 0 {
                flat = 3 + rng.below(20);
            }
            let (h, l, c, v);
            if flat > 0 {
                flat -= 1;
                (h, l, c) = (price, price, price);
                v = if rng.below(2) == 0 { 0.0 } else { 5.0 };
            } else {
                c = price * (1.0 + 0.01 * (rng.f64() - 0.5));
                h = price.max(c) * (1.0 + 0.003 * rng.f64());
                l = price.min(c) * (1.0 - 0.003 * rng.f64());
                v = (rng.f64() * 1000.0).round() + 1.0;
                price = c;
            }
            d.ts.push(ts);
            d.high.push(h);
            d.low.push(l);
            d.close.push(c);
            d.volume.push(v);
        }
        if gaps {
            let at = |f: usize| n * f / 100;
            d.close[at(21)] = f64::NAN;
            d.high[at(43)] = f64::INFINITY;
            d.low[at(43) + 1] = f64::NAN;
            d.volume[at(64)] = f64::NAN;
            d.close[at(64) + 1] = f64::NEG_INFINITY;
        }
        d
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming driver

/// Runs a C state over bars `0..n` and returns its outputs. Along the way: each peek equals the
/// following update and leaves the state unchanged; the state's bytes copied away at `save`
/// and back after the run continue bitwise identically (same outputs, same final bytes); and a
/// reset state replays the start like a fresh one.
#[allow(clippy::needless_range_loop)] // bar `i` indexes the callbacks' inputs and every output
fn stream<S: Copy + PartialEq, const K: usize>(
    n: usize,
    save: usize,
    init: impl Fn(*mut S) -> ohlcv_status,
    update: impl Fn(*mut S, usize, &mut [f64; K]) -> ohlcv_status,
    peek: impl Fn(*const S, usize, &mut [f64; K]) -> ohlcv_status,
    reset: impl Fn(*mut S) -> ohlcv_status,
) -> [Vec<f64>; K] {
    // SAFETY of `zeroed`: the states are integers only; `init` overwrites them anyway.
    let mut st: S = unsafe { std::mem::zeroed() };
    ok(init(&mut st));
    let mut outs: [Vec<f64>; K] = std::array::from_fn(|_| Vec::with_capacity(n));
    let mut saved = Vec::new();
    for i in 0..n {
        if i == save {
            // The bytes, as a program would write them to a file.
            let p = (&st as *const S).cast::<u8>();
            saved = unsafe { std::slice::from_raw_parts(p, size_of::<S>()) }.to_vec();
        }
        let before = st;
        let mut peeked = [f64::NAN; K];
        ok(peek(&st, i, &mut peeked));
        assert!(st == before, "peek changed the state at bar {i}");
        let mut y = [f64::NAN; K];
        ok(update(&mut st, i, &mut y));
        for k in 0..K {
            assert!(
                same(peeked[k], y[k]),
                "peek {k} at bar {i}: {} {}",
                peeked[k],
                y[k]
            );
            outs[k].push(y[k]);
        }
    }
    let end = st;
    // Restore the saved bytes into a fresh value and replay from `save`.
    let mut restored: S = unsafe { std::mem::zeroed() };
    unsafe {
        std::ptr::copy_nonoverlapping(
            saved.as_ptr(),
            (&mut restored as *mut S).cast::<u8>(),
            size_of::<S>(),
        )
    };
    for i in save..n {
        let mut y = [f64::NAN; K];
        ok(update(&mut restored, i, &mut y));
        for k in 0..K {
            assert!(same(outs[k][i], y[k]), "restored output {k} at bar {i}");
        }
    }
    assert!(restored == end, "the restored state ends with other bytes");
    // A reset state replays the beginning like a fresh one.
    ok(reset(&mut st));
    for i in 0..n.min(120) {
        let mut y = [f64::NAN; K];
        ok(update(&mut st, i, &mut y));
        for k in 0..K {
            assert!(same(outs[k][i], y[k]), "after reset, output {k} at bar {i}");
        }
    }
    outs
}

// ---------------------------------------------------------------------------------------------
// The cases: one per indicator (and convention)

type Outs = Vec<Vec<f64>>;

struct Case {
    name: &'static str,
    /// The batch C function.
    c: fn(&Data) -> Outs,
    /// The Rust API.
    rust: fn(&Data) -> Outs,
    /// The C streaming state (through [`stream`], saving at the given bar).
    stream: fn(&Data, usize) -> Outs,
    /// The C lookback of each output, and the Rust one.
    lookback: fn() -> (Vec<usize>, Vec<usize>),
}

fn zeros(d: &Data, k: usize) -> Outs {
    vec![vec![0.0; d.len()]; k]
}

fn lb(f: impl FnOnce(*mut usize) -> ohlcv_status) -> usize {
    let mut v = usize::MAX;
    ok(f(&mut v));
    v
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "sma",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_sma(d.close.as_ptr(), d.len(), 10, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Sma::new(10)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_sma_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_sma_init(10, st) },
                    |st, i, y| unsafe { ohlcv_ind_sma_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_sma_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_sma_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_sma_lookback(10, o) })],
                    vec![Sma::new(10).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "ema",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_ema(d.close.as_ptr(), d.len(), 10, TALIB, o[0].as_mut_ptr())
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Ema::new(10)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_ema_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_ema_init(10, TALIB, st) },
                    |st, i, y| unsafe { ohlcv_ind_ema_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_ema_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_ema_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_ema_lookback(10, TALIB, o) })],
                    vec![Ema::new(10).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "ema pandas",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_ema(d.close.as_ptr(), d.len(), 10, PANDAS, o[0].as_mut_ptr())
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Ema::new(10)
                    .unwrap()
                    .with_convention(Convention::Pandas)
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_ema_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_ema_init(10, PANDAS, st) },
                    |st, i, y| unsafe { ohlcv_ind_ema_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_ema_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_ema_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_ema_lookback(10, PANDAS, o) })],
                    vec![0],
                )
            },
        },
        Case {
            name: "wma",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_wma(d.close.as_ptr(), d.len(), 7, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Wma::new(7)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_wma_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_wma_init(7, st) },
                    |st, i, y| unsafe { ohlcv_ind_wma_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_wma_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_wma_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_wma_lookback(7, o) })],
                    vec![Wma::new(7).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "dema",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_dema(d.close.as_ptr(), d.len(), 6, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Dema::new(6)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_dema_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_dema_init(6, st) },
                    |st, i, y| unsafe { ohlcv_ind_dema_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_dema_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_dema_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_dema_lookback(6, o) })],
                    vec![Dema::new(6).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "tema",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_tema(d.close.as_ptr(), d.len(), 5, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Tema::new(5)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_tema_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_tema_init(5, st) },
                    |st, i, y| unsafe { ohlcv_ind_tema_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_tema_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_tema_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_tema_lookback(5, o) })],
                    vec![Tema::new(5).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "rsi",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_rsi(d.close.as_ptr(), d.len(), 9, TALIB, o[0].as_mut_ptr())
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Rsi::new(9)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_rsi_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_rsi_init(9, TALIB, st) },
                    |st, i, y| unsafe { ohlcv_ind_rsi_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_rsi_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_rsi_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_rsi_lookback(9, TALIB, o) })],
                    vec![Rsi::new(9).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "rsi pandas",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_rsi(d.close.as_ptr(), d.len(), 9, PANDAS, o[0].as_mut_ptr())
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Rsi::new(9)
                    .unwrap()
                    .with_convention(Convention::Pandas)
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_rsi_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_rsi_init(9, PANDAS, st) },
                    |st, i, y| unsafe { ohlcv_ind_rsi_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_rsi_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_rsi_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_rsi_lookback(9, PANDAS, o) })],
                    vec![0],
                )
            },
        },
        Case {
            name: "macd",
            c: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ok(unsafe {
                    ohlcv_ind_macd(
                        d.close.as_ptr(),
                        d.len(),
                        12,
                        26,
                        9,
                        TALIB,
                        a.as_mut_ptr(),
                        b.as_mut_ptr(),
                        c.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                Macd::new(12, 26, 9)
                    .unwrap()
                    .compute(&d.close[..], a, b, c)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_macd_state, 3>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_macd_init(12, 26, 9, TALIB, st) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_macd_update(st, d.close[i], a, b, c) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_macd_peek(st, d.close[i], a, b, c) },
                    |st| unsafe { ohlcv_ind_macd_reset(st) },
                )
                .into()
            },
            lookback: || {
                let l = lb(|o| unsafe { ohlcv_ind_macd_lookback(12, 26, 9, TALIB, o) });
                let r = Macd::new(12, 26, 9).unwrap().lookback();
                (vec![l; 3], vec![r; 3])
            },
        },
        Case {
            name: "macd pandas",
            c: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ok(unsafe {
                    ohlcv_ind_macd(
                        d.close.as_ptr(),
                        d.len(),
                        12,
                        26,
                        9,
                        PANDAS,
                        a.as_mut_ptr(),
                        b.as_mut_ptr(),
                        c.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                Macd::new(12, 26, 9)
                    .unwrap()
                    .with_convention(Convention::Pandas)
                    .compute(&d.close[..], a, b, c)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_macd_state, 3>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_macd_init(12, 26, 9, PANDAS, st) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_macd_update(st, d.close[i], a, b, c) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_macd_peek(st, d.close[i], a, b, c) },
                    |st| unsafe { ohlcv_ind_macd_reset(st) },
                )
                .into()
            },
            lookback: || {
                let l = lb(|o| unsafe { ohlcv_ind_macd_lookback(12, 26, 9, PANDAS, o) });
                (vec![l; 3], vec![0; 3])
            },
        },
        Case {
            name: "bbands",
            c: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                ok(unsafe {
                    ohlcv_ind_bbands(
                        d.close.as_ptr(),
                        d.len(),
                        20,
                        2.0,
                        1.5,
                        a.as_mut_ptr(),
                        b.as_mut_ptr(),
                        c.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 3);
                let [a, b, c] = &mut o[..] else {
                    unreachable!()
                };
                Bbands::new(20, 2.0, 1.5)
                    .unwrap()
                    .compute(&d.close[..], a, b, c)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_bbands_state, 3>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_bbands_init(20, 2.0, 1.5, st) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_bbands_update(st, d.close[i], a, b, c) },
                    |st, i, [a, b, c]| unsafe { ohlcv_ind_bbands_peek(st, d.close[i], a, b, c) },
                    |st| unsafe { ohlcv_ind_bbands_reset(st) },
                )
                .into()
            },
            lookback: || {
                let l = lb(|o| unsafe { ohlcv_ind_bbands_lookback(20, 2.0, 1.5, o) });
                let r = Bbands::new(20, 2.0, 1.5).unwrap().lookback();
                (vec![l; 3], vec![r; 3])
            },
        },
        Case {
            name: "stddev",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_stddev(d.close.as_ptr(), d.len(), 10, 1.5, o[0].as_mut_ptr())
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Stddev::new(10, 1.5)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_stddev_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_stddev_init(10, 1.5, st) },
                    |st, i, y| unsafe { ohlcv_ind_stddev_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_stddev_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_stddev_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_stddev_lookback(10, 1.5, o) })],
                    vec![Stddev::new(10, 1.5).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "trange",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_trange(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                TrueRange
                    .compute(&d.high[..], &d.low[..], &d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_trange_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_trange_init(st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_trange_update(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_trange_peek(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_trange_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_trange_lookback(o) })],
                    vec![TrueRange.lookback()],
                )
            },
        },
        Case {
            name: "atr",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_atr(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        14,
                        TALIB,
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Atr::new(14)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], &d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_atr_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_atr_init(14, TALIB, st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_atr_update(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_atr_peek(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_atr_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_atr_lookback(14, TALIB, o) })],
                    vec![Atr::new(14).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "atr pandas",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_atr(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        14,
                        PANDAS,
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Atr::new(14)
                    .unwrap()
                    .with_convention(Convention::Pandas)
                    .compute(&d.high[..], &d.low[..], &d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_atr_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_atr_init(14, PANDAS, st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_atr_update(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_atr_peek(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_atr_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_atr_lookback(14, PANDAS, o) })],
                    vec![0],
                )
            },
        },
        Case {
            name: "stoch",
            c: |d| {
                let mut o = zeros(d, 2);
                let [k, dd] = &mut o[..] else { unreachable!() };
                ok(unsafe {
                    ohlcv_ind_stoch(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        9,
                        3,
                        4,
                        k.as_mut_ptr(),
                        dd.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 2);
                let [k, dd] = &mut o[..] else { unreachable!() };
                Stoch::new(9, 3, 4)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], &d.close[..], k, dd)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_stoch_state, 2>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_stoch_init(9, 3, 4, st) },
                    |st, i, [k, dd]| unsafe {
                        ohlcv_ind_stoch_update(st, d.high[i], d.low[i], d.close[i], k, dd)
                    },
                    |st, i, [k, dd]| unsafe {
                        ohlcv_ind_stoch_peek(st, d.high[i], d.low[i], d.close[i], k, dd)
                    },
                    |st| unsafe { ohlcv_ind_stoch_reset(st) },
                )
                .into()
            },
            lookback: || {
                let l = lb(|o| unsafe { ohlcv_ind_stoch_lookback(9, 3, 4, o) });
                let r = Stoch::new(9, 3, 4).unwrap().lookback();
                (vec![l; 2], vec![r; 2])
            },
        },
        Case {
            name: "willr",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_willr(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        14,
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                WillR::new(14)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], &d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_willr_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_willr_init(14, st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_willr_update(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_willr_peek(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_willr_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_willr_lookback(14, o) })],
                    vec![WillR::new(14).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "cci",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_cci(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        20,
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Cci::new(20)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], &d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_cci_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_cci_init(20, st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_cci_update(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_cci_peek(st, d.high[i], d.low[i], d.close[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_cci_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_cci_lookback(20, o) })],
                    vec![Cci::new(20).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "adx",
            c: |d| {
                let mut o = zeros(d, 3);
                let [a, p, m] = &mut o[..] else {
                    unreachable!()
                };
                ok(unsafe {
                    ohlcv_ind_adx(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.len(),
                        10,
                        a.as_mut_ptr(),
                        p.as_mut_ptr(),
                        m.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 3);
                let [a, p, m] = &mut o[..] else {
                    unreachable!()
                };
                Adx::new(10)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], &d.close[..], a, p, m)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_adx_state, 3>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_adx_init(10, st) },
                    |st, i, [a, p, m]| unsafe {
                        ohlcv_ind_adx_update(st, d.high[i], d.low[i], d.close[i], a, p, m)
                    },
                    |st, i, [a, p, m]| unsafe {
                        ohlcv_ind_adx_peek(st, d.high[i], d.low[i], d.close[i], a, p, m)
                    },
                    |st| unsafe { ohlcv_ind_adx_reset(st) },
                )
                .into()
            },
            lookback: || {
                let (mut a, mut di) = (0, 0);
                ok(unsafe { ohlcv_ind_adx_lookback(10, &mut a, &mut di) });
                let r = Adx::new(10).unwrap();
                (
                    vec![a, di, di],
                    vec![r.lookback(), r.di_lookback(), r.di_lookback()],
                )
            },
        },
        Case {
            name: "mfi",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_mfi(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.volume.as_ptr(),
                        d.len(),
                        14,
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Mfi::new(14)
                    .unwrap()
                    .compute(
                        &d.high[..],
                        &d.low[..],
                        &d.close[..],
                        &d.volume[..],
                        &mut o[0],
                    )
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_mfi_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_mfi_init(14, st) },
                    |st, i, y| unsafe {
                        let (h, l, c, v) = (d.high[i], d.low[i], d.close[i], d.volume[i]);
                        ohlcv_ind_mfi_update(st, h, l, c, v, &mut y[0])
                    },
                    |st, i, y| unsafe {
                        let (h, l, c, v) = (d.high[i], d.low[i], d.close[i], d.volume[i]);
                        ohlcv_ind_mfi_peek(st, h, l, c, v, &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_mfi_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_mfi_lookback(14, o) })],
                    vec![Mfi::new(14).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "obv",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_obv(
                        d.close.as_ptr(),
                        d.volume.as_ptr(),
                        d.len(),
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Obv.compute(&d.close[..], &d.volume[..], &mut o[0]).unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_obv_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_obv_init(st) },
                    |st, i, y| unsafe {
                        ohlcv_ind_obv_update(st, d.close[i], d.volume[i], &mut y[0])
                    },
                    |st, i, y| unsafe {
                        ohlcv_ind_obv_peek(st, d.close[i], d.volume[i], &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_obv_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_obv_lookback(o) })],
                    vec![Obv.lookback()],
                )
            },
        },
        Case {
            name: "roc",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_roc(d.close.as_ptr(), d.len(), 10, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Roc::new(10)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_roc_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_roc_init(10, st) },
                    |st, i, y| unsafe { ohlcv_ind_roc_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_roc_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_roc_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_roc_lookback(10, o) })],
                    vec![Roc::new(10).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "mom",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_mom(d.close.as_ptr(), d.len(), 5, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Mom::new(5)
                    .unwrap()
                    .compute(&d.close[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_mom_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_mom_init(5, st) },
                    |st, i, y| unsafe { ohlcv_ind_mom_update(st, d.close[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_mom_peek(st, d.close[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_mom_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_mom_lookback(5, o) })],
                    vec![Mom::new(5).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "max",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_max(d.high.as_ptr(), d.len(), 15, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Max::new(15)
                    .unwrap()
                    .compute(&d.high[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_max_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_max_init(15, st) },
                    |st, i, y| unsafe { ohlcv_ind_max_update(st, d.high[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_max_peek(st, d.high[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_max_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_max_lookback(15, o) })],
                    vec![Max::new(15).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "min",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe { ohlcv_ind_min(d.low.as_ptr(), d.len(), 15, o[0].as_mut_ptr()) });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Min::new(15)
                    .unwrap()
                    .compute(&d.low[..], &mut o[0])
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_min_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_min_init(15, st) },
                    |st, i, y| unsafe { ohlcv_ind_min_update(st, d.low[i], &mut y[0]) },
                    |st, i, y| unsafe { ohlcv_ind_min_peek(st, d.low[i], &mut y[0]) },
                    |st| unsafe { ohlcv_ind_min_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_min_lookback(15, o) })],
                    vec![Min::new(15).unwrap().lookback()],
                )
            },
        },
        Case {
            name: "donchian",
            c: |d| {
                let mut o = zeros(d, 3);
                let [u, m, l] = &mut o[..] else {
                    unreachable!()
                };
                ok(unsafe {
                    ohlcv_ind_donchian(
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.len(),
                        20,
                        u.as_mut_ptr(),
                        m.as_mut_ptr(),
                        l.as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 3);
                let [u, m, l] = &mut o[..] else {
                    unreachable!()
                };
                Donchian::new(20)
                    .unwrap()
                    .compute(&d.high[..], &d.low[..], u, m, l)
                    .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_donchian_state, 3>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_donchian_init(20, st) },
                    |st, i, [u, m, l]| unsafe {
                        ohlcv_ind_donchian_update(st, d.high[i], d.low[i], u, m, l)
                    },
                    |st, i, [u, m, l]| unsafe {
                        ohlcv_ind_donchian_peek(st, d.high[i], d.low[i], u, m, l)
                    },
                    |st| unsafe { ohlcv_ind_donchian_reset(st) },
                )
                .into()
            },
            lookback: || {
                let l = lb(|o| unsafe { ohlcv_ind_donchian_lookback(20, o) });
                (vec![l; 3], vec![Donchian::new(20).unwrap().lookback(); 3])
            },
        },
        Case {
            name: "vwap",
            c: |d| {
                let mut o = zeros(d, 1);
                ok(unsafe {
                    ohlcv_ind_vwap(
                        d.ts.as_ptr(),
                        d.high.as_ptr(),
                        d.low.as_ptr(),
                        d.close.as_ptr(),
                        d.volume.as_ptr(),
                        d.len(),
                        o[0].as_mut_ptr(),
                    )
                });
                o
            },
            rust: |d| {
                let mut o = zeros(d, 1);
                Vwap.compute(
                    &d.ts[..],
                    &d.high[..],
                    &d.low[..],
                    &d.close[..],
                    &d.volume[..],
                    &mut o[0],
                )
                .unwrap();
                o
            },
            stream: |d, s| {
                stream::<ohlcv_ind_vwap_state, 1>(
                    d.len(),
                    s,
                    |st| unsafe { ohlcv_ind_vwap_init(st) },
                    |st, i, y| unsafe {
                        let (h, l, c, v) = (d.high[i], d.low[i], d.close[i], d.volume[i]);
                        ohlcv_ind_vwap_update(st, d.ts[i], h, l, c, v, &mut y[0])
                    },
                    |st, i, y| unsafe {
                        let (h, l, c, v) = (d.high[i], d.low[i], d.close[i], d.volume[i]);
                        ohlcv_ind_vwap_peek(st, d.ts[i], h, l, c, v, &mut y[0])
                    },
                    |st| unsafe { ohlcv_ind_vwap_reset(st) },
                )
                .into()
            },
            lookback: || {
                (
                    vec![lb(|o| unsafe { ohlcv_ind_vwap_lookback(o) })],
                    vec![Vwap.lookback()],
                )
            },
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Batch, lookback, streaming

#[test]
fn every_indicator_is_exported_and_covered() {
    // 23 indicators, plus the pandas forms of EMA, RSI, ATR and MACD.
    let names: Vec<_> = cases().iter().map(|c| c.name).collect();
    assert_eq!(names.len(), 23 + 4, "{names:?}");
}

#[test]
fn batch_calls_equal_the_rust_api() {
    for d in [Data::walk(700, 1, false), Data::walk(700, 2, true)] {
        for case in cases() {
            let (c, r) = ((case.c)(&d), (case.rust)(&d));
            assert_eq!(c.len(), r.len());
            for (k, (a, b)) in c.iter().zip(&r).enumerate() {
                assert_same(&format!("{} output {k}", case.name), a, b);
                assert!(
                    a.iter().any(|v| v.is_finite()),
                    "{}: output {k} is all NaN",
                    case.name
                );
            }
        }
    }
}

#[test]
fn lookbacks_agree_with_rust_and_with_the_leading_nans() {
    let d = Data::walk(400, 3, false);
    for case in cases() {
        let (c, r) = (case.lookback)();
        assert_eq!(c, r, "{}", case.name);
        for (k, (out, l)) in (case.c)(&d).iter().zip(&c).enumerate() {
            let lead = out.iter().take_while(|v| v.is_nan()).count();
            assert_eq!(
                lead, *l,
                "{} output {k}: leading NaNs vs lookback",
                case.name
            );
        }
    }
}

#[test]
fn streaming_states_equal_batch_and_survive_a_byte_copy() {
    let d = Data::walk(700, 4, true);
    for case in cases() {
        let batch = (case.c)(&d);
        for save in [0, 37, 290, 455] {
            let s = (case.stream)(&d, save);
            for (k, (a, b)) in s.iter().zip(&batch).enumerate() {
                assert_same(&format!("{} stream output {k}", case.name), a, b);
            }
        }
    }
}

#[test]
fn empty_series_are_fine_with_any_pointer() {
    for case in cases() {
        let d = Data {
            ts: vec![],
            high: vec![],
            low: vec![],
            close: vec![],
            volume: vec![],
        };
        assert!((case.c)(&d).iter().all(Vec::is_empty), "{}", case.name);
    }
    // NULL pointers with n == 0.
    ok(unsafe { ohlcv_ind_sma(null(), 0, 5, null_mut()) });
    ok(unsafe { ohlcv_ind_macd(null(), 0, 12, 26, 9, 0, null_mut(), null_mut(), null_mut()) });
    ok(unsafe { ohlcv_ind_vwap(null(), null(), null(), null(), null(), 0, null_mut()) });
}

#[test]
fn outputs_may_overlap_the_inputs() {
    let d = Data::walk(300, 5, true);
    let want = (cases()[0].c)(&d);
    // SMA in place.
    let mut x = d.close.clone();
    ok(unsafe { ohlcv_ind_sma(x.as_ptr(), x.len(), 10, x.as_mut_ptr()) });
    assert_same("sma in place", &x, &want[0]);
    // MACD: the line over the input, the other two elsewhere.
    let mut r = zeros(&d, 3);
    ok(unsafe {
        ohlcv_ind_macd(
            d.close.as_ptr(),
            d.len(),
            12,
            26,
            9,
            TALIB,
            r[0].as_mut_ptr(),
            r[1].as_mut_ptr(),
            r[2].as_mut_ptr(),
        )
    });
    let mut x = d.close.clone();
    let (mut s, mut h) = (vec![0.0; d.len()], vec![0.0; d.len()]);
    ok(unsafe {
        ohlcv_ind_macd(
            x.as_ptr(),
            x.len(),
            12,
            26,
            9,
            TALIB,
            x.as_mut_ptr(),
            s.as_mut_ptr(),
            h.as_mut_ptr(),
        )
    });
    assert_same("macd line in place", &x, &r[0]);
    assert_same("macd signal", &s, &r[1]);
    assert_same("macd hist", &h, &r[2]);
    // ATR written over the close column it reads, VWAP over the timestamps' memory is not
    // possible (different types), so over the high column.
    let atr = (cases().iter().find(|c| c.name == "atr").unwrap().c)(&d);
    let mut c = d.close.clone();
    ok(unsafe {
        ohlcv_ind_atr(
            d.high.as_ptr(),
            d.low.as_ptr(),
            c.as_ptr(),
            d.len(),
            14,
            TALIB,
            c.as_mut_ptr(),
        )
    });
    assert_same("atr over close", &c, &atr[0]);
    let vwap = (cases().iter().find(|c| c.name == "vwap").unwrap().c)(&d);
    let mut h = d.high.clone();
    ok(unsafe {
        ohlcv_ind_vwap(
            d.ts.as_ptr(),
            h.as_ptr(),
            d.low.as_ptr(),
            d.close.as_ptr(),
            d.volume.as_ptr(),
            d.len(),
            h.as_mut_ptr(),
        )
    });
    assert_same("vwap over high", &h, &vwap[0]);
    // A partial overlap: the output starts inside the input.
    let mut buf = d.close.clone();
    buf.extend_from_slice(&[0.0; 5]);
    let n = d.len();
    ok(unsafe { ohlcv_ind_sma(buf.as_ptr(), n, 10, buf.as_mut_ptr().add(5)) });
    assert_same("sma shifted by 5", &buf[5..], &want[0]);
}

// ---------------------------------------------------------------------------------------------
// Many series

/// `rows` series of `n` values, back to back.
fn matrix(rows: &[&[f64]]) -> Vec<f64> {
    rows.concat()
}

#[test]
fn many_series_equal_single_calls_lane_by_lane() {
    let ds: Vec<Data> = (0..7).map(|s| Data::walk(333, 10 + s, s == 3)).collect();
    let n = 333;
    let closes: Vec<&[f64]> = ds.iter().map(|d| &d.close[..]).collect();
    let periods = [2, 5, 9, 14, 30, 1, 60];
    for conv in [TALIB, PANDAS] {
        for lanes in [1usize, 4, 5, 7] {
            // Many symbols, one period; and one symbol, many periods.
            for shared_input in [false, true] {
                let n_inputs = if shared_input { 1 } else { lanes };
                let input = matrix(&closes[..n_inputs]);
                let ps: Vec<i32> = if shared_input {
                    periods[..lanes].to_vec()
                } else {
                    vec![14]
                };
                let p_at = |j: usize| ps[j % ps.len()];
                let x_at = |j: usize| closes[j % n_inputs];
                // EMA
                let mut out = vec![0.0; lanes * n];
                let ema_ps: Vec<i32> = ps.iter().map(|&p| p.max(1)).collect();
                ok(unsafe {
                    ohlcv_ind_ema_many(
                        input.as_ptr(),
                        n,
                        n_inputs,
                        ema_ps.as_ptr(),
                        ema_ps.len(),
                        conv,
                        out.as_mut_ptr(),
                        lanes,
                    )
                });
                for j in 0..lanes {
                    let mut one = vec![0.0; n];
                    ok(unsafe {
                        ohlcv_ind_ema(x_at(j).as_ptr(), n, p_at(j), conv, one.as_mut_ptr())
                    });
                    assert_same(&format!("ema lane {j}"), &out[j * n..][..n], &one);
                }
                // RSI (period 2 and up)
                let rsi_ps: Vec<i32> = ps.iter().map(|&p| p.max(2)).collect();
                ok(unsafe {
                    ohlcv_ind_rsi_many(
                        input.as_ptr(),
                        n,
                        n_inputs,
                        rsi_ps.as_ptr(),
                        rsi_ps.len(),
                        conv,
                        out.as_mut_ptr(),
                        lanes,
                    )
                });
                for j in 0..lanes {
                    let mut one = vec![0.0; n];
                    let p = rsi_ps[j % rsi_ps.len()];
                    ok(unsafe { ohlcv_ind_rsi(x_at(j).as_ptr(), n, p, conv, one.as_mut_ptr()) });
                    assert_same(&format!("rsi lane {j}"), &out[j * n..][..n], &one);
                }
                // ATR
                let hs: Vec<&[f64]> = ds.iter().map(|d| &d.high[..]).collect();
                let ls: Vec<&[f64]> = ds.iter().map(|d| &d.low[..]).collect();
                let (h, l) = (matrix(&hs[..n_inputs]), matrix(&ls[..n_inputs]));
                ok(unsafe {
                    ohlcv_ind_atr_many(
                        h.as_ptr(),
                        l.as_ptr(),
                        input.as_ptr(),
                        n,
                        n_inputs,
                        ema_ps.as_ptr(),
                        ema_ps.len(),
                        conv,
                        out.as_mut_ptr(),
                        lanes,
                    )
                });
                for j in 0..lanes {
                    let mut one = vec![0.0; n];
                    let k = j % n_inputs;
                    ok(unsafe {
                        ohlcv_ind_atr(
                            hs[k].as_ptr(),
                            ls[k].as_ptr(),
                            closes[k].as_ptr(),
                            n,
                            ema_ps[j % ema_ps.len()],
                            conv,
                            one.as_mut_ptr(),
                        )
                    });
                    assert_same(&format!("atr lane {j}"), &out[j * n..][..n], &one);
                }
                // MACD: fast from the periods, slow and signal fixed.
                let fast = rsi_ps.clone();
                let slow = vec![26; fast.len()];
                let signal = vec![9; fast.len()];
                let mut o = [
                    vec![0.0; lanes * n],
                    vec![0.0; lanes * n],
                    vec![0.0; lanes * n],
                ];
                let [a, b, c] = &mut o;
                ok(unsafe {
                    ohlcv_ind_macd_many(
                        input.as_ptr(),
                        n,
                        n_inputs,
                        fast.as_ptr(),
                        slow.as_ptr(),
                        signal.as_ptr(),
                        fast.len(),
                        conv,
                        a.as_mut_ptr(),
                        b.as_mut_ptr(),
                        c.as_mut_ptr(),
                        lanes,
                    )
                });
                for j in 0..lanes {
                    let mut one = [vec![0.0; n], vec![0.0; n], vec![0.0; n]];
                    let [x, y, z] = &mut one;
                    ok(unsafe {
                        ohlcv_ind_macd(
                            x_at(j).as_ptr(),
                            n,
                            fast[j % fast.len()],
                            26,
                            9,
                            conv,
                            x.as_mut_ptr(),
                            y.as_mut_ptr(),
                            z.as_mut_ptr(),
                        )
                    });
                    for k in 0..3 {
                        assert_same(&format!("macd {k} lane {j}"), &o[k][j * n..][..n], &one[k]);
                    }
                }
            }
        }
    }
}

#[test]
fn many_series_in_place_and_empty() {
    let ds: Vec<Data> = (0..5).map(|s| Data::walk(200, 40 + s, false)).collect();
    let closes: Vec<&[f64]> = ds.iter().map(|d| &d.close[..]).collect();
    let mut m = matrix(&closes);
    let want: Vec<f64> = closes
        .iter()
        .flat_map(|c| {
            let mut o = vec![0.0; 200];
            ok(unsafe { ohlcv_ind_ema(c.as_ptr(), 200, 20, TALIB, o.as_mut_ptr()) });
            o
        })
        .collect();
    ok(unsafe { ohlcv_ind_ema_many(m.as_ptr(), 200, 5, &20, 1, TALIB, m.as_mut_ptr(), 5) });
    assert_same("ema_many in place", &m, &want);
    // n == 0: nothing to do, pointers may be NULL, the lane counts are still checked.
    ok(unsafe { ohlcv_ind_rsi_many(null(), 0, 3, &14, 1, TALIB, null_mut(), 3) });
    fails(
        unsafe { ohlcv_ind_rsi_many(null(), 0, 2, &14, 1, TALIB, null_mut(), 3) },
        ohlcv_status::InvalidArgument,
        &["ohlcv_ind_rsi_many", "n_inputs = 2 must be 1 or lanes (3)"],
    );
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn bad_parameters_are_invalid_argument_and_leave_outputs_untouched() {
    let d = Data::walk(100, 6, false);
    let n = d.len();
    let mut o = vec![-7.0; n];
    let untouched = |o: &[f64]| o.iter().all(|&v| v == -7.0);
    use ohlcv_status::InvalidArgument as Inv;
    let x = d.close.as_ptr();
    let (h, l, c, v) = (
        d.high.as_ptr(),
        d.low.as_ptr(),
        d.close.as_ptr(),
        d.volume.as_ptr(),
    );
    let (o1, o2, o3) = (o.as_mut_ptr(), vec![-7.0; n], vec![-7.0; n]);
    let (mut o2, mut o3) = (o2, o3);
    let (p2, p3) = (o2.as_mut_ptr(), o3.as_mut_ptr());
    unsafe {
        fails(
            ohlcv_ind_sma(x, n, 0, o1),
            Inv,
            &["ohlcv_ind_sma", "period = 0 is outside 1..=100000"],
        );
        fails(
            ohlcv_ind_sma(x, n, -3, o1),
            Inv,
            &["ohlcv_ind_sma", "period = -3 is negative"],
        );
        fails(
            ohlcv_ind_wma(x, n, 100_001, o1),
            Inv,
            &["ohlcv_ind_wma", "100001"],
        );
        fails(ohlcv_ind_ema(x, n, 10, 2, o1), Inv, &["convention 2"]);
        fails(ohlcv_ind_ema(x, n, 10, -1, o1), Inv, &["convention -1"]);
        fails(
            ohlcv_ind_rsi(x, n, 1, TALIB, o1),
            Inv,
            &["period = 1 is outside 2..=100000"],
        );
        fails(
            ohlcv_ind_macd(x, n, 1, 26, 9, TALIB, o1, p2, p3),
            Inv,
            &["fast = 1 is outside 2..=100000"],
        );
        fails(
            ohlcv_ind_macd(x, n, 12, 26, 0, TALIB, o1, p2, p3),
            Inv,
            &["signal = 0"],
        );
        fails(
            ohlcv_ind_bbands(x, n, 20, f64::NAN, 2.0, o1, p2, p3),
            Inv,
            &["nbdev_up must be finite"],
        );
        fails(
            ohlcv_ind_stddev(x, n, 1, 1.0, o1),
            Inv,
            &["period = 1 is outside 2..=100000"],
        );
        fails(
            ohlcv_ind_stddev(x, n, 5, f64::INFINITY, o1),
            Inv,
            &["nbdev must be finite"],
        );
        fails(
            ohlcv_ind_atr(h, l, c, n, 0, TALIB, o1),
            Inv,
            &["period = 0"],
        );
        fails(
            ohlcv_ind_stoch(h, l, c, n, 5, 0, 3, o1, p2),
            Inv,
            &["slowk = 0"],
        );
        fails(ohlcv_ind_willr(h, l, c, n, 1, o1), Inv, &["period = 1"]);
        fails(ohlcv_ind_cci(h, l, c, n, 1, o1), Inv, &["period = 1"]);
        fails(
            ohlcv_ind_adx(h, l, c, n, 1, o1, p2, p3),
            Inv,
            &["period = 1"],
        );
        fails(ohlcv_ind_mfi(h, l, c, v, n, 1, o1), Inv, &["period = 1"]);
        fails(ohlcv_ind_roc(x, n, 0, o1), Inv, &["period = 0"]);
        fails(ohlcv_ind_mom(x, n, 0, o1), Inv, &["period = 0"]);
        fails(ohlcv_ind_max(x, n, 1, o1), Inv, &["period = 1"]);
        fails(ohlcv_ind_min(x, n, 1, o1), Inv, &["period = 1"]);
        fails(
            ohlcv_ind_donchian(h, l, n, 1, o1, p2, p3),
            Inv,
            &["ohlcv_ind_donchian", "period = 1"],
        );
        let mut lbv = 99usize;
        fails(
            ohlcv_ind_sma_lookback(0, &mut lbv),
            Inv,
            &["ohlcv_ind_sma_lookback"],
        );
        fails(
            ohlcv_ind_ema_lookback(5, 9, &mut lbv),
            Inv,
            &["convention 9"],
        );
        assert_eq!(lbv, 99);
        fails(
            ohlcv_ind_sma_lookback(5, null_mut()),
            ohlcv_status::NullPointer,
            &["out is NULL"],
        );
    }
    assert!(untouched(&o) && untouched(&o2) && untouched(&o3));
}

#[test]
fn null_misaligned_overflowing_and_overlapping_buffers() {
    let d = Data::walk(64, 7, false);
    let n = d.len();
    let mut o = vec![-7.0; n + 1];
    let untouched = |o: &[f64]| o.iter().all(|&v| v == -7.0);
    let x = d.close.as_ptr();
    unsafe {
        fails(
            ohlcv_ind_sma(null(), n, 5, o.as_mut_ptr()),
            ohlcv_status::NullPointer,
            &["input is NULL"],
        );
        fails(
            ohlcv_ind_sma(x, n, 5, null_mut()),
            ohlcv_status::NullPointer,
            &["out is NULL"],
        );
        fails(
            ohlcv_ind_atr(d.high.as_ptr(), null(), x, n, 5, TALIB, o.as_mut_ptr()),
            ohlcv_status::NullPointer,
            &["low is NULL"],
        );
        fails(
            ohlcv_ind_vwap(
                null(),
                d.high.as_ptr(),
                d.low.as_ptr(),
                x,
                d.volume.as_ptr(),
                n,
                o.as_mut_ptr(),
            ),
            ohlcv_status::NullPointer,
            &["ts is NULL"],
        );
        // Misaligned: one byte into a double array.
        let bad_in = x.cast::<u8>().add(1).cast::<f64>();
        fails(
            ohlcv_ind_sma(bad_in, n - 1, 5, o.as_mut_ptr()),
            ohlcv_status::Misaligned,
            &["input"],
        );
        let bad_out = o.as_mut_ptr().cast::<u8>().add(4).cast::<f64>();
        fails(
            ohlcv_ind_ema(x, n - 1, 5, TALIB, bad_out),
            ohlcv_status::Misaligned,
            &["out"],
        );
        // Overflowing sizes.
        fails(
            ohlcv_ind_sma(x, usize::MAX / 4, 5, o.as_mut_ptr()),
            ohlcv_status::Overflow,
            &["input"],
        );
        fails(
            ohlcv_ind_ema_many(x, usize::MAX / 2, 3, &5, 1, TALIB, o.as_mut_ptr(), 3),
            ohlcv_status::Overflow,
            &["ohlcv_ind_ema_many"],
        );
        // Overlapping outputs.
        let p = o.as_mut_ptr();
        let mut other = vec![-7.0; n];
        fails(
            ohlcv_ind_macd(x, n, 12, 26, 9, TALIB, p, other.as_mut_ptr(), p.add(1)),
            ohlcv_status::InvalidArgument,
            &["out_macd and out_hist overlap"],
        );
        fails(
            ohlcv_ind_stoch(d.high.as_ptr(), d.low.as_ptr(), x, n, 5, 3, 3, p, p),
            ohlcv_status::InvalidArgument,
            &["out_k and out_d overlap"],
        );
        assert!(untouched(&other));
    }
    assert!(untouched(&o));
}

#[test]
fn many_series_argument_errors() {
    let x = vec![1.0; 40];
    let mut o = vec![-7.0; 40];
    use ohlcv_status::InvalidArgument as Inv;
    let p = o.as_mut_ptr();
    unsafe {
        fails(
            ohlcv_ind_ema_many(x.as_ptr(), 10, 1, &5, 1, TALIB, p, 0),
            Inv,
            &["lanes must be at least 1"],
        );
        fails(
            ohlcv_ind_ema_many(x.as_ptr(), 10, 3, &5, 1, TALIB, p, 4),
            Inv,
            &["n_inputs = 3 must be 1 or lanes (4)"],
        );
        fails(
            ohlcv_ind_ema_many(x.as_ptr(), 10, 1, [5, 6].as_ptr(), 2, TALIB, p, 4),
            Inv,
            &["n_params = 2 must be 1 or lanes (4)"],
        );
        fails(
            ohlcv_ind_ema_many(x.as_ptr(), 10, 1, null(), 4, TALIB, p, 4),
            ohlcv_status::NullPointer,
            &["periods is NULL"],
        );
        fails(
            ohlcv_ind_rsi_many(x.as_ptr(), 10, 1, [14, 14, 1, 14].as_ptr(), 4, TALIB, p, 4),
            Inv,
            &["ohlcv_ind_rsi_many: parameter set 2: period = 1 is outside 2..=100000"],
        );
        fails(
            ohlcv_ind_atr_many(x.as_ptr(), x.as_ptr(), x.as_ptr(), 10, 1, &5, 1, 7, p, 4),
            Inv,
            &["convention 7"],
        );
        let (f, s, g) = ([12, 12], [26, 26], [9, 0]);
        let mut o2 = vec![0.0; 40];
        let mut o3 = vec![0.0; 40];
        fails(
            ohlcv_ind_macd_many(
                x.as_ptr(),
                20,
                1,
                f.as_ptr(),
                s.as_ptr(),
                g.as_ptr(),
                2,
                TALIB,
                p,
                o2.as_mut_ptr(),
                o3.as_mut_ptr(),
                2,
            ),
            Inv,
            &["parameter set 1: signal = 0"],
        );
    }
    assert!(o.iter().all(|&v| v == -7.0));
}

#[test]
fn states_check_their_tag_and_their_window() {
    use ohlcv_status::InvalidArgument as Inv;
    unsafe {
        // Never initialised.
        let mut zero: ohlcv_ind_sma_state = std::mem::zeroed();
        let mut y = -7.0;
        fails(
            ohlcv_ind_sma_update(&mut zero, 1.0, &mut y),
            Inv,
            &[
                "ohlcv_ind_sma_state",
                "never initialised",
                "ohlcv_ind_sma_init",
            ],
        );
        fails(
            ohlcv_ind_sma_peek(&zero, 1.0, &mut y),
            Inv,
            &["never initialised"],
        );
        fails(ohlcv_ind_sma_reset(&mut zero), Inv, &["never initialised"]);
        assert_eq!(y, -7.0);
        // Another indicator's tag (MIN's bytes passed as MAX: same size).
        let mut min: ohlcv_ind_min_state = std::mem::zeroed();
        ok(ohlcv_ind_min_init(5, &mut min));
        let mut as_max: ohlcv_ind_max_state = std::mem::transmute(min);
        fails(
            ohlcv_ind_max_update(&mut as_max, 1.0, &mut y),
            Inv,
            &["not that of an initialised ohlcv_ind_max_state"],
        );
        // Another state format.
        let mut s: ohlcv_ind_ema_state = std::mem::zeroed();
        ok(ohlcv_ind_ema_init(5, TALIB, &mut s));
        s.tag ^= 7 << 8;
        fails(
            ohlcv_ind_ema_update(&mut s, 1.0, &mut y),
            Inv,
            &["state format 6", "format 1"],
        );
        // NULL state; NULL out-pointer of init.
        fails(
            ohlcv_ind_ema_update(null_mut(), 1.0, &mut y),
            ohlcv_status::NullPointer,
            &["state is NULL"],
        );
        fails(
            ohlcv_ind_ema_init(5, TALIB, null_mut()),
            ohlcv_status::NullPointer,
            &["out is NULL"],
        );
        // Windows above the inline capacity, and bad parameters, leave `out` untouched.
        let mut st: ohlcv_ind_sma_state = std::mem::zeroed();
        st.tag = 42;
        fails(
            ohlcv_ind_sma_init(257, &mut st),
            Inv,
            &[
                "ohlcv_ind_sma_init",
                "window of 257 values exceeds the streaming capacity of 256",
            ],
        );
        fails(ohlcv_ind_sma_init(0, &mut st), Inv, &["period = 0"]);
        assert_eq!(st.tag, 42);
        ok(ohlcv_ind_sma_init(256, &mut st));
        let mut stoch: ohlcv_ind_stoch_state = std::mem::zeroed();
        fails(
            ohlcv_ind_stoch_init(5, 3, 300, &mut stoch),
            Inv,
            &["window of 300"],
        );
        // Windowless states take any valid period.
        let mut e: ohlcv_ind_ema_state = std::mem::zeroed();
        ok(ohlcv_ind_ema_init(100_000, PANDAS, &mut e));
        fails(ohlcv_ind_ema_init(5, 3, &mut e), Inv, &["convention 3"]);
        // Outputs are optional.
        ok(ohlcv_ind_ema_update(&mut e, 1.0, null_mut()));
        let mut m: ohlcv_ind_macd_state = std::mem::zeroed();
        ok(ohlcv_ind_macd_init(12, 26, 9, TALIB, &mut m));
        let mut sig = -7.0;
        ok(ohlcv_ind_macd_update(
            &mut m,
            1.0,
            null_mut(),
            &mut sig,
            null_mut(),
        ));
        assert!(sig.is_nan());
    }
}

#[test]
fn c_states_have_the_size_of_the_rust_states() {
    macro_rules! check {
        ($($c:ty => $r:ty),* $(,)?) => {$(
            assert_eq!(size_of::<$c>(), 8 + size_of::<$r>(), stringify!($c));
            assert_eq!(align_of::<$c>(), 8, stringify!($c));
        )*};
    }
    check!(
        ohlcv_ind_sma_state => SmaState,
        ohlcv_ind_ema_state => EmaState,
        ohlcv_ind_wma_state => WmaState,
        ohlcv_ind_dema_state => DemaState,
        ohlcv_ind_tema_state => TemaState,
        ohlcv_ind_rsi_state => RsiState,
        ohlcv_ind_macd_state => MacdState,
        ohlcv_ind_bbands_state => BbandsState,
        ohlcv_ind_stddev_state => StddevState,
        ohlcv_ind_atr_state => AtrState,
        ohlcv_ind_trange_state => TrueRangeState,
        ohlcv_ind_stoch_state => StochState,
        ohlcv_ind_willr_state => WillRState,
        ohlcv_ind_cci_state => CciState,
        ohlcv_ind_adx_state => AdxState,
        ohlcv_ind_mfi_state => MfiState,
        ohlcv_ind_obv_state => ObvState,
        ohlcv_ind_roc_state => RocState,
        ohlcv_ind_mom_state => MomState,
        ohlcv_ind_max_state => MaxState,
        ohlcv_ind_min_state => MinState,
        ohlcv_ind_donchian_state => DonchianState,
        ohlcv_ind_vwap_state => VwapState,
    );
    assert_eq!(STATE_CAPACITY, DEFAULT_CAPACITY);
}

// ---------------------------------------------------------------------------------------------
// Saved states across library versions

/// One synthetic bar for the fingerprints.
#[derive(Clone, Copy)]
struct B {
    ts: u64,
    h: f64,
    l: f64,
    c: f64,
    v: f64,
}

/// FNV-1a over the state's 64-bit words (as numbers, so the byte order does not matter) after
/// `init` and 300 `step`s over a fixed series.
fn fingerprint<S: Copy>(
    init: impl Fn(*mut S) -> ohlcv_status,
    step: impl Fn(*mut S, B) -> ohlcv_status,
) -> u64 {
    let mut st: S = unsafe { std::mem::zeroed() };
    ok(init(&mut st));
    for i in 0..300u64 {
        let c = 100.0 + ((i * 37) % 23) as f64 * 0.25 - (i % 7) as f64 * 0.5;
        let b = B {
            ts: 1_704_150_000_000 + i * 3_600_000,
            h: c + 0.75,
            l: c - 0.5,
            c,
            v: ((i * 13) % 17) as f64,
        };
        ok(step(&mut st, b));
    }
    assert_eq!(size_of::<S>() % 8, 0);
    let words =
        unsafe { std::slice::from_raw_parts((&st as *const S).cast::<u64>(), size_of::<S>() / 8) };
    words.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, w| {
        (h ^ w).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A state saved by one library build must mean the same to the next one, or be refused: the
/// bytes of every state after a fixed run are pinned here for `STATE_FORMAT` 1. When this test
/// fails, the contents of a state changed (a field, its order, its arithmetic): bump
/// `STATE_FORMAT` in `src/ffi/ind_state.rs` (states saved in the old format are then refused
/// with a clear message instead of being misread), bump `OHLCV_ABI_VERSION` too if a size
/// changed, and update this table.
#[test]
fn state_contents_are_pinned_to_the_state_format() {
    let mut got = Vec::new();
    unsafe {
        got.push((
            "sma",
            fingerprint(
                |s| ohlcv_ind_sma_init(10, s),
                |s, b| ohlcv_ind_sma_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "ema",
            fingerprint(
                |s| ohlcv_ind_ema_init(10, TALIB, s),
                |s, b| ohlcv_ind_ema_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "ema pandas",
            fingerprint(
                |s| ohlcv_ind_ema_init(10, PANDAS, s),
                |s, b| ohlcv_ind_ema_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "wma",
            fingerprint(
                |s| ohlcv_ind_wma_init(7, s),
                |s, b| ohlcv_ind_wma_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "dema",
            fingerprint(
                |s| ohlcv_ind_dema_init(6, s),
                |s, b| ohlcv_ind_dema_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "tema",
            fingerprint(
                |s| ohlcv_ind_tema_init(5, s),
                |s, b| ohlcv_ind_tema_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "rsi",
            fingerprint(
                |s| ohlcv_ind_rsi_init(9, TALIB, s),
                |s, b| ohlcv_ind_rsi_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "macd",
            fingerprint(
                |s| ohlcv_ind_macd_init(12, 26, 9, PANDAS, s),
                |s, b| ohlcv_ind_macd_update(s, b.c, null_mut(), null_mut(), null_mut()),
            ),
        ));
        got.push((
            "bbands",
            fingerprint(
                |s| ohlcv_ind_bbands_init(20, 2.0, 1.5, s),
                |s, b| ohlcv_ind_bbands_update(s, b.c, null_mut(), null_mut(), null_mut()),
            ),
        ));
        got.push((
            "stddev",
            fingerprint(
                |s| ohlcv_ind_stddev_init(10, 1.5, s),
                |s, b| ohlcv_ind_stddev_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "atr",
            fingerprint(
                |s| ohlcv_ind_atr_init(14, TALIB, s),
                |s, b| ohlcv_ind_atr_update(s, b.h, b.l, b.c, null_mut()),
            ),
        ));
        got.push((
            "trange",
            fingerprint(
                |s| ohlcv_ind_trange_init(s),
                |s, b| ohlcv_ind_trange_update(s, b.h, b.l, b.c, null_mut()),
            ),
        ));
        got.push((
            "stoch",
            fingerprint(
                |s| ohlcv_ind_stoch_init(9, 3, 4, s),
                |s, b| ohlcv_ind_stoch_update(s, b.h, b.l, b.c, null_mut(), null_mut()),
            ),
        ));
        got.push((
            "willr",
            fingerprint(
                |s| ohlcv_ind_willr_init(14, s),
                |s, b| ohlcv_ind_willr_update(s, b.h, b.l, b.c, null_mut()),
            ),
        ));
        got.push((
            "cci",
            fingerprint(
                |s| ohlcv_ind_cci_init(20, s),
                |s, b| ohlcv_ind_cci_update(s, b.h, b.l, b.c, null_mut()),
            ),
        ));
        got.push((
            "adx",
            fingerprint(
                |s| ohlcv_ind_adx_init(10, s),
                |s, b| ohlcv_ind_adx_update(s, b.h, b.l, b.c, null_mut(), null_mut(), null_mut()),
            ),
        ));
        got.push((
            "mfi",
            fingerprint(
                |s| ohlcv_ind_mfi_init(14, s),
                |s, b| ohlcv_ind_mfi_update(s, b.h, b.l, b.c, b.v, null_mut()),
            ),
        ));
        got.push((
            "obv",
            fingerprint(
                |s| ohlcv_ind_obv_init(s),
                |s, b| ohlcv_ind_obv_update(s, b.c, b.v, null_mut()),
            ),
        ));
        got.push((
            "roc",
            fingerprint(
                |s| ohlcv_ind_roc_init(10, s),
                |s, b| ohlcv_ind_roc_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "mom",
            fingerprint(
                |s| ohlcv_ind_mom_init(5, s),
                |s, b| ohlcv_ind_mom_update(s, b.c, null_mut()),
            ),
        ));
        got.push((
            "max",
            fingerprint(
                |s| ohlcv_ind_max_init(15, s),
                |s, b| ohlcv_ind_max_update(s, b.h, null_mut()),
            ),
        ));
        got.push((
            "min",
            fingerprint(
                |s| ohlcv_ind_min_init(15, s),
                |s, b| ohlcv_ind_min_update(s, b.l, null_mut()),
            ),
        ));
        got.push((
            "donchian",
            fingerprint(
                |s| ohlcv_ind_donchian_init(20, s),
                |s, b| ohlcv_ind_donchian_update(s, b.h, b.l, null_mut(), null_mut(), null_mut()),
            ),
        ));
        got.push((
            "vwap",
            fingerprint(
                |s| ohlcv_ind_vwap_init(s),
                |s, b| ohlcv_ind_vwap_update(s, b.ts, b.h, b.l, b.c, b.v, null_mut()),
            ),
        ));
    }
    let want = [
        ("sma", 0xda8379831db28a0b),
        ("ema", 0x14c27aae0051b763),
        ("ema pandas", 0x70c52bd364b3b62d),
        ("wma", 0x2f3faca43a0c106e),
        ("dema", 0x5aca26285a90d03b),
        ("tema", 0xaf3fe9f3be4a461b),
        ("rsi", 0x8b1954f572ceeac9),
        ("macd", 0x6632ce7e6df1ff49),
        ("bbands", 0xe7605d8f9dfe34d9),
        ("stddev", 0x951c9d73c8aa862c),
        ("atr", 0x24cf12868f5f996d),
        ("trange", 0x393c4d622a387a6d),
        ("stoch", 0x2eabd5f8eda79234),
        ("willr", 0x5c19cb969c384ce5),
        ("cci", 0xbc2e8e83a7113ac4),
        ("adx", 0x990da382f33c9d47),
        ("mfi", 0x5ca0d05045e2f23b),
        ("obv", 0x0c93cdffc3379127),
        ("roc", 0x766c49bbfbfdfa87),
        ("mom", 0x8dae57398b2c3c2d),
        ("max", 0x640c64bf925a5648),
        ("min", 0x419257410b4260ef),
        ("donchian", 0x2d05485875ad6d42),
        ("vwap", 0x765ecd544c9f5d50),
    ];
    assert_eq!(
        STATE_FORMAT, 1,
        "pin the fingerprints of the new state format"
    );
    assert_eq!(got.len(), want.len());
    let mut changed = Vec::new();
    for ((name, h), (wname, w)) in got.iter().zip(want) {
        assert_eq!(*name, wname);
        if *h != w {
            changed.push(format!("(\"{name}\", {h:#018x})"));
        }
    }
    assert!(
        changed.is_empty(),
        "the contents of these states changed for the same STATE_FORMAT (see this test's \
         documentation): {changed:?}"
    );
}

#[test]
fn corrupted_state_bytes_never_hang_or_crash() {
    // Every word after the tag overwritten with each pattern: the update must return (a status,
    // any value), never bring the process down. Before the deque checked its bounds, a huge
    // `len` made one update loop ~2^64 times: this test then never finished.
    for pattern in [
        u64::MAX,
        0x7ff8_0000_0000_0000,
        0x0123_4567_89ab_cdef,
        1 << 40,
    ] {
        // SAFETY: plain C structs initialised by the library, then fed bytes on purpose.
        unsafe {
            let mut s: ohlcv_ind_max_state = std::mem::zeroed();
            assert_eq!(ohlcv_ind_max_init(20, &mut s), ohlcv_status::Ok);
            for w in s.opaque.iter_mut() {
                *w = pattern;
            }
            let mut y = 0.0;
            for i in 0..100 {
                let _ = ohlcv_ind_max_update(&mut s, i as f64, &mut y);
                let _ = ohlcv_ind_max_peek(&s, 1.0, &mut y);
            }
        }
    }
}
