//! Indicators from C, streaming form: one complete `#[repr(C)]` struct per indicator
//! (`ohlcv_ind_<name>_state`) that the caller owns, with `ohlcv_ind_<name>_init`, `_update`,
//! `_peek` and `_reset`.
//!
//! # The state is a plain value
//!
//! A state is `{ uint64_t tag; uint64_t opaque[K]; }`: no pointer, no handle, nothing to free.
//! It lives wherever the caller puts it (stack, array, mapped file) and is copied with `=` or
//! `memcpy`; saving its bytes next to an index record and copying them back after a restart
//! resumes the indicator exactly where it was, bit for bit. `opaque` holds the Rust state
//! ([`crate::indicators`], at the default capacity of 256 for windowed indicators) byte for
//! byte: its size is checked against the Rust type at compile time, and against the C
//! compiler's layout by static assertions in `ohlcv.h`. Its contents are the library's
//! business and may change between ABI versions (`OHLCV_ABI_VERSION`); saved bytes are in
//! native byte order.
//!
//! `tag` identifies the indicator and the state format. `_init` sets it and every other call
//! checks it, so a state that was never initialised (all zeros, say), belongs to another
//! indicator, or was saved under another state format is `OHLCV_STATUS_INVALID_ARGUMENT`
//! instead of garbage. The `opaque` words are not checked: they must be bytes that `_init` or
//! `_update` produced. Altered bytes are never memory-unsafe (the Rust states index their
//! windows with checks), but they can give meaningless numbers, `OHLCV_STATUS_PANIC`, or, in
//! the states with rolling extremes (MAX, MIN, Donchian, WILLR, STOCH), a very long update.
//!
//! Updates and peeks give exactly the batch function's numbers at every bar, gaps (non-finite
//! inputs) included: a gap outputs NaN and restarts the indicator.

use super::boundary::{check_out, check_out_opt, ffi_boundary, out_write_opt};
use super::indicators::{self as p, ind_err};
use super::status::ohlcv_status;
use crate::indicators::{
    AdxState, AtrState, BbandsState, CciState, DEFAULT_CAPACITY, DemaState, DonchianState,
    EmaState, MacdState, MaxState, MfiState, MinState, MomState, Obv, ObvState, RocState, RsiState,
    SmaState, StddevState, StochState, TemaState, TrueRange, TrueRangeState, Vwap, VwapState,
    WillRState, WmaState,
};
use crate::{Error, ErrorKind, Result};
use std::format;

/// Window capacity of the C states (`OHLCV_IND_STATE_CAPACITY` in `ohlcv.h`).
pub const STATE_CAPACITY: usize = DEFAULT_CAPACITY;
const CAP: usize = STATE_CAPACITY;

/// Version of the state contents; part of every tag. Bump it whenever the bytes of any state
/// change meaning (`tests/ffi_indicators.rs` pins them), so that states saved by an older
/// library are refused, not misread.
pub const STATE_FORMAT: u64 = 1;

/// A tag: `"ohlcv"` in the top five bytes, then the state format (16 bits) and the indicator
/// (8 bits).
const fn tag(kind: u64) -> u64 {
    0x6F68_6C63_7600_0000 | (STATE_FORMAT << 8) | kind
}

/// A C state struct: a tag word followed by the Rust state `Inner`.
trait CState {
    /// The Rust streaming state carried in `opaque`. Every bit pattern must be a valid value
    /// (all its fields are `f64` or integers), so bytes restored by C are always sound.
    type Inner: Copy;
    /// The tag of an initialised state.
    const TAG: u64;
    /// The C type name.
    const NAME: &'static str;
    /// The C function that initialises it.
    const INIT: &'static str;
}

/// Implements [`CState`] and checks the layout at compile time: the tag at offset 0, the Rust
/// state in `opaque` at offset 8 with exactly its size and no stricter alignment.
macro_rules! c_state {
    ($c:ident, $inner:ty, $kind:expr, $init:literal) => {
        impl CState for $c {
            type Inner = $inner;
            const TAG: u64 = tag($kind);
            const NAME: &'static str = stringify!($c);
            const INIT: &'static str = $init;
        }
        const _: () = {
            assert!(core::mem::offset_of!($c, tag) == 0);
            assert!(core::mem::offset_of!($c, opaque) == 8);
            assert!(size_of::<$c>() == 8 + size_of::<$inner>());
            assert!(align_of::<$inner>() <= 8 && align_of::<$c>() == 8);
        };
    };
}

