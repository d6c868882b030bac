//! The one place where C pointers become Rust values: the panic boundary and argument checks.

use super::status::{ohlcv_status, set_last_error};
use crate::{Bar, Error, ErrorKind, Result};
use core::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::{format, string::String};

/// Runs `f`, turning its error into a status (recording the message as the thread's last error)
/// and a panic into [`ohlcv_status::Panic`]. Every exported function's body is one call to this.
#[doc(hidden)]
pub fn ffi_boundary(f: impl FnOnce() -> Result<()>) -> ohlcv_status {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => ohlcv_status::Ok,
        Ok(Err(e)) => {
            set_last_error(e.message());
            e.kind().into()
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| String::from(*s))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| String::from("unknown panic payload"));
            set_last_error(&format!("internal panic caught at the C boundary: {what}"));
            ohlcv_status::Panic
        }
    }
}

fn null(what: &str) -> Error {
    Error::new(ErrorKind::NullPointer, format!("{what} is NULL"))
}

/// Writes `value` through an out-pointer, or fails with `NullPointer` (NULL) or `Misaligned`
/// (not aligned for `T`).
///
/// # Safety
/// `out` must be NULL or valid for a write of `T`.
pub(crate) unsafe fn out_write<T>(out: *mut T, value: T) -> Result<()> {
    check_out(out, "output pointer")?;
    // SAFETY: non-NULL and aligned (checked), and the caller guarantees validity for a write.
    unsafe { out.write(value) };
    Ok(())
}

/// Writes `value` through an optional out-pointer: NULL means the caller does not want it.
///
/// # Safety
/// As [`out_write`].
pub(crate) unsafe fn out_write_opt<T>(out: *mut T, value: T) -> Result<()> {
    if out.is_null() {
        return Ok(());
    }
    // SAFETY: forwarded to the caller's contract.
    unsafe { out_write(out, value) }
}

/// Writes one bar through an out-pointer of any alignment (a bar from Python's ctypes is only
/// 8-byte aligned), or fails with `NullPointer`.
///
/// # Safety
/// `out` must be NULL or valid for a write of 64 bytes.
pub(crate) unsafe fn out_write_bar(out: *mut Bar, value: Bar) -> Result<()> {
    if out.is_null() {
        return Err(null("output bar pointer"));
    }
    // SAFETY: non-NULL, valid for 64 bytes by the caller's contract; no alignment is assumed.
    unsafe { out.write_unaligned(value) };
    Ok(())
}

/// Fails with `NullPointer` if `out` is NULL, or `Misaligned` if it is not aligned for `T`.
/// Call before doing work so outputs are never half-written.
pub(crate) fn check_out<T>(out: *mut T, name: &str) -> Result<()> {
    if out.is_null() {
        Err(null(name))
    } else if !out.is_aligned() {
        Err(Error::new(
            ErrorKind::Misaligned,
            format!(
                "{name}: address {out:p} is not aligned to {} bytes",
                align_of::<T>()
            ),
        ))
    } else {
        Ok(())
    }
}

/// As [`check_out`] for an optional out-pointer (NULL passes).
pub(crate) fn check_out_opt<T>(out: *mut T, name: &str) -> Result<()> {
    if out.is_null() {
        Ok(())
    } else {
        check_out(out, name)
    }
}

/// Fails with `NullPointer` if the bar out-pointer is NULL (any alignment is fine).
pub(crate) fn check_out_bar(out: *mut Bar, name: &str) -> Result<()> {
    if out.is_null() {
        Err(null(name))
    } else {
        Ok(())
    }
}

/// Fails with `InvalidArgument` when two non-empty bar buffers overlap (an input may not be
/// written while it is read).
pub(crate) fn check_disjoint(
    a: *const Bar,
    a_len: usize,
    b: *const Bar,
    b_len: usize,
) -> Result<()> {
    if a_len == 0 || b_len == 0 {
        return Ok(());
    }
    // Lengths were checked not to overflow by `check_bars` before this is called.
    let (a0, b0) = (a as usize, b as usize);
    let (a1, b1) = (
        a0.saturating_add(a_len.saturating_mul(Bar::SIZE)),
        b0.saturating_add(b_len.saturating_mul(Bar::SIZE)),
    );
    if a0 < b1 && b0 < a1 {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            "input and output bar buffers overlap",
        ));
    }
    Ok(())
}

/// An optional NUL-terminated UTF-8 string argument: NULL and `""` are `None`.
///
/// # Safety
/// `s` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn opt_str_from_c<'a>(s: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if s.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded to the caller's contract.
    let s = unsafe { str_from_c(s, name) }?;
    Ok((!s.is_empty()).then_some(s))
}

/// Checks a bar buffer's pointer, length and alignment (see the module conventions).
fn check_bars(ptr: *const Bar, len: usize, name: &str) -> Result<()> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(null(name));
    }
    if len
        .checked_mul(Bar::SIZE)
        .is_none_or(|b| b > isize::MAX as usize || (ptr as usize).checked_add(b).is_none())
    {
        return Err(Error::new(
            ErrorKind::Overflow,
            format!("{name}: {len} bars overflow the address space"),
        ));
    }
    if !(ptr as usize).is_multiple_of(Bar::SIZE) {
        return Err(Error::new(
            ErrorKind::Misaligned,
            format!(
                "{name}: address {ptr:p} is not 64-byte aligned (ohlcv_bar needs 64; allocate \
                 with ohlcv_bars_alloc)"
            ),
        ));
    }
    Ok(())
}

