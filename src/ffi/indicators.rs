//! Indicators from C, batch form: `ohlcv_ind_<name>` over `const double *` columns, the
//! matching `ohlcv_ind_<name>_lookback`, and the many-series entry points of EMA, RSI, ATR and
//! MACD. The streaming states are in `ind_state.rs`.
//!
//! # Shape of a batch call
//!
//! `ohlcv_ind_sma(const double *input, size_t n, int32_t period, double *out)`: the inputs are
//! `n` values each (several columns for the bar indicators: `high, low, close[, volume]`, and
//! `const uint64_t *ts` for VWAP), every output holds `n` values, the first `lookback` of them
//! NaN, exactly as TA-Lib's output arrays once shifted to line up with the input (TA-Lib's
//! `outBegIdx` is the lookback). Several outputs are several `double *` arguments. Numbers are
//! bit-identical to the Rust API ([`crate::indicators`]), hence to TA-Lib (or pandas, see the
//! convention), and a non-finite input is a gap (see the module documentation of the Rust API).
//!
//! - Columns follow the array conventions: `n == 0` is empty whatever the pointers are; a NULL
//!   pointer with `n > 0` is `OHLCV_STATUS_NULL_POINTER`; a pointer not aligned for its element
//!   (8 bytes for `double` and `uint64_t`) is `OHLCV_STATUS_MISALIGNED`; a size that overflows
//!   is `OHLCV_STATUS_OVERFLOW`.
//! - Inputs may overlap each other, and an output may overlap inputs (in place, `out == input`,
//!   is fine: the result then goes through a temporary buffer). Two outputs that overlap are
//!   `OHLCV_STATUS_INVALID_ARGUMENT`.
//! - Periods are `int32_t`. A period outside the indicator's range (TA-Lib's, up to 100000) or
//!   a non-finite real parameter is `OHLCV_STATUS_INVALID_ARGUMENT`, with the range in the
//!   message. A convention is an `int32_t` holding an [`ohlcv_convention`].
//! - Everything is checked before anything is written: on failure the outputs are untouched.
//!
//! # Many series
//!
//! `ohlcv_ind_ema_many`, `_rsi_many`, `_atr_many` and `_macd_many` run `lanes` series at once,
//! four per SIMD pass, each lane bitwise identical to the single-series call. Every series has
//! the same length `n`, and a group of series is one row-major matrix: series `j` of an input
//! is `input + j * n` (`n_inputs` rows), lane `j` of an output is `out + j * n` (`lanes` rows).
//! An input matrix holds either 1 row (shared by every lane) or `lanes` rows; the parameter
//! arrays hold either 1 entry (shared) or `lanes` entries (`n_params`). So one symbol under
//! several periods is `n_inputs = 1, n_params = lanes`, and many symbols under one period is
//! `n_inputs = lanes, n_params = 1`.

use super::boundary::{
    byte_range, check_array, check_out, ffi_boundary, out_write, ranges_overlap,
};
use super::status::ohlcv_status;
use crate::indicators::{
    Adx, Atr, Bbands, Cci, Convention, Dema, Donchian, Ema, IndicatorError, Macd, Max, Mfi, Min,
    Mom, Obv, Roc, Rsi, Sma, Stddev, Stoch, Tema, TrueRange, Vwap, WillR, Wma,
};
use crate::{Error, ErrorKind, Result};
use std::vec::Vec;
use std::{format, vec};

/// Which reference an indicator follows (pass the value as `int32_t`). Only EMA, RSI, ATR and
/// MACD take one.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_convention {
    /// TA-Lib's definitions and arithmetic, bit for bit (SMA-seeded EMAs, Wilder smoothing).
    Talib = 0,
    /// The legacy pipeline's pandas formulas (`ewm(span=p, adjust=False)` for EMA and MACD,
    /// `ewm(com=p-1, adjust=False)` for RSI and ATR), bit for bit, defined from the first bar.
    Pandas = 1,
}

// ---------------------------------------------------------------------------------------------
// Argument conversion (shared with the streaming states)

/// A non-negative `int32_t` period as `usize` (the indicator checks its range).
pub(crate) fn period_arg(func: &str, name: &str, v: i32) -> Result<usize> {
    usize::try_from(v).map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{func}: {name} = {v} is negative"),
        )
    })
}

/// An `int32_t` holding an [`ohlcv_convention`].
pub(crate) fn convention_arg(func: &str, v: i32) -> Result<Convention> {
    match v {
        0 => Ok(Convention::TaLib),
        1 => Ok(Convention::Pandas),
        _ => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{func}: convention {v} is not an ohlcv_convention (OHLCV_CONVENTION_TALIB = 0 \
                 or OHLCV_CONVENTION_PANDAS = 1)"
            ),
        )),
    }
}

