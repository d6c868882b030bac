//! Reductions over bar buffers from C (the SIMD kernels of [`crate::simd`]).
//!
//! Every function takes `(const ohlcv_bar *bars, size_t count)` with the module conventions
//! (64-byte alignment, `count == 0` is an empty buffer whatever the pointer) and follows the
//! pandas semantics of [`crate::simd`]: NaN values are skipped; a NaN result means "no valid
//! value".

use super::boundary::out_write_bar;
use super::boundary::{bars_from_raw, check_out, check_out_bar, ffi_boundary, out_write};
use super::status::ohlcv_status;
use crate::{Bar, Result, simd};

/// Checks the buffer and the out-pointer, then writes `f(bars)` to `*out`.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
unsafe fn reduce(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
    f: fn(&[Bar]) -> f64,
) -> Result<()> {
    check_out(out, "out")?;
    // SAFETY: forwarded to the caller's contract.
    let bars = unsafe { bars_from_raw(bars, count, "bars") }?;
    // SAFETY: checked non-NULL and aligned above.
    unsafe { out_write(out, f(bars)) }
}

/// Writes the highest non-NaN `high` of the bars to `*out` (NaN when there is none, including
/// for an empty buffer). A zero maximum has the sign of the first zero.
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_max_high(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::max_high) })
}

/// Writes the lowest non-NaN `low` of the bars to `*out` (NaN when there is none). A zero
/// minimum has the sign of the first zero.
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_min_low(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::min_low) })
}

/// Writes the first non-NaN `open` of the bars to `*out` (NaN when there is none; pandas
/// `first`).
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_first_open(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::first_open) })
}

/// Writes the last non-NaN `close` of the bars to `*out` (NaN when there is none; pandas
/// `last`).
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_last_close(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::last_close) })
}

/// Writes the sum of the non-NaN volumes to `*out` (0.0 when there are none), in the fixed
/// eight-lane association of the SIMD kernels: fast and the same bits on every CPU, but not
/// pandas' sum (use [`ohlcv_bars_sum_volume_kahan`] for that).
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_sum_volume(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::sum_volume) })
}

/// Writes the sum of the non-NaN volumes to `*out` (0.0 when there are none), bit-identical to
/// pandas' compensated (Kahan) group sum: the pipeline's resampled volume.
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_sum_volume_kahan(
    bars: *const Bar,
    count: usize,
    out: *mut f64,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { reduce(bars, count, out, simd::sum_volume_kahan) })
}

/// Folds the bars into one, as the resample kernel does for a bin: the first bar's `ts`, first
/// open, max high, min low, last close, Kahan volume sum, zero reserved bytes. Writes whether
/// there was anything to fold to `*out_found`; only when it is true is `*out` written (an empty
/// buffer leaves `*out` untouched).
///
/// Ownership: `bars` is borrowed for the call only. `out` needs no particular alignment.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out` NULL or valid for a 64-byte write;
/// `out_found` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_fold(
    bars: *const Bar,
    count: usize,
    out: *mut Bar,
    out_found: *mut bool,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_bar(out, "out")?;
        check_out(out_found, "out_found")?;
        // SAFETY: forwarded to the caller's contract.
        let bars = unsafe { bars_from_raw(bars, count, "bars") }?;
        let folded = simd::fold(bars);
        if let Some(bar) = folded {
            // SAFETY: checked non-NULL above; valid for 64 bytes by the caller's contract.
            unsafe { out_write_bar(out, bar) }?;
        }
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_found, folded.is_some()) }
    })
}