/// Fails with `InvalidArgument` unless `tag` is that of an initialised `S`.
fn check_tag<S: CState>(tag: u64) -> Result<()> {
    if tag == S::TAG {
        return Ok(());
    }
    let why = if tag == 0 {
        "was never initialised".into()
    } else if tag & !0xFF_FFFF == S::TAG & !0xFF_FFFF && (tag >> 8) & 0xFFFF != STATE_FORMAT {
        format!(
            "was saved in state format {} (this library reads format {STATE_FORMAT})",
            (tag >> 8) & 0xFFFF
        )
    } else {
        format!(
            "has tag {tag:#018x}, not that of an initialised {}",
            S::NAME
        )
    };
    Err(Error::new(
        ErrorKind::InvalidArgument,
        format!("{}: the state {why}; call {} first", S::NAME, S::INIT),
    ))
}

/// The Rust state inside a C state, for update.
///
/// # Safety
/// `s` must be NULL or valid for reads and writes of an `S`, not accessed otherwise during
/// `'a`.
unsafe fn state_mut<'a, S: CState>(s: *mut S) -> Result<&'a mut S::Inner> {
    check_out(s, "state")?;
    // SAFETY: non-NULL and aligned (checked); readable by the caller's contract. `tag` is the
    // first field (asserted in `c_state!`).
    check_tag::<S>(unsafe { s.cast::<u64>().read() })?;
    // SAFETY: `opaque` starts 8 bytes in, has the size of `Inner` and at least its alignment
    // (asserted in `c_state!`), lies inside `*s` (valid and exclusive by the caller's contract),
    // and any initialised bytes are a valid `Inner`.
    Ok(unsafe { &mut *s.cast::<u64>().add(1).cast::<S::Inner>() })
}

/// The Rust state inside a C state, for peek.
///
/// # Safety
/// `s` must be NULL or valid for reads of an `S`, not written during `'a`.
unsafe fn state_ref<'a, S: CState>(s: *const S) -> Result<&'a S::Inner> {
    check_out(s.cast_mut(), "state")?;
    // SAFETY: as in `state_mut`.
    check_tag::<S>(unsafe { s.cast::<u64>().read() })?;
    // SAFETY: as in `state_mut`, shared instead of exclusive.
    Ok(unsafe { &*s.cast::<u64>().add(1).cast::<S::Inner>() })
}