/// Borrows `(ptr, len)` as bars after [`check_bars`].
///
/// # Safety
/// When `len > 0` and the checks pass, `ptr` must point to `len` initialised bars that stay
/// valid and unmodified for `'a`.
pub(crate) unsafe fn bars_from_raw<'a>(
    ptr: *const Bar,
    len: usize,
    name: &str,
) -> Result<&'a [Bar]> {
    check_bars(ptr, len, name)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned, size fits isize (checked above); validity is the caller's
    // contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrows `(ptr, len)` as writable bars after [`check_bars`].
///
/// # Safety
/// When `len > 0` and the checks pass, `ptr` must be valid for reads and writes of `len` bars,
/// not aliased elsewhere for `'a`.
pub(crate) unsafe fn bars_from_raw_mut<'a>(
    ptr: *mut Bar,
    len: usize,
    name: &str,
) -> Result<&'a mut [Bar]> {
    check_bars(ptr, len, name)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: as in `bars_from_raw`, plus exclusive access by the caller's contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// Borrows `(ptr, len)` as a writable slice of plain values.
///
/// # Safety
/// When `len > 0`, `ptr` must be valid for reads and writes of `len` values, unaliased for `'a`.
pub(crate) unsafe fn slice_from_raw_mut<'a, T>(
    ptr: *mut T,
    len: usize,
    name: &str,
) -> Result<&'a mut [T]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(null(name));
    }
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(Error::new(
            ErrorKind::Overflow,
            format!("{name}: length {len} overflows"),
        ));
    }
    if !ptr.is_aligned() {
        return Err(Error::new(
            ErrorKind::Misaligned,
            format!("{name}: pointer misaligned"),
        ));
    }
    // SAFETY: non-NULL, aligned, in-bounds size; validity and exclusivity are the caller's
    // contract.
    Ok(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `s` must be NULL or point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn str_from_c<'a>(s: *const c_char, name: &str) -> Result<&'a str> {
    // SAFETY: forwarded to the caller's contract.
    unsafe { utf8_from_c(s, name, ErrorKind::InvalidArgument) }
}

/// As [`str_from_c`], failing with `kind` on invalid UTF-8.
///
/// # Safety
/// As [`str_from_c`].
unsafe fn utf8_from_c<'a>(s: *const c_char, name: &str, kind: ErrorKind) -> Result<&'a str> {
    if s.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL and NUL-terminated by the caller's contract.
    let c = unsafe { CStr::from_ptr(s) };
    c.to_str()
        .map_err(|_| Error::new(kind, format!("{name} is not valid UTF-8: {c:?}")))
}

/// A NUL-terminated UTF-8 path argument.
///
/// # Safety
/// As [`str_from_c`].
pub(crate) unsafe fn path_from_c(s: *const c_char, name: &str) -> Result<PathBuf> {
    // SAFETY: forwarded to the caller's contract.
    let s = unsafe { utf8_from_c(s, name, ErrorKind::InvalidPath) }?;
    if s.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidPath,
            format!("{name} is empty"),
        ));
    }
    Ok(PathBuf::from(s))
}

/// Checks a caller array of `len` values of `T` (the module conventions for any element type):
/// `len == 0` is empty whatever `ptr` is; otherwise NULL is `NullPointer`, a byte size that
/// overflows the address space is `Overflow`, a pointer not aligned for `T` is `Misaligned`.
pub(crate) fn check_array<T>(ptr: *const T, len: usize, name: &str) -> Result<()> {
    if len == 0 {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(null(name));
    }
    if len
        .checked_mul(size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize || (ptr as usize).checked_add(b).is_none())
    {
        return Err(Error::new(
            ErrorKind::Overflow,
            format!("{name}: {len} values overflow the address space"),
        ));
    }
    if !ptr.is_aligned() {
        return Err(Error::new(
            ErrorKind::Misaligned,
            format!(
                "{name}: address {ptr:p} is not aligned to {} bytes",
                align_of::<T>()
            ),
        ));
    }
    Ok(())
}

/// Borrows `(ptr, len)` as a read-only slice of plain values after [`check_array`].
///
/// # Safety
/// When `len > 0` and the checks pass, `ptr` must point to `len` initialised values that stay
/// valid and are not written for `'a`.
pub(crate) unsafe fn slice_from_raw<'a, T>(
    ptr: *const T,
    len: usize,
    name: &str,
) -> Result<&'a [T]> {
    check_array(ptr, len, name)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-NULL, aligned, size fits isize (checked above); validity is the caller's
    // contract.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// The byte range `[start, end)` of a checked array (empty for `len == 0`).
pub(crate) fn byte_range<T>(ptr: *const T, len: usize) -> (usize, usize) {
    let start = ptr as usize;
    // Checked not to overflow by `check_array` before this is called.
    (
        start,
        start.saturating_add(len.saturating_mul(size_of::<T>())),
    )
}

/// True when two byte ranges share a byte (empty ranges share none).
pub(crate) fn ranges_overlap(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}
