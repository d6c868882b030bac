//! Status codes and the per-thread last-error message.

use super::boundary::{ffi_boundary, out_write};
use crate::ErrorKind;
use core::ffi::c_char;
use std::cell::RefCell;
use std::ffi::CString;
use std::string::String;

/// Result of every fallible C function. Values are stable and never reused.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_status {
    /// Success.
    Ok = 0,
    /// An argument is out of range or inconsistent with the others.
    InvalidArgument = 1,
    /// A required pointer was NULL.
    NullPointer = 2,
    /// A bar buffer is not 64-byte aligned.
    Misaligned = 3,
    /// A count or size overflows.
    Overflow = 4,
    /// A path is not valid UTF-8.
    InvalidPath = 5,
    /// The caller's output buffer is too small.
    BufferTooSmall = 6,
    /// An operating-system I/O error.
    Io = 7,
    /// A file does not exist.
    NotFound = 8,
    /// The file is locked by another writer.
    Busy = 9,
    /// A binary file's length is not a multiple of 64 bytes.
    TruncatedFile = 10,
    /// A text (CSV) file is malformed.
    Parse = 11,
    /// An index file is corrupt or impossible.
    IndexCorrupt = 12,
    /// A timeframe specification is unknown or contradictory.
    InvalidTimeframe = 13,
    /// Bar data breaks a rule.
    InvalidData = 14,
    /// An index and the files it describes disagree.
    IndexMismatch = 15,
    /// A file's format could not be determined.
    UnknownFormat = 16,
    /// A handle is NULL, closed or of the wrong kind.
    BadHandle = 17,
    /// A Rust panic was caught at the boundary.
    Panic = 18,
    /// The operation is not supported for this file or configuration.
    Unsupported = 19,
}

impl From<ErrorKind> for ohlcv_status {
    fn from(k: ErrorKind) -> Self {
        match k {
            ErrorKind::InvalidArgument => ohlcv_status::InvalidArgument,
            ErrorKind::NullPointer => ohlcv_status::NullPointer,
            ErrorKind::Misaligned => ohlcv_status::Misaligned,
            ErrorKind::Overflow => ohlcv_status::Overflow,
            ErrorKind::InvalidPath => ohlcv_status::InvalidPath,
            ErrorKind::BufferTooSmall => ohlcv_status::BufferTooSmall,
            ErrorKind::Io => ohlcv_status::Io,
            ErrorKind::NotFound => ohlcv_status::NotFound,
            ErrorKind::Busy => ohlcv_status::Busy,
            ErrorKind::TruncatedFile => ohlcv_status::TruncatedFile,
            ErrorKind::Parse => ohlcv_status::Parse,
            ErrorKind::IndexCorrupt => ohlcv_status::IndexCorrupt,
            ErrorKind::InvalidTimeframe => ohlcv_status::InvalidTimeframe,
            ErrorKind::InvalidData => ohlcv_status::InvalidData,
            ErrorKind::IndexMismatch => ohlcv_status::IndexMismatch,
            ErrorKind::UnknownFormat => ohlcv_status::UnknownFormat,
            ErrorKind::BadHandle => ohlcv_status::BadHandle,
            ErrorKind::Panic => ohlcv_status::Panic,
            ErrorKind::Unsupported => ohlcv_status::Unsupported,
        }
    }
}

std::thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// Records `msg` as the calling thread's last error (interior NULs become spaces).
pub(crate) fn set_last_error(msg: &str) {
    let clean: String = msg
        .chars()
        .map(|c| if c == '\0' { ' ' } else { c })
        .collect();
    let c = CString::new(clean).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(c));
}

/// A static, NUL-terminated description of a status code (`"ok"` for 0, `"unknown status"` for
/// values this library never returns). Never NULL; the caller must not free it.
#[unsafe(no_mangle)]
pub extern "C" fn ohlcv_status_str(status: i32) -> *const c_char {
    let s: &'static core::ffi::CStr = match status {
        0 => c"ok",
        _ => match ErrorKind::from_code(status) {
            Some(k) => kind_cstr(k),
            None => c"unknown status",
        },
    };
    s.as_ptr()
}

fn kind_cstr(k: ErrorKind) -> &'static core::ffi::CStr {
    match k {
        ErrorKind::InvalidArgument => c"invalid argument",
        ErrorKind::NullPointer => c"null pointer",
        ErrorKind::Misaligned => c"buffer not 64-byte aligned",
        ErrorKind::Overflow => c"size or count overflows",
        ErrorKind::InvalidPath => c"invalid path",
        ErrorKind::BufferTooSmall => c"output buffer too small",
        ErrorKind::Io => c"I/O error",
        ErrorKind::NotFound => c"file not found",
        ErrorKind::Busy => c"file is locked by another writer",
        ErrorKind::TruncatedFile => c"file length is not a multiple of 64 bytes",
        ErrorKind::Parse => c"malformed text data",
        ErrorKind::IndexCorrupt => c"corrupt index file",
        ErrorKind::InvalidTimeframe => c"invalid timeframe",
        ErrorKind::InvalidData => c"invalid bar data",
        ErrorKind::IndexMismatch => c"index and data files disagree",
        ErrorKind::UnknownFormat => c"unknown file format",
        ErrorKind::BadHandle => c"bad handle",
        ErrorKind::Panic => c"internal panic caught",
        ErrorKind::Unsupported => c"unsupported operation",
    }
}

/// Copies the calling thread's last error message (from the most recent failed call on this
/// thread; empty if none) into `buf`, NUL-terminated and truncated to `len - 1` bytes. Writes
/// the full message length (without the NUL) to `*out_len` if `out_len` is not NULL, so a
/// caller can retry with a larger buffer. `buf` may be NULL only when `len == 0`.
///
/// Ownership: nothing is allocated for the caller; `buf` stays the caller's.
///
/// # Safety
/// `buf` must be valid for `len` bytes of writes; `out_len` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_last_error_message(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> ohlcv_status {
    let msg = LAST_ERROR.with(|e| e.borrow().as_ref().map(|c| c.as_bytes().to_vec()));
    let msg = msg.unwrap_or_default();
    ffi_boundary(|| {
        if len > 0 {
            if buf.is_null() {
                return Err(crate::Error::new(ErrorKind::NullPointer, "buf is NULL"));
            }
            let n = msg.len().min(len - 1);
            // SAFETY: the caller guarantees `buf` is valid for `len` bytes; we write `n + 1 <= len`.
            unsafe {
                core::ptr::copy_nonoverlapping(msg.as_ptr(), buf.cast::<u8>(), n);
                *buf.add(n) = 0;
            }
        }
        if !out_len.is_null() {
            // SAFETY: non-NULL, and the caller guarantees it is valid for a write.
            unsafe { out_write(out_len, msg.len())? };
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_matches_error_kind_codes() {
        for k in ErrorKind::ALL {
            assert_eq!(ohlcv_status::from(k) as i32, k.code(), "{k:?}");
        }
    }
}