/// Writes a fresh state: the tag, then the Rust state.
///
/// # Safety
/// `out` must be checked non-NULL and aligned, and valid for a write of an `S`.
unsafe fn state_init<S: CState>(out: *mut S, inner: S::Inner) -> Result<()> {
    // SAFETY: valid for a write of `S` (caller's contract); tag at offset 0, `Inner` at offset 8
    // within `S` with a fitting size and alignment (asserted in `c_state!`).
    unsafe {
        out.cast::<u64>().write(S::TAG);
        out.cast::<u64>().add(1).cast::<S::Inner>().write(inner);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// SMA

/// Streaming simple moving average (`ohlcv_ind_sma`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_sma_init`, feed it with `ohlcv_ind_sma_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_sma_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_sma_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 261],
}

c_state!(ohlcv_ind_sma_state, SmaState, 1, "ohlcv_ind_sma_init");

/// Initialises `*out` as a fresh streaming simple moving average (`ohlcv_ind_sma`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma_init(
    period: i32,
    out: *mut ohlcv_ind_sma_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_sma_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: SmaState = p::sma(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the simple moving average ending there to `*out`
/// (NaN during the warm-up and at a gap, as the batch function). Any output pointer may be NULL
/// (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma_update(
    state: *mut ohlcv_ind_sma_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_sma_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma_peek(
    state: *const ohlcv_ind_sma_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_sma_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_sma_reset(state: *mut ohlcv_ind_sma_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// EMA

/// Streaming exponential moving average (`ohlcv_ind_ema`): a plain value the caller owns. Fill it
/// with `ohlcv_ind_ema_init`, feed it with `ohlcv_ind_ema_update`; copy it (assignment or `memcpy`)
/// to save it and copy it back to restore it: the copy continues bit for bit. Do not edit the
/// fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_ema_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_ema_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 10],
}

c_state!(ohlcv_ind_ema_state, EmaState, 2, "ohlcv_ind_ema_init");

/// Initialises `*out` as a fresh streaming exponential moving average (`ohlcv_ind_ema`) with
/// `period` and `convention`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_init(
    period: i32,
    convention: i32,
    out: *mut ohlcv_ind_ema_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_ema_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: EmaState = p::ema(F, period, convention)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the exponential moving average ending there to
/// `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may be
/// NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_update(
    state: *mut ohlcv_ind_ema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_ema_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_peek(
    state: *const ohlcv_ind_ema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_ema_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_ema_reset(state: *mut ohlcv_ind_ema_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// WMA

/// Streaming weighted moving average (`ohlcv_ind_wma`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_wma_init`, feed it with `ohlcv_ind_wma_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_wma_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_wma_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 264],
}

c_state!(ohlcv_ind_wma_state, WmaState, 3, "ohlcv_ind_wma_init");

/// Initialises `*out` as a fresh streaming weighted moving average (`ohlcv_ind_wma`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma_init(
    period: i32,
    out: *mut ohlcv_ind_wma_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_wma_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: WmaState = p::wma(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the weighted moving average ending there to `*out`
/// (NaN during the warm-up and at a gap, as the batch function). Any output pointer may be NULL
/// (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma_update(
    state: *mut ohlcv_ind_wma_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_wma_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma_peek(
    state: *const ohlcv_ind_wma_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_wma_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_wma_reset(state: *mut ohlcv_ind_wma_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// DEMA

/// Streaming double exponential moving average (`ohlcv_ind_dema`): a plain value the caller owns.
/// Fill it with `ohlcv_ind_dema_init`, feed it with `ohlcv_ind_dema_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_dema_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_dema_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 16],
}

c_state!(ohlcv_ind_dema_state, DemaState, 4, "ohlcv_ind_dema_init");

/// Initialises `*out` as a fresh streaming double exponential moving average (`ohlcv_ind_dema`)
/// with `period`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema_init(
    period: i32,
    out: *mut ohlcv_ind_dema_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_dema_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: DemaState = p::dema(F, period)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the double exponential moving average ending there
/// to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may
/// be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema_update(
    state: *mut ohlcv_ind_dema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_dema_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema_peek(
    state: *const ohlcv_ind_dema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_dema_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_dema_reset(state: *mut ohlcv_ind_dema_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// TEMA

/// Streaming triple exponential moving average (`ohlcv_ind_tema`): a plain value the caller owns.
/// Fill it with `ohlcv_ind_tema_init`, feed it with `ohlcv_ind_tema_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_tema_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_tema_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 24],
}

c_state!(ohlcv_ind_tema_state, TemaState, 5, "ohlcv_ind_tema_init");

/// Initialises `*out` as a fresh streaming triple exponential moving average (`ohlcv_ind_tema`)
/// with `period`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema_init(
    period: i32,
    out: *mut ohlcv_ind_tema_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_tema_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: TemaState = p::tema(F, period)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the triple exponential moving average ending there
/// to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may
/// be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema_update(
    state: *mut ohlcv_ind_tema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_tema_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema_peek(
    state: *const ohlcv_ind_tema_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_tema_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_tema_reset(state: *mut ohlcv_ind_tema_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// RSI

/// Streaming relative strength index (`ohlcv_ind_rsi`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_rsi_init`, feed it with `ohlcv_ind_rsi_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_rsi_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_rsi_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 9],
}

c_state!(ohlcv_ind_rsi_state, RsiState, 6, "ohlcv_ind_rsi_init");

/// Initialises `*out` as a fresh streaming relative strength index (`ohlcv_ind_rsi`) with `period`
/// and `convention`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_init(
    period: i32,
    convention: i32,
    out: *mut ohlcv_ind_rsi_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_rsi_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: RsiState = p::rsi(F, period, convention)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the relative strength index ending there to `*out`
/// (NaN during the warm-up and at a gap, as the batch function). Any output pointer may be NULL
/// (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_update(
    state: *mut ohlcv_ind_rsi_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_rsi_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_peek(
    state: *const ohlcv_ind_rsi_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_rsi_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_rsi_reset(state: *mut ohlcv_ind_rsi_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// MACD

/// Streaming MACD (`ohlcv_ind_macd`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_macd_init`, feed it with `ohlcv_ind_macd_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_macd_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_macd_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 30],
}

c_state!(ohlcv_ind_macd_state, MacdState, 7, "ohlcv_ind_macd_init");

/// Initialises `*out` as a fresh streaming MACD (`ohlcv_ind_macd`) with `fast`, `slow`, `signal`
/// and `convention`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_init(
    fast: i32,
    slow: i32,
    signal: i32,
    convention: i32,
    out: *mut ohlcv_ind_macd_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_macd_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: MacdState = p::macd(F, fast, slow, signal, convention)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the MACD ending there to `*out_macd`,
/// `*out_signal`, `*out_hist` (NaN during the warm-up and at a gap, as the batch function). Any
/// output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_update(
    state: *mut ohlcv_ind_macd_state,
    x: f64,
    out_macd: *mut f64,
    out_signal: *mut f64,
    out_hist: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_macd, "out_macd")?;
        check_out_opt(out_signal, "out_signal")?;
        check_out_opt(out_hist, "out_hist")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let r = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_macd, r.macd)?;
            out_write_opt(out_signal, r.signal)?;
            out_write_opt(out_hist, r.hist)?;
        }
        Ok(())
    })
}

/// Writes to `*out_macd`, `*out_signal`, `*out_hist` what `ohlcv_ind_macd_update` would for the
/// next value, without changing the state (the value of a still-forming bar). Any output pointer
/// may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_peek(
    state: *const ohlcv_ind_macd_state,
    x: f64,
    out_macd: *mut f64,
    out_signal: *mut f64,
    out_hist: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_macd, "out_macd")?;
        check_out_opt(out_signal, "out_signal")?;
        check_out_opt(out_hist, "out_hist")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let r = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_macd, r.macd)?;
            out_write_opt(out_signal, r.signal)?;
            out_write_opt(out_hist, r.hist)?;
        }
        Ok(())
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_macd_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_macd_reset(state: *mut ohlcv_ind_macd_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// BBANDS

/// Streaming Bollinger Bands (`ohlcv_ind_bbands`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_bbands_init`, feed it with `ohlcv_ind_bbands_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_bbands_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_bbands_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 267],
}

