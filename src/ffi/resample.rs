//! Resampling from C: the one-shot kernel into a caller buffer, and the streaming resampler
//! object.

use super::boundary::{
    bars_from_raw, bars_from_raw_mut, check_disjoint, check_out, check_out_bar, ffi_boundary,
    opt_str_from_c, out_write, out_write_bar, str_from_c,
};
use super::handles;
use super::status::ohlcv_status;
use crate::resample::{ResampleOptions, Resampler, resample};
use crate::timeframe::{Origin, Side, Timeframe};
use crate::{Bar, Error, ErrorKind, Result};
use core::ffi::c_char;
use std::format;

/// A side of a bin (pass the value as `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_side {
    /// Whatever the timeframe spec says (`closed=`/`label=` options), else left.
    Spec = 0,
    /// The left (earlier) end: the pipeline's choice for both `closed` and `label`.
    Left = 1,
    /// The right (later) end.
    Right = 2,
}

/// How a resample aggregates and what it keeps. Fill it with
/// [`ohlcv_resample_options_default`] (the pipeline's settings), then change fields.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ohlcv_resample_options {
    /// Where the grid of a fixed rule is anchored: `"epoch"`, a time of day `"HH:MM[:SS]"`, or
    /// epoch milliseconds (`"-3600000"`). NULL or `""` keeps the spec's origin (epoch unless the
    /// spec has `origin=`). Borrowed for the call only.
    pub origin: *const c_char,
    /// Which end of a bin is closed: an `ohlcv_side`.
    pub closed: i32,
    /// Which edge labels a bin: an `ohlcv_side`.
    pub label: i32,
    /// Round all five fields NumPy-style to this many decimals (0 to 255); -1 for no rounding.
    pub round_decimals: i32,
    /// Drop bars whose summed volume is not `> 0` (zero, negative or NaN), before rounding.
    pub drop_nonpositive_volume: bool,
}

/// The pipeline's settings: the spec's sides and origin, drop volume `<= 0`, round to 8.
const PIPELINE: ohlcv_resample_options = ohlcv_resample_options {
    origin: core::ptr::null(),
    closed: ohlcv_side::Spec as i32,
    label: ohlcv_side::Spec as i32,
    round_decimals: 8,
    drop_nonpositive_volume: true,
};

fn side_arg(v: i32, name: &str) -> Result<Option<Side>> {
    match v {
        0 => Ok(None),
        1 => Ok(Some(Side::Left)),
        2 => Ok(Some(Side::Right)),
        _ => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "options.{name} {v} is not an ohlcv_side (OHLCV_SIDE_SPEC, OHLCV_SIDE_LEFT or \
                 OHLCV_SIDE_RIGHT)"
            ),
        )),
    }
}

/// The timeframe and kernel options from a C spec and options struct (NULL = the pipeline's).
///
/// # Safety
/// `spec` must be NULL or NUL-terminated; `options` NULL or valid for a read, its `origin` NULL
/// or NUL-terminated.
unsafe fn parse_args(
    spec: *const c_char,
    options: *const ohlcv_resample_options,
) -> Result<(Timeframe, ResampleOptions)> {
    // SAFETY: forwarded to the caller's contract.
    let text = unsafe { str_from_c(spec, "timeframe") }?;
    let context = |e: Error| e.context(format_args!("timeframe {text:?}"));
    let mut tf = Timeframe::parse(text).map_err(|e| context(e.into()))?;
    let o = if options.is_null() {
        PIPELINE
    } else {
        // SAFETY: non-NULL; valid for a read by the caller's contract. Read unaligned so a
        // struct from any allocator is fine.
        unsafe { options.read_unaligned() }
    };
    // SAFETY: forwarded to the caller's contract.
    if let Some(origin) = unsafe { opt_str_from_c(o.origin, "options.origin") }? {
        let origin = Origin::parse(origin).map_err(|e| context(e.into()))?;
        tf = tf.with_origin(origin).map_err(|e| context(e.into()))?;
    }
    if let Some(side) = side_arg(o.closed, "closed")? {
        tf = tf.with_closed(side);
    }
    if let Some(side) = side_arg(o.label, "label")? {
        tf = tf.with_label(side);
    }
    let round_decimals = match o.round_decimals {
        -1 => None,
        d => Some(u8::try_from(d).map_err(|_| {
            Error::new(
                ErrorKind::InvalidArgument,
                format!("options.round_decimals {d} is neither -1 (no rounding) nor 0 to 255"),
            )
        })?),
    };
    let opts = ResampleOptions {
        drop_nonpositive_volume: o.drop_nonpositive_volume,
        round_decimals,
    };
    Ok((tf, opts))
}