/// Maps an indicator error to `InvalidArgument` naming the C function.
pub(crate) fn ind_err(func: &str) -> impl Fn(IndicatorError) -> Error + '_ {
    move |e| Error::new(e.kind(), format!("{func}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The batch driver

/// A caller input array: address, number of values, name for messages.
struct In<T> {
    ptr: *const T,
    len: usize,
    name: &'static str,
}

/// A caller output array of `double`.
struct Out {
    ptr: *mut f64,
    len: usize,
    name: &'static str,
}

fn col(ptr: *const f64, len: usize, name: &'static str) -> In<f64> {
    In { ptr, len, name }
}

fn dst(ptr: *mut f64, len: usize, name: &'static str) -> Out {
    Out { ptr, len, name }
}

/// Borrows a checked input.
///
/// # Safety
/// As [`slice_from_raw`](super::boundary::slice_from_raw), with the checks already done.
unsafe fn borrow<'a, T>(i: &In<T>) -> &'a [T] {
    if i.len == 0 {
        return &[];
    }
    // SAFETY: checked non-NULL, aligned and in bounds by `batch`; validity is the caller's.
    unsafe { core::slice::from_raw_parts(i.ptr, i.len) }
}

/// Checks every array, then runs `f` over the inputs and outputs as slices. Outputs must not
/// overlap each other. When an output overlaps an input, `f` writes into temporaries that are
/// copied out afterwards; otherwise it writes straight into the caller's arrays. Nothing is
/// written before every check passed (`f` itself only fails on what was checked before).
///
/// # Safety
/// Each input must be valid for reads of its `len` values and each output for writes of its
/// `len` values, for the duration of the call.
unsafe fn batch<const I: usize, const O: usize>(
    inputs: [In<f64>; I],
    stamps: Option<In<u64>>,
    outputs: [Out; O],
    f: impl FnOnce([&[f64]; I], &[u64], [&mut [f64]; O]) -> Result<()>,
) -> Result<()> {
    for i in &inputs {
        check_array(i.ptr, i.len, i.name)?;
    }
    if let Some(s) = &stamps {
        check_array(s.ptr, s.len, s.name)?;
    }
    for o in &outputs {
        check_array(o.ptr.cast_const(), o.len, o.name)?;
    }
    let range = |o: &Out| byte_range(o.ptr.cast_const(), o.len);
    for (k, a) in outputs.iter().enumerate() {
        if let Some(b) = outputs[k + 1..]
            .iter()
            .find(|b| ranges_overlap(range(a), range(b)))
        {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{} and {} overlap", a.name, b.name),
            ));
        }
    }
    let aliased = outputs.iter().any(|o| {
        inputs
            .iter()
            .any(|i| ranges_overlap(byte_range(i.ptr, i.len), range(o)))
            || stamps
                .as_ref()
                .is_some_and(|s| ranges_overlap(byte_range(s.ptr, s.len), range(o)))
    });
    if !aliased {
        // SAFETY: checked above; the caller guarantees validity. No output overlaps an input or
        // another output, so the shared and exclusive borrows are disjoint.
        let ins = inputs.each_ref().map(|i| unsafe { borrow(i) });
        // SAFETY: as above.
        let ts = stamps.as_ref().map_or(&[][..], |s| unsafe { borrow(s) });
        let outs = outputs.each_ref().map(|o| {
            if o.len == 0 {
                return &mut [][..];
            }
            // SAFETY: checked non-NULL, aligned, in bounds; valid for writes and disjoint from
            // every other borrow (checked above).
            unsafe { core::slice::from_raw_parts_mut(o.ptr, o.len) }
        });
        return f(ins, ts, outs);
    }
    let mut tmp: [Vec<f64>; O] = outputs.each_ref().map(|o| vec![0.0; o.len]);
    {
        // SAFETY: checked above; inputs are only read, and no exclusive borrow of caller memory
        // exists while they live (the outputs are temporaries).
        let ins = inputs.each_ref().map(|i| unsafe { borrow(i) });
        // SAFETY: as above.
        let ts = stamps.as_ref().map_or(&[][..], |s| unsafe { borrow(s) });
        f(ins, ts, tmp.each_mut().map(Vec::as_mut_slice))?;
    }
    for (o, t) in outputs.iter().zip(&tmp) {
        if o.len > 0 {
            // SAFETY: `o.ptr` is valid for `o.len` writes (caller's contract, checked non-NULL
            // and aligned); `t` is our own buffer of the same length; no borrow of the input
            // memory is alive any more.
            unsafe { core::ptr::copy_nonoverlapping(t.as_ptr(), o.ptr, o.len) };
        }
    }
    Ok(())
}

/// Writes a lookback through its out-pointer.
///
/// # Safety
/// `out` must be NULL or valid for a write.
unsafe fn put(out: *mut usize, v: usize) -> Result<()> {
    // SAFETY: forwarded to the caller's contract.
    unsafe { out_write(out, v) }
}

// ---------------------------------------------------------------------------------------------
// Parameters (shared with the streaming states): the Rust indicator from C arguments, or
// `InvalidArgument` naming the C function `f`.