c_state!(
    ohlcv_ind_bbands_state,
    BbandsState,
    8,
    "ohlcv_ind_bbands_init"
);

/// Initialises `*out` as a fresh streaming Bollinger Bands (`ohlcv_ind_bbands`) with `period`,
/// `nbdev_up` and `nbdev_dn`, validated as by the batch function. The state keeps its window
/// inline: a `period` above `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT`
/// (the batch function takes longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands_init(
    period: i32,
    nbdev_up: f64,
    nbdev_dn: f64,
    out: *mut ohlcv_ind_bbands_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_bbands_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: BbandsState = p::bbands(F, period, nbdev_up, nbdev_dn)?
            .stream::<CAP>()
            .map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the Bollinger Bands ending there to `*out_upper`,
/// `*out_middle`, `*out_lower` (NaN during the warm-up and at a gap, as the batch function). Any
/// output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands_update(
    state: *mut ohlcv_ind_bbands_state,
    x: f64,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_upper, "out_upper")?;
        check_out_opt(out_middle, "out_middle")?;
        check_out_opt(out_lower, "out_lower")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let r = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_upper, r.upper)?;
            out_write_opt(out_middle, r.middle)?;
            out_write_opt(out_lower, r.lower)?;
        }
        Ok(())
    })
}

/// Writes to `*out_upper`, `*out_middle`, `*out_lower` what `ohlcv_ind_bbands_update` would for the
/// next value, without changing the state (the value of a still-forming bar). Any output pointer
/// may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands_peek(
    state: *const ohlcv_ind_bbands_state,
    x: f64,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_upper, "out_upper")?;
        check_out_opt(out_middle, "out_middle")?;
        check_out_opt(out_lower, "out_lower")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let r = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_upper, r.upper)?;
            out_write_opt(out_middle, r.middle)?;
            out_write_opt(out_lower, r.lower)?;
        }
        Ok(())
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_bbands_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_bbands_reset(
    state: *mut ohlcv_ind_bbands_state,
) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// STDDEV

/// Streaming rolling standard deviation (`ohlcv_ind_stddev`): a plain value the caller owns. Fill
/// it with `ohlcv_ind_stddev_init`, feed it with `ohlcv_ind_stddev_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_stddev_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_stddev_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 266],
}

c_state!(
    ohlcv_ind_stddev_state,
    StddevState,
    9,
    "ohlcv_ind_stddev_init"
);

/// Initialises `*out` as a fresh streaming rolling standard deviation (`ohlcv_ind_stddev`) with
/// `period` and `nbdev`, validated as by the batch function. The state keeps its window inline: a
/// `period` above `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch
/// function takes longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev_init(
    period: i32,
    nbdev: f64,
    out: *mut ohlcv_ind_stddev_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_stddev_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: StddevState = p::stddev(F, period, nbdev)?
            .stream::<CAP>()
            .map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the rolling standard deviation ending there to
/// `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may be
/// NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev_update(
    state: *mut ohlcv_ind_stddev_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_stddev_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev_peek(
    state: *const ohlcv_ind_stddev_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_stddev_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stddev_reset(
    state: *mut ohlcv_ind_stddev_state,
) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// ATR

/// Streaming average true range (`ohlcv_ind_atr`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_atr_init`, feed it with `ohlcv_ind_atr_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_atr_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_atr_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 8],
}

c_state!(ohlcv_ind_atr_state, AtrState, 10, "ohlcv_ind_atr_init");