/// Writes the pipeline's resample options to `*out`: origin NULL and both sides
/// `OHLCV_SIDE_SPEC` (the spec decides; left/left/epoch by default), drop bars with volume
/// `<= 0`, round to 8 decimals. Passing NULL options to a resample function means the same.
///
/// Ownership: nothing is allocated; `*out` is the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resample_options_default(
    out: *mut ohlcv_resample_options,
) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { out_write(out, PIPELINE) })
}

/// Resamples `input_count` bars (sorted by `ts`) into the timeframe `timeframe` (a spec such as
/// `"5m"`, `"4h,origin=03:00"`, `"W-MON"`, `"MS"`), writing at most `capacity` bars to `out`
/// and their number to `*out_count`. A capacity of `input_count` is always enough. `options`
/// NULL means [`ohlcv_resample_options_default`]. Equal to pandas `resample().agg(first, max,
/// min, last, sum)` followed by the options' filter and rounding.
///
/// Ownership: `input`, `timeframe` and `options` are borrowed for the call only; `out` is the
/// caller's.
///
/// Errors: `INVALID_TIMEFRAME` for a bad spec or origin; `INVALID_DATA` when the input steps
/// back in time; `BUFFER_TOO_SMALL` when `capacity` is short (the message gives the count
/// needed; `out` may have been written); `INVALID_ARGUMENT` when `input` and `out` overlap;
/// `MISALIGNED` when a buffer is not 64-byte aligned.
///
/// # Safety
/// `input` must be valid for reads of `input_count` bars, `out` for writes of `capacity` bars;
/// `timeframe` NULL or NUL-terminated; `options` NULL or valid for a read; `out_count` NULL or
/// valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resample(
    input: *const Bar,
    input_count: usize,
    timeframe: *const c_char,
    options: *const ohlcv_resample_options,
    out: *mut Bar,
    capacity: usize,
    out_count: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_count, "out_count")?;
        // SAFETY: forwarded to the caller's contract.
        let (tf, opts) = unsafe { parse_args(timeframe, options) }?;
        // SAFETY: forwarded to the caller's contract.
        let input_slice = unsafe { bars_from_raw(input, input_count, "input") }?;
        // SAFETY: forwarded to the caller's contract; checked not to overlap `input` before the
        // mutable slice is made.
        let out = unsafe {
            bars_from_raw_mut(out, capacity, "out")
                .and_then(|o| check_disjoint(input, input_count, o.as_ptr(), capacity).map(|()| o))
        }?;
        let n = resample(input_slice, &tf, &opts, out)?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_count, n) }
    })
}

/// A streaming resampler (opaque). Created by [`ohlcv_resampler_new`], destroyed by
/// [`ohlcv_resampler_free`].
pub struct ohlcv_resampler {
    _private: [u8; 0],
}

const KIND: &str = "resampler";

fn with_resampler<R>(
    rs: *const ohlcv_resampler,
    f: impl FnOnce(&mut Resampler) -> Result<R>,
) -> Result<R> {
    handles::with(handles::token(rs), KIND, f)
}

/// Creates a streaming resampler for `timeframe` and `options` (as [`ohlcv_resample`]) and writes
/// it to `*out`. Pushing sorted bars in chunks of any size gives exactly the bars of one
/// `ohlcv_resample` call over all of them.
///
/// Ownership: the caller owns the resampler and must destroy it with [`ohlcv_resampler_free`].
/// `timeframe` and `options` are borrowed for the call only.
///
/// # Safety
/// `timeframe` must be NULL or NUL-terminated; `options` NULL or valid for a read; `out` NULL
/// or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resampler_new(
    timeframe: *const c_char,
    options: *const ohlcv_resample_options,
    out: *mut *mut ohlcv_resampler,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let (tf, opts) = unsafe { parse_args(timeframe, options) }?;
        let id = handles::insert(Resampler::new(tf, opts));
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out, handles::pointer(id)) }
    })
}