pub(crate) fn sma(f: &str, period: i32) -> Result<Sma> {
    Sma::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn ema(f: &str, period: i32, convention: i32) -> Result<Ema> {
    let c = convention_arg(f, convention)?;
    Ok(Ema::new(period_arg(f, "period", period)?)
        .map_err(ind_err(f))?
        .with_convention(c))
}

pub(crate) fn wma(f: &str, period: i32) -> Result<Wma> {
    Wma::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn dema(f: &str, period: i32) -> Result<Dema> {
    Dema::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn tema(f: &str, period: i32) -> Result<Tema> {
    Tema::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn rsi(f: &str, period: i32, convention: i32) -> Result<Rsi> {
    let c = convention_arg(f, convention)?;
    Ok(Rsi::new(period_arg(f, "period", period)?)
        .map_err(ind_err(f))?
        .with_convention(c))
}

pub(crate) fn macd(f: &str, fast: i32, slow: i32, signal: i32, convention: i32) -> Result<Macd> {
    let c = convention_arg(f, convention)?;
    Ok(Macd::new(
        period_arg(f, "fast", fast)?,
        period_arg(f, "slow", slow)?,
        period_arg(f, "signal", signal)?,
    )
    .map_err(ind_err(f))?
    .with_convention(c))
}

pub(crate) fn bbands(f: &str, period: i32, up: f64, dn: f64) -> Result<Bbands> {
    Bbands::new(period_arg(f, "period", period)?, up, dn).map_err(ind_err(f))
}

pub(crate) fn stddev(f: &str, period: i32, nbdev: f64) -> Result<Stddev> {
    Stddev::new(period_arg(f, "period", period)?, nbdev).map_err(ind_err(f))
}

pub(crate) fn atr(f: &str, period: i32, convention: i32) -> Result<Atr> {
    let c = convention_arg(f, convention)?;
    Ok(Atr::new(period_arg(f, "period", period)?)
        .map_err(ind_err(f))?
        .with_convention(c))
}

pub(crate) fn stoch(f: &str, fastk: i32, slowk: i32, slowd: i32) -> Result<Stoch> {
    Stoch::new(
        period_arg(f, "fastk", fastk)?,
        period_arg(f, "slowk", slowk)?,
        period_arg(f, "slowd", slowd)?,
    )
    .map_err(ind_err(f))
}

pub(crate) fn willr(f: &str, period: i32) -> Result<WillR> {
    WillR::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn cci(f: &str, period: i32) -> Result<Cci> {
    Cci::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn adx(f: &str, period: i32) -> Result<Adx> {
    Adx::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn mfi(f: &str, period: i32) -> Result<Mfi> {
    Mfi::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn roc(f: &str, period: i32) -> Result<Roc> {
    Roc::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn mom(f: &str, period: i32) -> Result<Mom> {
    Mom::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn max(f: &str, period: i32) -> Result<Max> {
    Max::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn min(f: &str, period: i32) -> Result<Min> {
    Min::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

pub(crate) fn donchian(f: &str, period: i32) -> Result<Donchian> {
    Donchian::new(period_arg(f, "period", period)?).map_err(ind_err(f))
}

// ---------------------------------------------------------------------------------------------
// Moving averages

/// Simple moving average of `input[0..n]` into `out[0..n]` (TA-Lib `SMA`; period 1 to 100000,
/// lookback `period - 1`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_sma";
    ffi_boundary(|| {
        let p = sma(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_sma`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = sma("ohlcv_ind_sma_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Exponential moving average of `input[0..n]` into `out[0..n]`: TA-Lib `EMA` (`k = 2 /
/// (period + 1)`, seeded with the SMA of the first `period` values, lookback `period - 1`) or,
/// with `OHLCV_CONVENTION_PANDAS`, pandas `ewm(span=period, adjust=False)` (lookback 0).
/// Period 1 to 100000.
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema(
    input: *const f64,
    n: usize,
    period: i32,
    convention: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_ema";
    ffi_boundary(|| {
        let p = ema(F, period, convention)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_ema`] to `*out`: `period - 1`
/// (TA-Lib) or 0 (pandas).
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_lookback(
    period: i32,
    convention: i32,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = ema("ohlcv_ind_ema_lookback", period, convention)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Linearly weighted moving average of `input[0..n]` into `out[0..n]`, weights 1 to `period`
/// from oldest to newest (TA-Lib `WMA`; period 1 to 100000, lookback `period - 1`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_wma";
    ffi_boundary(|| {
        let p = wma(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_wma`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = wma("ohlcv_ind_wma_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Double exponential moving average `2*e1 - e2` (`e2` the EMA of `e1`) of `input[0..n]` into
/// `out[0..n]` (TA-Lib `DEMA`; period 1 to 100000, lookback `2*(period - 1)`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_dema";
    ffi_boundary(|| {
        let p = dema(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_dema`] to `*out`:
/// `2*(period - 1)`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = dema("ohlcv_ind_dema_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Triple exponential moving average `3*e1 - 3*e2 + e3` of `input[0..n]` into `out[0..n]`
/// (TA-Lib `TEMA`; period 1 to 100000, lookback `3*(period - 1)`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_tema";
    ffi_boundary(|| {
        let p = tema(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_tema`] to `*out`:
/// `3*(period - 1)`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = tema("ohlcv_ind_tema_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

// ---------------------------------------------------------------------------------------------
// Oscillators on one series

/// Relative strength index of `input[0..n]` into `out[0..n]`: TA-Lib `RSI` (Wilder averages
/// seeded with the mean of the first `period` changes, lookback `period`) or, with
/// `OHLCV_CONVENTION_PANDAS`, the pipeline's `ewm(com=period-1, adjust=False)` form (lookback
/// 0). Period 2 to 100000.
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi(
    input: *const f64,
    n: usize,
    period: i32,
    convention: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_rsi";
    ffi_boundary(|| {
        let p = rsi(F, period, convention)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_rsi`] to `*out`: `period` (TA-Lib)
/// or 0 (pandas).
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_lookback(
    period: i32,
    convention: i32,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = rsi("ohlcv_ind_rsi_lookback", period, convention)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// MACD of `input[0..n]`: the line `EMA(fast) - EMA(slow)`, its signal `EMA(signal)` and the
/// histogram `line - signal`, into `out_macd`, `out_signal` and `out_hist` (`n` values each).
/// TA-Lib `MACD` (fast and slow 2 to 100000, signal 1 to 100000; lookback
/// `max(fast, slow) - 1 + signal - 1`) or, with `OHLCV_CONVENTION_PANDAS`, pandas spans
/// (lookback 0).
///
/// Ownership: `input` and the three outputs are borrowed for the call only; one output may be
/// `input`, the outputs must not overlap each other.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and each output for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd(
    input: *const f64,
    n: usize,
    fast: i32,
    slow: i32,
    signal: i32,
    convention: i32,
    out_macd: *mut f64,
    out_signal: *mut f64,
    out_hist: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_macd";
    ffi_boundary(|| {
        let p = macd(F, fast, slow, signal, convention)?;
        let outs = [
            dst(out_macd, n, "out_macd"),
            dst(out_signal, n, "out_signal"),
            dst(out_hist, n, "out_hist"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([col(input, n, "input")], None, outs, |[x], _, [a, b, c]| {
                p.compute(x, a, b, c).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_macd`] to `*out` (the same for the
/// three outputs): `max(fast, slow) - 1 + signal - 1` (TA-Lib) or 0 (pandas).
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_lookback(
    fast: i32,
    slow: i32,
    signal: i32,
    convention: i32,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = macd("ohlcv_ind_macd_lookback", fast, slow, signal, convention)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Rate of change in percent, `(x[i] / x[i - period] - 1)*100` (0 when the old value is 0), of
/// `input[0..n]` into `out[0..n]` (TA-Lib `ROC`; period 1 to 100000, lookback `period`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_roc";
    ffi_boundary(|| {
        let p = roc(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_roc`] to `*out`: `period`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = roc("ohlcv_ind_roc_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Momentum `x[i] - x[i - period]` of `input[0..n]` into `out[0..n]` (TA-Lib `MOM`; period 1
/// to 100000, lookback `period`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_mom";
    ffi_boundary(|| {
        let p = mom(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_mom`] to `*out`: `period`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = mom("ohlcv_ind_mom_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

// ---------------------------------------------------------------------------------------------
// Volatility

/// Rolling population standard deviation of `input[0..n]` times `nbdev` into `out[0..n]`
/// (TA-Lib `STDDEV`; period 2 to 100000, `nbdev` finite, lookback `period - 1`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev(
    input: *const f64,
    n: usize,
    period: i32,
    nbdev: f64,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_stddev";
    ffi_boundary(|| {
        let p = stddev(F, period, nbdev)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_stddev`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev_lookback(
    period: i32,
    nbdev: f64,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = stddev("ohlcv_ind_stddev_lookback", period, nbdev)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Bollinger Bands of `input[0..n]` (TA-Lib `BBANDS` with an SMA): middle = SMA(`period`),
/// upper and lower = middle +/- `nbdev_up` / `nbdev_dn` population standard deviations, into
/// `out_upper`, `out_middle` and `out_lower` (`n` values each). Period 2 to 100000, the
/// multipliers finite, lookback `period - 1`.
///
/// Ownership: `input` and the three outputs are borrowed for the call only; one output may be
/// `input`, the outputs must not overlap each other.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and each output for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands(
    input: *const f64,
    n: usize,
    period: i32,
    nbdev_up: f64,
    nbdev_dn: f64,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_bbands";
    ffi_boundary(|| {
        let p = bbands(F, period, nbdev_up, nbdev_dn)?;
        let outs = [
            dst(out_upper, n, "out_upper"),
            dst(out_middle, n, "out_middle"),
            dst(out_lower, n, "out_lower"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([col(input, n, "input")], None, outs, |[x], _, [u, m, l]| {
                p.compute(x, u, m, l).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_bbands`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands_lookback(
    period: i32,
    nbdev_up: f64,
    nbdev_dn: f64,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = bbands("ohlcv_ind_bbands_lookback", period, nbdev_up, nbdev_dn)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// True range of bars `0..n` into `out[0..n]`: `max(high - low, |high - previous close|,
/// |low - previous close|)` (TA-Lib `TRANGE`; lookback 1).
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, `out` for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_trange";
    ffi_boundary(|| {
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[h, l, c], _, [o]| {
                TrueRange.compute(h, l, c, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_trange`] to `*out`: 1.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange_lookback(out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, TrueRange.lookback()) }
    })
}

/// Average true range of bars `0..n` into `out[0..n]`: TA-Lib `ATR` (the mean of the first
/// `period` true ranges, then Wilder smoothing; lookback `period`) or, with
/// `OHLCV_CONVENTION_PANDAS`, `ewm(com=period-1, adjust=False)` of the true range whose first
/// value is `high - low` (lookback 0). Period 1 to 100000.
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, `out` for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    period: i32,
    convention: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_atr";
    ffi_boundary(|| {
        let p = atr(F, period, convention)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[h, l, c], _, [o]| {
                p.compute(h, l, c, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_atr`] to `*out`: `period` (TA-Lib)
/// or 0 (pandas).
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_lookback(
    period: i32,
    convention: i32,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = atr("ohlcv_ind_atr_lookback", period, convention)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

// ---------------------------------------------------------------------------------------------
// Oscillators on bars

/// Slow stochastic of bars `0..n` (TA-Lib `STOCH` with SMA smoothing): fast %K over `fastk`
/// bars, slow %K = SMA(`slowk`) of it into `out_k`, slow %D = SMA(`slowd`) of slow %K into
/// `out_d` (`n` values each). Periods 1 to 100000; lookback `fastk + slowk + slowd - 3`.
///
/// Ownership: the columns and both outputs are borrowed for the call only; an output may be an
/// input, the outputs must not overlap each other.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, each output for writes of
/// `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    fastk: i32,
    slowk: i32,
    slowd: i32,
    out_k: *mut f64,
    out_d: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_stoch";
    ffi_boundary(|| {
        let p = stoch(F, fastk, slowk, slowd)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        let outs = [dst(out_k, n, "out_k"), dst(out_d, n, "out_d")];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[h, l, c], _, [k, d]| {
                p.compute(h, l, c, k, d).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_stoch`] to `*out` (both outputs):
/// `fastk + slowk + slowd - 3`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch_lookback(
    fastk: i32,
    slowk: i32,
    slowd: i32,
    out: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = stoch("ohlcv_ind_stoch_lookback", fastk, slowk, slowd)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Williams %R of bars `0..n` into `out[0..n]`: `-100*(highest high - close)/(highest high -
/// lowest low)` over `period` bars, 0 on a flat window, clamped to [-100, 0] (TA-Lib `WILLR`;
/// period 2 to 100000, lookback `period - 1`).
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, `out` for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_willr";
    ffi_boundary(|| {
        let p = willr(F, period)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[h, l, c], _, [o]| {
                p.compute(h, l, c, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_willr`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = willr("ohlcv_ind_willr_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Commodity channel index of bars `0..n` into `out[0..n]`: `(tp - SMA(tp)) / (0.015 * mean
/// absolute deviation)` of the typical price `tp = (high + low + close) / 3` over `period`
/// bars, 0 on a flat window (TA-Lib `CCI`; period 2 to 100000, lookback `period - 1`).
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, `out` for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_cci";
    ffi_boundary(|| {
        let p = cci(F, period)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[h, l, c], _, [o]| {
                p.compute(h, l, c, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_cci`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = cci("ohlcv_ind_cci_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Average directional index with the directional indicators of bars `0..n` (TA-Lib `ADX`,
/// `PLUS_DI`, `MINUS_DI`; Wilder; period 2 to 100000) into `out_adx`, `out_plus_di` and
/// `out_minus_di` (`n` values each). ADX has lookback `2*period - 1`, +/-DI lookback `period`.
///
/// Ownership: the columns and the three outputs are borrowed for the call only; an output may
/// be an input, the outputs must not overlap each other.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n` doubles, each output for writes of
/// `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    period: i32,
    out_adx: *mut f64,
    out_plus_di: *mut f64,
    out_minus_di: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_adx";
    ffi_boundary(|| {
        let p = adx(F, period)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
        ];
        let outs = [
            dst(out_adx, n, "out_adx"),
            dst(out_plus_di, n, "out_plus_di"),
            dst(out_minus_di, n, "out_minus_di"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[h, l, c], _, [a, pd, md]| {
                p.compute(h, l, c, a, pd, md).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the numbers of leading NaN outputs of [`ohlcv_ind_adx`]: ADX's `2*period - 1` to
/// `*out_adx`, +/-DI's `period` to `*out_di`.
///
/// Ownership: nothing is allocated; the out-pointers stay the caller's.
///
/// # Safety
/// `out_adx` and `out_di` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx_lookback(
    period: i32,
    out_adx: *mut usize,
    out_di: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_adx, "out_adx")?;
        check_out(out_di, "out_di")?;
        let p = adx("ohlcv_ind_adx_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            put(out_adx, p.lookback())?;
            put(out_di, p.di_lookback())
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Volume

/// Money flow index of bars `0..n` into `out[0..n]`: `100*positive/(positive + negative)`
/// money flow (typical price x volume) over `period` bars (TA-Lib `MFI`; period 2 to 100000,
/// lookback `period`).
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `high`, `low`, `close` and `volume` must be valid for reads of `n` doubles, `out` for writes
/// of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    volume: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_mfi";
    ffi_boundary(|| {
        let p = mfi(F, period)?;
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
            col(volume, n, "volume"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[h, l, c, v], _, [o]| {
                p.compute(h, l, c, v, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_mfi`] to `*out`: `period`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = mfi("ohlcv_ind_mfi_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// On-balance volume of bars `0..n` into `out[0..n]`: the first volume, then plus the volume on
/// an up-close, minus it on a down-close (TA-Lib `OBV`; lookback 0).
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `close` and `volume` must be valid for reads of `n` doubles, `out` for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv(
    close: *const f64,
    volume: *const f64,
    n: usize,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_obv";
    ffi_boundary(|| {
        let ins = [col(close, n, "close"), col(volume, n, "volume")];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, [dst(out, n, "out")], |[c, v], _, [o]| {
                Obv.compute(c, v, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_obv`] to `*out`: 0.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv_lookback(out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, Obv.lookback()) }
    })
}

/// Volume-weighted average price reset at each UTC day of bars `0..n` into `out[0..n]`:
/// `sum tp*volume / sum volume` since the start of the day of `ts` (epoch milliseconds), with
/// `tp = (high + low + close) / 3` and Kahan-compensated sums (pandas'
/// `groupby(day).cumsum()`); NaN while the day's volume is 0. Lookback 0; no TA-Lib
/// equivalent.
///
/// Ownership: the columns and `out` are borrowed for the call only; `out` may be an input.
///
/// # Safety
/// `ts` must be valid for reads of `n` `uint64_t`, `high`, `low`, `close` and `volume` for reads
/// of `n` doubles, `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap(
    ts: *const u64,
    high: *const f64,
    low: *const f64,
    close: *const f64,
    volume: *const f64,
    n: usize,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_vwap";
    ffi_boundary(|| {
        let ins = [
            col(high, n, "high"),
            col(low, n, "low"),
            col(close, n, "close"),
            col(volume, n, "volume"),
        ];
        let ts = In {
            ptr: ts,
            len: n,
            name: "ts",
        };
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(
                ins,
                Some(ts),
                [dst(out, n, "out")],
                |[h, l, c, v], t, [o]| Vwap.compute(t, h, l, c, v, o).map_err(ind_err(F)),
            )
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_vwap`] to `*out`: 0.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap_lookback(out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, Vwap.lookback()) }
    })
}

// ---------------------------------------------------------------------------------------------
// Rolling extremes

/// Rolling maximum of the last `period` values of `input[0..n]` into `out[0..n]` (TA-Lib
/// `MAX`; period 2 to 100000, lookback `period - 1`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_max";
    ffi_boundary(|| {
        let p = max(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_max`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = max("ohlcv_ind_max_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Rolling minimum of the last `period` values of `input[0..n]` into `out[0..n]` (TA-Lib
/// `MIN`; period 2 to 100000, lookback `period - 1`).
///
/// Ownership: `input` and `out` are borrowed for the call only; `out` may be `input`.
///
/// # Safety
/// `input` must be valid for reads of `n` doubles and `out` for writes of `n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min(
    input: *const f64,
    n: usize,
    period: i32,
    out: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_min";
    ffi_boundary(|| {
        let p = min(F, period)?;
        let (i, o) = (col(input, n, "input"), dst(out, n, "out"));
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch([i], None, [o], |[x], _, [o]| {
                p.compute(x, o).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_min`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = min("ohlcv_ind_min_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

/// Donchian channel of bars `0..n`: upper = highest high and lower = lowest low of the last
/// `period` bars, middle = their mean (TA-Lib `MAX(high)`, `MIN(low)`, `MIDPRICE`), into
/// `out_upper`, `out_middle` and `out_lower` (`n` values each). Period 2 to 100000, lookback
/// `period - 1`.
///
/// Ownership: the columns and the three outputs are borrowed for the call only; an output may
/// be an input, the outputs must not overlap each other.
///
/// # Safety
/// `high` and `low` must be valid for reads of `n` doubles, each output for writes of `n`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian(
    high: *const f64,
    low: *const f64,
    n: usize,
    period: i32,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_donchian";
    ffi_boundary(|| {
        let p = donchian(F, period)?;
        let ins = [col(high, n, "high"), col(low, n, "low")];
        let outs = [
            dst(out_upper, n, "out_upper"),
            dst(out_middle, n, "out_middle"),
            dst(out_lower, n, "out_lower"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[h, l], _, [u, m, lo]| {
                p.compute(h, l, u, m, lo).map_err(ind_err(F))
            })
        }
    })
}

/// Writes the number of leading NaN outputs of [`ohlcv_ind_donchian`] to `*out`: `period - 1`.
///
/// Ownership: nothing is allocated; `out` stays the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian_lookback(period: i32, out: *mut usize) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let p = donchian("ohlcv_ind_donchian_lookback", period)?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { put(out, p.lookback()) }
    })
}

// ---------------------------------------------------------------------------------------------
// Many series

/// Checks the lane counts of a many-series call.
fn check_lanes(f: &str, lanes: usize, n_inputs: usize, n_params: usize) -> Result<()> {
    let bad = |what: &str, v: usize| {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{f}: {what} = {v} must be 1 or lanes ({lanes})"),
        ))
    };
    if lanes == 0 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{f}: lanes must be at least 1"),
        ));
    }
    if n_inputs != 1 && n_inputs != lanes {
        return bad("n_inputs", n_inputs);
    }
    if n_params != 1 && n_params != lanes {
        return bad("n_params", n_params);
    }
    Ok(())
}

/// `rows * n` values, or `Overflow`.
fn matrix_len(f: &str, rows: usize, n: usize) -> Result<usize> {
    rows.checked_mul(n).ok_or_else(|| {
        Error::new(
            ErrorKind::Overflow,
            format!("{f}: {rows} series of {n} values overflow"),
        )
    })
}

/// The parameter array `(ptr, len)` as `int32_t` values.
///
/// # Safety
/// `ptr` must be valid for reads of `len` values when `len > 0`.
unsafe fn int_params<'a>(ptr: *const i32, len: usize, name: &str) -> Result<&'a [i32]> {
    // SAFETY: forwarded to the caller's contract.
    unsafe { super::boundary::slice_from_raw(ptr, len, name) }
}

/// The rows of a `rows x n` matrix.
fn rows_of(x: &[f64], n: usize, rows: usize) -> Vec<&[f64]> {
    if n == 0 {
        vec![&[][..]; rows]
    } else {
        x.chunks_exact(n).collect()
    }
}

/// The rows of a writable `rows x n` matrix.
fn rows_of_mut(x: &mut [f64], n: usize, rows: usize) -> Vec<&mut [f64]> {
    if n == 0 {
        (0..rows).map(|_| &mut [][..]).collect()
    } else {
        x.chunks_exact_mut(n).collect()
    }
}

/// Maps an error about parameter set `j` of a many-series call.
fn lane_err(f: &str, j: usize) -> impl Fn(Error) -> Error + '_ {
    move |e| {
        let m = e.message();
        let rest = m
            .strip_prefix(f)
            .and_then(|r| r.strip_prefix(": "))
            .unwrap_or(m);
        Error::new(e.kind(), format!("{f}: parameter set {j}: {rest}"))
    }
}

/// Many EMAs at once, four series per SIMD pass (see the module documentation for the matrix
/// layout): lane `j` computes the EMA of period `periods[j]` (or `periods[0]` when
/// `n_params == 1`) over input row `j` (or row 0 when `n_inputs == 1`) into row `j` of `out`.
/// Every lane uses `convention` and is bitwise identical to [`ohlcv_ind_ema`] on its own.
///
/// Ownership: `input`, `periods` and `out` are borrowed for the call only; `out` may overlap
/// `input`.
///
/// # Safety
/// `input` must be valid for reads of `n_inputs * n` doubles, `periods` for reads of `n_params`
/// values, `out` for writes of `lanes * n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_many(
    input: *const f64,
    n: usize,
    n_inputs: usize,
    periods: *const i32,
    n_params: usize,
    convention: i32,
    out: *mut f64,
    lanes: usize,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_ema_many";
    ffi_boundary(|| {
        check_lanes(F, lanes, n_inputs, n_params)?;
        // SAFETY: forwarded to the caller's contract.
        let ps = unsafe { int_params(periods, n_params, "periods") }?;
        let params = ps
            .iter()
            .enumerate()
            .map(|(j, &p)| ema(F, p, convention).map_err(lane_err(F, j)))
            .collect::<Result<Vec<_>>>()?;
        let ins = [col(input, matrix_len(F, n_inputs, n)?, "input")];
        let outs = [dst(out, matrix_len(F, lanes, n)?, "out")];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[x], _, [o]| {
                let inputs = rows_of(x, n, n_inputs);
                let mut outputs = rows_of_mut(o, n, lanes);
                Ema::compute_many(&params, &inputs, &mut outputs).map_err(ind_err(F))
            })
        }
    })
}

/// Many RSIs at once, four series per SIMD pass; lanes, rows and parameters as in
/// [`ohlcv_ind_ema_many`]. Each lane is bitwise identical to [`ohlcv_ind_rsi`] on its own.
///
/// Ownership: `input`, `periods` and `out` are borrowed for the call only; `out` may overlap
/// `input`.
///
/// # Safety
/// `input` must be valid for reads of `n_inputs * n` doubles, `periods` for reads of `n_params`
/// values, `out` for writes of `lanes * n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_many(
    input: *const f64,
    n: usize,
    n_inputs: usize,
    periods: *const i32,
    n_params: usize,
    convention: i32,
    out: *mut f64,
    lanes: usize,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_rsi_many";
    ffi_boundary(|| {
        check_lanes(F, lanes, n_inputs, n_params)?;
        // SAFETY: forwarded to the caller's contract.
        let ps = unsafe { int_params(periods, n_params, "periods") }?;
        let params = ps
            .iter()
            .enumerate()
            .map(|(j, &p)| rsi(F, p, convention).map_err(lane_err(F, j)))
            .collect::<Result<Vec<_>>>()?;
        let ins = [col(input, matrix_len(F, n_inputs, n)?, "input")];
        let outs = [dst(out, matrix_len(F, lanes, n)?, "out")];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[x], _, [o]| {
                let inputs = rows_of(x, n, n_inputs);
                let mut outputs = rows_of_mut(o, n, lanes);
                Rsi::compute_many(&params, &inputs, &mut outputs).map_err(ind_err(F))
            })
        }
    })
}

/// Many ATRs at once, four series per SIMD pass: `high`, `low` and `close` are three matrices
/// of `n_inputs` rows; lanes, rows and parameters as in [`ohlcv_ind_ema_many`]. Each lane is
/// bitwise identical to [`ohlcv_ind_atr`] on its own.
///
/// Ownership: the inputs, `periods` and `out` are borrowed for the call only; `out` may overlap
/// the inputs.
///
/// # Safety
/// `high`, `low` and `close` must be valid for reads of `n_inputs * n` doubles, `periods` for
/// reads of `n_params` values, `out` for writes of `lanes * n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_many(
    high: *const f64,
    low: *const f64,
    close: *const f64,
    n: usize,
    n_inputs: usize,
    periods: *const i32,
    n_params: usize,
    convention: i32,
    out: *mut f64,
    lanes: usize,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_atr_many";
    ffi_boundary(|| {
        check_lanes(F, lanes, n_inputs, n_params)?;
        // SAFETY: forwarded to the caller's contract.
        let ps = unsafe { int_params(periods, n_params, "periods") }?;
        let params = ps
            .iter()
            .enumerate()
            .map(|(j, &p)| atr(F, p, convention).map_err(lane_err(F, j)))
            .collect::<Result<Vec<_>>>()?;
        let len = matrix_len(F, n_inputs, n)?;
        let ins = [
            col(high, len, "high"),
            col(low, len, "low"),
            col(close, len, "close"),
        ];
        let outs = [dst(out, matrix_len(F, lanes, n)?, "out")];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[h, l, c], _, [o]| {
                let inputs: Vec<_> = rows_of(h, n, n_inputs)
                    .into_iter()
                    .zip(rows_of(l, n, n_inputs))
                    .zip(rows_of(c, n, n_inputs))
                    .map(|((h, l), c)| (h, l, c))
                    .collect();
                let mut outputs = rows_of_mut(o, n, lanes);
                Atr::compute_many(&params, &inputs, &mut outputs).map_err(ind_err(F))
            })
        }
    })
}

/// Many MACDs at once, four series per SIMD pass: lane `j` uses `fast[j]`, `slow[j]` and
/// `signal[j]` (index 0 when `n_params == 1`) and writes row `j` of `out_macd`, `out_signal`
/// and `out_hist` (`lanes` rows each); lanes and rows as in [`ohlcv_ind_ema_many`]. Each lane
/// is bitwise identical to [`ohlcv_ind_macd`] on its own.
///
/// Ownership: `input`, the parameter arrays and the outputs are borrowed for the call only; an
/// output may overlap `input`, the outputs must not overlap each other.
///
/// # Safety
/// `input` must be valid for reads of `n_inputs * n` doubles, `fast`, `slow` and `signal` for
/// reads of `n_params` values each, each output for writes of `lanes * n` doubles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_many(
    input: *const f64,
    n: usize,
    n_inputs: usize,
    fast: *const i32,
    slow: *const i32,
    signal: *const i32,
    n_params: usize,
    convention: i32,
    out_macd: *mut f64,
    out_signal: *mut f64,
    out_hist: *mut f64,
    lanes: usize,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_macd_many";
    ffi_boundary(|| {
        check_lanes(F, lanes, n_inputs, n_params)?;
        // SAFETY: forwarded to the caller's contract.
        let (f, s, g) = unsafe {
            (
                int_params(fast, n_params, "fast")?,
                int_params(slow, n_params, "slow")?,
                int_params(signal, n_params, "signal")?,
            )
        };
        let params = (0..n_params)
            .map(|j| macd(F, f[j], s[j], g[j], convention).map_err(lane_err(F, j)))
            .collect::<Result<Vec<_>>>()?;
        let ins = [col(input, matrix_len(F, n_inputs, n)?, "input")];
        let len = matrix_len(F, lanes, n)?;
        let outs = [
            dst(out_macd, len, "out_macd"),
            dst(out_signal, len, "out_signal"),
            dst(out_hist, len, "out_hist"),
        ];
        // SAFETY: forwarded to the caller's contract.
        unsafe {
            batch(ins, None, outs, |[x], _, [a, b, c]| {
                let inputs = rows_of(x, n, n_inputs);
                let (mut a, mut b, mut c) = (
                    rows_of_mut(a, n, lanes),
                    rows_of_mut(b, n, lanes),
                    rows_of_mut(c, n, lanes),
                );
                Macd::compute_many(&params, &inputs, &mut a, &mut b, &mut c).map_err(ind_err(F))
            })
        }
    })
}