/// Initialises `*out` as a fresh streaming average true range (`ohlcv_ind_atr`) with `period` and
/// `convention`, validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_init(
    period: i32,
    convention: i32,
    out: *mut ohlcv_ind_atr_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_atr_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: AtrState = p::atr(F, period, convention)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the average true range
/// ending there to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output
/// pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_update(
    state: *mut ohlcv_ind_atr_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_atr_update` would for the next bar (`high`, `low`, `close`),
/// without changing the state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_peek(
    state: *const ohlcv_ind_atr_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_atr_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_atr_reset(state: *mut ohlcv_ind_atr_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// TRANGE

/// Streaming true range (`ohlcv_ind_trange`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_trange_init`, feed it with `ohlcv_ind_trange_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_trange_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_trange_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 2],
}

c_state!(
    ohlcv_ind_trange_state,
    TrueRangeState,
    11,
    "ohlcv_ind_trange_init"
);

/// Initialises `*out` as a fresh streaming true range (`ohlcv_ind_trange`).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange_init(out: *mut ohlcv_ind_trange_state) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: TrueRangeState = TrueRange.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the true range ending there
/// to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may
/// be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange_update(
    state: *mut ohlcv_ind_trange_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_trange_update` would for the next bar (`high`, `low`, `close`),
/// without changing the state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange_peek(
    state: *const ohlcv_ind_trange_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_trange_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_trange_reset(
    state: *mut ohlcv_ind_trange_state,
) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// STOCH

/// Streaming slow stochastic (`ohlcv_ind_stoch`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_stoch_init`, feed it with `ohlcv_ind_stoch_update`; copy it (assignment or `memcpy`)
/// to save it and copy it back to restore it: the copy continues bit for bit. Do not edit the
/// fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_stoch_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_stoch_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 1556],
}

c_state!(
    ohlcv_ind_stoch_state,
    StochState,
    12,
    "ohlcv_ind_stoch_init"
);

/// Initialises `*out` as a fresh streaming slow stochastic (`ohlcv_ind_stoch`) with `fastk`,
/// `slowk` and `slowd`, validated as by the batch function. The state keeps its window inline:
/// `fastk`, `slowk` or `slowd` above `OHLCV_IND_STATE_CAPACITY` (256) is
/// `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch_init(
    fastk: i32,
    slowk: i32,
    slowd: i32,
    out: *mut ohlcv_ind_stoch_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_stoch_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: StochState = p::stoch(F, fastk, slowk, slowd)?
            .stream::<CAP>()
            .map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the slow stochastic ending
/// there to `*out_k`, `*out_d` (NaN during the warm-up and at a gap, as the batch function). Any
/// output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch_update(
    state: *mut ohlcv_ind_stoch_state,
    high: f64,
    low: f64,
    close: f64,
    out_k: *mut f64,
    out_d: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_k, "out_k")?;
        check_out_opt(out_d, "out_d")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let r = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_k, r.k)?;
            out_write_opt(out_d, r.d)?;
        }
        Ok(())
    })
}

/// Writes to `*out_k`, `*out_d` what `ohlcv_ind_stoch_update` would for the next bar (`high`,
/// `low`, `close`), without changing the state (the value of a still-forming bar). Any output
/// pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch_peek(
    state: *const ohlcv_ind_stoch_state,
    high: f64,
    low: f64,
    close: f64,
    out_k: *mut f64,
    out_d: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_k, "out_k")?;
        check_out_opt(out_d, "out_d")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let r = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_k, r.k)?;
            out_write_opt(out_d, r.d)?;
        }
        Ok(())
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_stoch_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_stoch_reset(state: *mut ohlcv_ind_stoch_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// WILLR

/// Streaming Williams %R (`ohlcv_ind_willr`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_willr_init`, feed it with `ohlcv_ind_willr_update`; copy it (assignment or `memcpy`)
/// to save it and copy it back to restore it: the copy continues bit for bit. Do not edit the
/// fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_willr_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_willr_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 1033],
}

c_state!(
    ohlcv_ind_willr_state,
    WillRState,
    13,
    "ohlcv_ind_willr_init"
);