/// Destroys a resampler, dropping any forming bar. NULL is accepted and ignored; a resampler
/// that is already freed is `OHLCV_STATUS_BAD_HANDLE` (nothing else happens).
///
/// Ownership: ends the caller's ownership of `rs`.
///
/// # Safety
/// Always safe: `rs` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resampler_free(rs: *mut ohlcv_resampler) -> ohlcv_status {
    ffi_boundary(|| {
        if rs.is_null() {
            return Ok(());
        }
        handles::remove::<Resampler>(handles::token(rs), KIND).map(drop)
    })
}

/// Consumes bars from `input` (continuing the time order of earlier pushes) and writes the bars
/// of the bins they close to `out`. Writes the number of input bars consumed to
/// `*out_consumed` and of bars written to `*out_written`. Stops early (consumed <
/// `input_count`) when a bar is due and `out` is full: push the rest after using `out`. The
/// last bin stays forming until [`ohlcv_resampler_finish`].
///
/// Ownership: `input` is borrowed for the call only; `out` is the caller's.
///
/// Errors: `INVALID_DATA` when the input steps back in time (the resampler is unchanged);
/// `INVALID_ARGUMENT` when `input` and `out` overlap.
///
/// # Safety
/// `input` must be valid for reads of `input_count` bars, `out` for writes of `capacity` bars;
/// `out_consumed` and `out_written` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resampler_push(
    rs: *mut ohlcv_resampler,
    input: *const Bar,
    input_count: usize,
    out: *mut Bar,
    capacity: usize,
    out_consumed: *mut usize,
    out_written: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_consumed, "out_consumed")?;
        check_out(out_written, "out_written")?;
        // SAFETY: forwarded to the caller's contract.
        let input_slice = unsafe { bars_from_raw(input, input_count, "input") }?;
        // SAFETY: forwarded to the caller's contract; checked not to overlap `input` before the
        // mutable slice is made.
        let out = unsafe {
            bars_from_raw_mut(out, capacity, "out")
                .and_then(|o| check_disjoint(input, input_count, o.as_ptr(), capacity).map(|()| o))
        }?;
        let (consumed, written) = with_resampler(rs, |r| Ok(r.push(input_slice, out)?))?;
        // SAFETY: both checked non-NULL and aligned above.
        unsafe {
            out_write(out_consumed, consumed)?;
            out_write(out_written, written)
        }
    })
}

/// Writes whether a bar is forming to `*out_found` and, when it is, the bar as it would be
/// emitted now (label, filter, rounding) to `*out`. The resampler is unchanged.
///
/// Ownership: `*out` is the caller's; it needs no particular alignment.
///
/// # Safety
/// `out` must be NULL or valid for a 64-byte write; `out_found` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resampler_forming(
    rs: *const ohlcv_resampler,
    out: *mut Bar,
    out_found: *mut bool,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_bar(out, "out")?;
        check_out(out_found, "out_found")?;
        let bar = with_resampler(rs, |r| Ok(r.forming()))?;
        // SAFETY: checked above; valid by the caller's contract.
        unsafe { write_optional_bar(out, out_found, bar) }
    })
}

/// Closes the forming bin: as [`ohlcv_resampler_forming`], then resets the resampler to its
/// state after [`ohlcv_resampler_new`].
///
/// Ownership: `*out` is the caller's; it needs no particular alignment.
///
/// # Safety
/// `out` must be NULL or valid for a 64-byte write; `out_found` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_resampler_finish(
    rs: *mut ohlcv_resampler,
    out: *mut Bar,
    out_found: *mut bool,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_bar(out, "out")?;
        check_out(out_found, "out_found")?;
        let bar = with_resampler(rs, |r| Ok(r.finish()))?;
        // SAFETY: checked above; valid by the caller's contract.
        unsafe { write_optional_bar(out, out_found, bar) }
    })
}

/// Writes `bar` (when some) and whether it was some.
///
/// # Safety
/// `out` non-NULL and valid for a 64-byte write; `out_found` non-NULL, aligned, valid.
unsafe fn write_optional_bar(out: *mut Bar, out_found: *mut bool, bar: Option<Bar>) -> Result<()> {
    if let Some(b) = bar {
        // SAFETY: forwarded to the caller's contract.
        unsafe { out_write_bar(out, b) }?;
    }
    // SAFETY: forwarded to the caller's contract.
    unsafe { out_write(out_found, bar.is_some()) }
}
