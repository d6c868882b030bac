//! The C ABI (`libohlcv.so`, `libohlcv.a`, `include/ohlcv.h`).
//!
//! Conventions, for every exported function:
//! - Names are `ohlcv_<object>_<verb>`. Every fallible function returns [`ohlcv_status`]
//!   (`OHLCV_STATUS_OK == 0`); codes are stable and never reused.
//! - Outputs go through out-pointers, written **only on success**. There are no partial
//!   successes.
//! - The detail of the most recent failure on the calling thread is available with
//!   [`ohlcv_last_error_message`]; [`ohlcv_status_str`] names a code.
//! - Bar buffers are `(const ohlcv_bar *ptr, size_t len)`. `len == 0` is an empty slice whatever
//!   `ptr` is; a NULL `ptr` with `len > 0` is `OHLCV_STATUS_NULL_POINTER`; a pointer that is not
//!   64-byte aligned is `OHLCV_STATUS_MISALIGNED` (use [`ohlcv_bars_alloc`] to get aligned
//!   memory); a count whose byte size overflows is `OHLCV_STATUS_OVERFLOW`.
//! - Paths are NUL-terminated UTF-8 (`OHLCV_STATUS_INVALID_PATH` otherwise).
//! - Handles (`ohlcv_reader *`, `ohlcv_writer *`, ...) are opaque tokens, not addresses: a NULL,
//!   closed or wrong-kind handle is `OHLCV_STATUS_BAD_HANDLE`, never undefined behaviour, and a
//!   double close is reported the same way. Every handle may be used from any thread; calls on
//!   one handle are serialised internally.
//! - Panics never cross the boundary: they become `OHLCV_STATUS_PANIC`.
#![allow(non_camel_case_types)]

mod boundary;
mod handles;
mod index;

mod status;
mod version;

pub use boundary::ffi_boundary;
pub use index::*;

pub use status::*;
pub use version::*;