/// Initialises `*out` as a fresh streaming Williams %R (`ohlcv_ind_willr`) with `period`, validated
/// as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr_init(
    period: i32,
    out: *mut ohlcv_ind_willr_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_willr_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: WillRState = p::willr(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the Williams %R ending there
/// to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer may
/// be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr_update(
    state: *mut ohlcv_ind_willr_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_willr_update` would for the next bar (`high`, `low`, `close`),
/// without changing the state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr_peek(
    state: *const ohlcv_ind_willr_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_willr_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_willr_reset(state: *mut ohlcv_ind_willr_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// CCI

/// Streaming commodity channel index (`ohlcv_ind_cci`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_cci_init`, feed it with `ohlcv_ind_cci_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_cci_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_cci_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 260],
}

c_state!(ohlcv_ind_cci_state, CciState, 14, "ohlcv_ind_cci_init");

/// Initialises `*out` as a fresh streaming commodity channel index (`ohlcv_ind_cci`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci_init(
    period: i32,
    out: *mut ohlcv_ind_cci_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_cci_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: CciState = p::cci(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the commodity channel index
/// ending there to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output
/// pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci_update(
    state: *mut ohlcv_ind_cci_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_cci_update` would for the next bar (`high`, `low`, `close`),
/// without changing the state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci_peek(
    state: *const ohlcv_ind_cci_state,
    high: f64,
    low: f64,
    close: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_cci_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_cci_reset(state: *mut ohlcv_ind_cci_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// ADX

/// Streaming ADX with +DI and -DI (`ohlcv_ind_adx`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_adx_init`, feed it with `ohlcv_ind_adx_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_adx_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_adx_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 9],
}

c_state!(ohlcv_ind_adx_state, AdxState, 15, "ohlcv_ind_adx_init");

/// Initialises `*out` as a fresh streaming ADX with +DI and -DI (`ohlcv_ind_adx`) with `period`,
/// validated as by the batch function.
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx_init(
    period: i32,
    out: *mut ohlcv_ind_adx_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_adx_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: AdxState = p::adx(F, period)?.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`) to the state and writes the ADX with +DI and -DI
/// ending there to `*out_adx`, `*out_plus_di`, `*out_minus_di` (NaN during the warm-up and at a
/// gap, as the batch function). Any output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx_update(
    state: *mut ohlcv_ind_adx_state,
    high: f64,
    low: f64,
    close: f64,
    out_adx: *mut f64,
    out_plus_di: *mut f64,
    out_minus_di: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_adx, "out_adx")?;
        check_out_opt(out_plus_di, "out_plus_di")?;
        check_out_opt(out_minus_di, "out_minus_di")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let r = st.update(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_adx, r.adx)?;
            out_write_opt(out_plus_di, r.plus_di)?;
            out_write_opt(out_minus_di, r.minus_di)?;
        }
        Ok(())
    })
}

/// Writes to `*out_adx`, `*out_plus_di`, `*out_minus_di` what `ohlcv_ind_adx_update` would for the
/// next bar (`high`, `low`, `close`), without changing the state (the value of a still-forming
/// bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx_peek(
    state: *const ohlcv_ind_adx_state,
    high: f64,
    low: f64,
    close: f64,
    out_adx: *mut f64,
    out_plus_di: *mut f64,
    out_minus_di: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_adx, "out_adx")?;
        check_out_opt(out_plus_di, "out_plus_di")?;
        check_out_opt(out_minus_di, "out_minus_di")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let r = st.peek(high, low, close);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_adx, r.adx)?;
            out_write_opt(out_plus_di, r.plus_di)?;
            out_write_opt(out_minus_di, r.minus_di)?;
        }
        Ok(())
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_adx_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_adx_reset(state: *mut ohlcv_ind_adx_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// MFI

/// Streaming money flow index (`ohlcv_ind_mfi`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_mfi_init`, feed it with `ohlcv_ind_mfi_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_mfi_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_mfi_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 522],
}

c_state!(ohlcv_ind_mfi_state, MfiState, 16, "ohlcv_ind_mfi_init");

/// Initialises `*out` as a fresh streaming money flow index (`ohlcv_ind_mfi`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi_init(
    period: i32,
    out: *mut ohlcv_ind_mfi_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_mfi_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: MfiState = p::mfi(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`, `close`, `volume`) to the state and writes the money flow
/// index ending there to `*out` (NaN during the warm-up and at a gap, as the batch function). Any
/// output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi_update(
    state: *mut ohlcv_ind_mfi_state,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(high, low, close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_mfi_update` would for the next bar (`high`, `low`, `close`,
/// `volume`), without changing the state (the value of a still-forming bar). Any output pointer may
/// be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi_peek(
    state: *const ohlcv_ind_mfi_state,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(high, low, close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_mfi_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mfi_reset(state: *mut ohlcv_ind_mfi_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// OBV

/// Streaming on-balance volume (`ohlcv_ind_obv`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_obv_init`, feed it with `ohlcv_ind_obv_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_obv_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_obv_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 3],
}

c_state!(ohlcv_ind_obv_state, ObvState, 17, "ohlcv_ind_obv_init");

/// Initialises `*out` as a fresh streaming on-balance volume (`ohlcv_ind_obv`).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv_init(out: *mut ohlcv_ind_obv_state) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: ObvState = Obv.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`close`, `volume`) to the state and writes the on-balance volume ending
/// there to `*out` (NaN during the warm-up and at a gap, as the batch function). Any output pointer
/// may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv_update(
    state: *mut ohlcv_ind_obv_state,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_obv_update` would for the next bar (`close`, `volume`), without
/// changing the state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv_peek(
    state: *const ohlcv_ind_obv_state,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_obv_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_obv_reset(state: *mut ohlcv_ind_obv_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// ROC

/// Streaming rate of change (`ohlcv_ind_roc`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_roc_init`, feed it with `ohlcv_ind_roc_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_roc_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_roc_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 260],
}

c_state!(ohlcv_ind_roc_state, RocState, 18, "ohlcv_ind_roc_init");

/// Initialises `*out` as a fresh streaming rate of change (`ohlcv_ind_roc`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc_init(
    period: i32,
    out: *mut ohlcv_ind_roc_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_roc_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: RocState = p::roc(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the rate of change ending there to `*out` (NaN
/// during the warm-up and at a gap, as the batch function). Any output pointer may be NULL (not
/// wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc_update(
    state: *mut ohlcv_ind_roc_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_roc_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc_peek(
    state: *const ohlcv_ind_roc_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_roc_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_roc_reset(state: *mut ohlcv_ind_roc_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// MOM

/// Streaming momentum (`ohlcv_ind_mom`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_mom_init`, feed it with `ohlcv_ind_mom_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_mom_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_mom_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 260],
}

c_state!(ohlcv_ind_mom_state, MomState, 19, "ohlcv_ind_mom_init");

/// Initialises `*out` as a fresh streaming momentum (`ohlcv_ind_mom`) with `period`, validated as
/// by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom_init(
    period: i32,
    out: *mut ohlcv_ind_mom_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_mom_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: MomState = p::mom(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the momentum ending there to `*out` (NaN during the
/// warm-up and at a gap, as the batch function). Any output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom_update(
    state: *mut ohlcv_ind_mom_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_mom_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom_peek(
    state: *const ohlcv_ind_mom_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_mom_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_mom_reset(state: *mut ohlcv_ind_mom_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// MAX

/// Streaming rolling maximum (`ohlcv_ind_max`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_max_init`, feed it with `ohlcv_ind_max_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_max_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_max_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 517],
}

c_state!(ohlcv_ind_max_state, MaxState, 20, "ohlcv_ind_max_init");

/// Initialises `*out` as a fresh streaming rolling maximum (`ohlcv_ind_max`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max_init(
    period: i32,
    out: *mut ohlcv_ind_max_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_max_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: MaxState = p::max(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the rolling maximum ending there to `*out` (NaN
/// during the warm-up and at a gap, as the batch function). Any output pointer may be NULL (not
/// wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max_update(
    state: *mut ohlcv_ind_max_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_max_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max_peek(
    state: *const ohlcv_ind_max_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_max_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_max_reset(state: *mut ohlcv_ind_max_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// MIN

/// Streaming rolling minimum (`ohlcv_ind_min`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_min_init`, feed it with `ohlcv_ind_min_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_min_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_min_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 517],
}

c_state!(ohlcv_ind_min_state, MinState, 21, "ohlcv_ind_min_init");

/// Initialises `*out` as a fresh streaming rolling minimum (`ohlcv_ind_min`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min_init(
    period: i32,
    out: *mut ohlcv_ind_min_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_min_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: MinState = p::min(F, period)?.stream::<CAP>().map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next value to the state and writes the rolling minimum ending there to `*out` (NaN
/// during the warm-up and at a gap, as the batch function). Any output pointer may be NULL (not
/// wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min_update(
    state: *mut ohlcv_ind_min_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_min_update` would for the next value, without changing the
/// state (the value of a still-forming bar). Any output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min_peek(
    state: *const ohlcv_ind_min_state,
    x: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(x);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_min_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_min_reset(state: *mut ohlcv_ind_min_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// DONCHIAN

/// Streaming Donchian channel (`ohlcv_ind_donchian`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_donchian_init`, feed it with `ohlcv_ind_donchian_update`; copy it (assignment or
/// `memcpy`) to save it and copy it back to restore it: the copy continues bit for bit. Do not edit
/// the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_donchian_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_donchian_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 1033],
}

c_state!(
    ohlcv_ind_donchian_state,
    DonchianState,
    22,
    "ohlcv_ind_donchian_init"
);

/// Initialises `*out` as a fresh streaming Donchian channel (`ohlcv_ind_donchian`) with `period`,
/// validated as by the batch function. The state keeps its window inline: a `period` above
/// `OHLCV_IND_STATE_CAPACITY` (256) is `OHLCV_STATUS_INVALID_ARGUMENT` (the batch function takes
/// longer windows).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian_init(
    period: i32,
    out: *mut ohlcv_ind_donchian_state,
) -> ohlcv_status {
    const F: &str = "ohlcv_ind_donchian_init";
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: DonchianState = p::donchian(F, period)?
            .stream::<CAP>()
            .map_err(ind_err(F))?;
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`high`, `low`) to the state and writes the Donchian channel ending there to
/// `*out_upper`, `*out_middle`, `*out_lower` (NaN during the warm-up and at a gap, as the batch
/// function). Any output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian_update(
    state: *mut ohlcv_ind_donchian_state,
    high: f64,
    low: f64,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_upper, "out_upper")?;
        check_out_opt(out_middle, "out_middle")?;
        check_out_opt(out_lower, "out_lower")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let r = st.update(high, low);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_upper, r.upper)?;
            out_write_opt(out_middle, r.middle)?;
            out_write_opt(out_lower, r.lower)?;
        }
        Ok(())
    })
}

/// Writes to `*out_upper`, `*out_middle`, `*out_lower` what `ohlcv_ind_donchian_update` would for
/// the next bar (`high`, `low`), without changing the state (the value of a still-forming bar). Any
/// output pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian_peek(
    state: *const ohlcv_ind_donchian_state,
    high: f64,
    low: f64,
    out_upper: *mut f64,
    out_middle: *mut f64,
    out_lower: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_upper, "out_upper")?;
        check_out_opt(out_middle, "out_middle")?;
        check_out_opt(out_lower, "out_lower")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let r = st.peek(high, low);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe {
            out_write_opt(out_upper, r.upper)?;
            out_write_opt(out_middle, r.middle)?;
            out_write_opt(out_lower, r.lower)?;
        }
        Ok(())
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_donchian_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_donchian_reset(
    state: *mut ohlcv_ind_donchian_state,
) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// VWAP

/// Streaming daily VWAP (`ohlcv_ind_vwap`): a plain value the caller owns. Fill it with
/// `ohlcv_ind_vwap_init`, feed it with `ohlcv_ind_vwap_update`; copy it (assignment or `memcpy`) to
/// save it and copy it back to restore it: the copy continues bit for bit. Do not edit the fields.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ohlcv_ind_vwap_state {
    /// Identifies the indicator and the state format (set by `ohlcv_ind_vwap_init`).
    pub tag: u64,
    /// The library's numbers (parameters, sums, window), in native byte order.
    pub opaque: [u64; 6],
}

c_state!(ohlcv_ind_vwap_state, VwapState, 23, "ohlcv_ind_vwap_init");

/// Initialises `*out` as a fresh streaming daily VWAP (`ohlcv_ind_vwap`).
///
/// Ownership: `*out` is the caller's (stack, heap, file); nothing is allocated and there is nothing
/// to free.
///
/// # Safety
/// `out` must be NULL or valid for a write of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap_init(out: *mut ohlcv_ind_vwap_state) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let st: VwapState = Vwap.stream();
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_init(out, st) }
    })
}

