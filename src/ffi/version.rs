//! Version and build reporting, diagnostics, and aligned bar buffers.

use super::boundary::{check_out, ffi_boundary, out_write};
use super::handles;
use super::status::ohlcv_status;
use crate::simd::{self, Backend};
use crate::{Bar, Error, ErrorKind};
use core::ffi::CStr;
use core::ffi::c_char;
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::format;

/// ABI version: bumped on any breaking change to a layout or a signature. The header's
/// `OHLCV_ABI_VERSION` macro must equal it (checked by a test).
pub const ABI_VERSION: u32 = 1;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library version as a static NUL-terminated string (e.g. `"0.1.0"`). Never NULL; do not
/// free.
#[unsafe(no_mangle)]
pub extern "C" fn ohlcv_version() -> *const c_char {
    VERSION.as_ptr().cast()
}

/// The ABI version the library was built with (see `OHLCV_ABI_VERSION`): callers compare it
/// with the header's macro at startup. Nothing to free.
#[unsafe(no_mangle)]
pub extern "C" fn ohlcv_abi_version() -> u32 {
    ABI_VERSION
}

/// The SIMD backend the reductions dispatch to on this CPU, as a static NUL-terminated string:
/// `"scalar"`, `"wide"` (SSE2/NEON via the `wide` crate), `"avx2"` or `"avx512"`. Chosen once, at
/// the first call that needs it. Never NULL; do not free.
#[unsafe(no_mangle)]
pub extern "C" fn ohlcv_simd_backend() -> *const c_char {
    let name: &'static CStr = match simd::backend() {
        Backend::Scalar => c"scalar",
        Backend::Wide => c"wide",
        Backend::Avx2 => c"avx2",
        Backend::Avx512 => c"avx512",
    };
    name.as_ptr()
}

/// Writes the number of open handles of every kind (readers, writers, resamplers) to `*out`: a
/// leak check for tests and long-running hosts.
///
/// Ownership: nothing is allocated.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_handles_count(out: *mut usize) -> ohlcv_status {
    // SAFETY: forwarded to the caller's contract.
    ffi_boundary(|| unsafe { out_write(out, handles::open_count()) })
}

/// Bytes before the returned pointer: one cache line that records the bar count.
const HEADER: usize = 64;

fn bars_layout(n: usize) -> crate::Result<Layout> {
    n.checked_mul(Bar::SIZE)
        .and_then(|b| b.checked_add(HEADER))
        .and_then(|b| Layout::from_size_align(b, 64).ok())
        .ok_or_else(|| Error::new(ErrorKind::Overflow, format!("{n} bars overflow")))
}

/// Allocates `n` zeroed, 64-byte aligned bars and writes the pointer to `*out` (NULL when
/// `n == 0`, which is a valid empty buffer).
///
/// Ownership: the caller owns the buffer and must release it with [`ohlcv_bars_free`], never
/// `free()`.
///
/// # Safety
/// `out` must be NULL (reported) or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_alloc(n: usize, out: *mut *mut Bar) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        if n == 0 {
            // SAFETY: checked non-NULL above; valid for a write by the caller's contract.
            return unsafe { out_write(out, core::ptr::null_mut()) };
        }
        let layout = bars_layout(n)?;
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        if base.is_null() {
            return Err(Error::new(
                ErrorKind::Overflow,
                format!("cannot allocate {n} bars"),
            ));
        }
        // SAFETY: `base` is valid for `layout.size() >= HEADER` bytes and 64-aligned, so the
        // count fits in the header line and `base + HEADER` is 64-aligned and in bounds.
        let bars = unsafe {
            base.cast::<usize>().write(n);
            base.add(HEADER).cast::<Bar>()
        };
        // SAFETY: checked non-NULL above.
        unsafe { out_write(out, bars) }
    })
}

/// Frees a buffer from [`ohlcv_bars_alloc`]. NULL is accepted and ignored.
///
/// # Safety
/// `bars` must be NULL or a pointer returned by `ohlcv_bars_alloc` not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_bars_free(bars: *mut Bar) {
    if bars.is_null() {
        return;
    }
    // SAFETY: `bars` came from `ohlcv_bars_alloc`, which placed the count one cache line before
    // it in the same allocation; the layout is rebuilt exactly as it was allocated.
    unsafe {
        let base = bars.cast::<u8>().sub(HEADER);
        let n = base.cast::<usize>().read();
        if let Ok(layout) = bars_layout(n) {
            dealloc(base, layout);
        }
    }
}