/// Feeds the next bar (`ts`, `high`, `low`, `close`, `volume`) to the state and writes the daily
/// VWAP ending there to `*out` (NaN during the warm-up and at a gap, as the batch function). Any
/// output pointer may be NULL (not wanted).
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state; each output NULL or valid for a
/// write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap_update(
    state: *mut ohlcv_ind_vwap_state,
    ts: u64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_mut(state) }?;
        let y = st.update(ts, high, low, close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Writes to `*out` what `ohlcv_ind_vwap_update` would for the next bar (`ts`, `high`, `low`,
/// `close`, `volume`), without changing the state (the value of a still-forming bar). Any output
/// pointer may be NULL.
///
/// Ownership: `state` and the outputs are the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for a read of the state; each output NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap_peek(
    state: *const ohlcv_ind_vwap_state,
    ts: u64,
    high: f64,
    low: f64,
    close: f64,
    volume: f64,
    out: *mut f64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let st = unsafe { state_ref(state) }?;
        let y = st.peek(ts, high, low, close, volume);
        // SAFETY: checked above; forwarded to the caller's contract.
        unsafe { out_write_opt(out, y) }
    })
}

/// Forgets the history of the state, keeping its parameters (as after `ohlcv_ind_vwap_init`).
///
/// Ownership: `state` is the caller's, borrowed for the call only.
///
/// # Safety
/// `state` must be NULL or valid for reads and writes of the state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_ind_vwap_reset(state: *mut ohlcv_ind_vwap_state) -> ohlcv_status {
    ffi_boundary(|| {
        // SAFETY: forwarded to the caller's contract.
        unsafe { state_mut(state) }?.reset();
        Ok(())
    })
}
