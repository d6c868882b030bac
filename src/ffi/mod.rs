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
//! - Enums passed in (`ohlcv_format`, `ohlcv_side`, `ohlcv_durability`, `ohlcv_index_format`,
//!   `ohlcv_convention`) are `int32_t` parameters or fields, validated
//!   (`OHLCV_STATUS_INVALID_ARGUMENT` for any other value), never Rust enums, since an
//!   out-of-range enum value is undefined behaviour.
//! - Ownership is stated in the first lines of every function's documentation: who frees what,
//!   with which function, and how long a borrowed pointer stays valid.
//!
//! # The surface
//!
//! | area | functions |
//! |---|---|
//! | status | `ohlcv_status_str`, `ohlcv_last_error_message` |
//! | build | `ohlcv_version`, `ohlcv_abi_version`, `ohlcv_simd_backend`, `ohlcv_handles_count` |
//! | buffers | `ohlcv_bars_alloc`, `ohlcv_bars_free` |
//! | reader | `ohlcv_reader_open`, `_close`, `_bars` (zero-copy), `_read` (batch + offsets), `_seek`, `_tell`, `_eof`, `_info` |
//! | writer | `ohlcv_writer_open`, `_close`, `_write_at`, `_append`, `_seek_end`, `_truncate`, `_flush`, `_tell`, `_info` |
//! | index | `ohlcv_index_read`, `ohlcv_index_write` |
//! | reductions | `ohlcv_bars_max_high`, `_min_low`, `_first_open`, `_last_close`, `_sum_volume`, `_sum_volume_kahan`, `_fold` |
//! | resample | `ohlcv_resample_options_default`, `ohlcv_resample`, `ohlcv_resampler_new`, `_push`, `_forming`, `_finish`, `_free` |
//! | engine | `ohlcv_engine_run` |
//! | indicators, batch | `ohlcv_ind_<name>`, `ohlcv_ind_<name>_lookback`, `ohlcv_ind_{ema,rsi,atr,macd}_many` |
//! | indicators, streaming | `ohlcv_ind_<name>_init`, `_update`, `_peek`, `_reset` on a caller-owned `ohlcv_ind_<name>_state` |
//!
//! # Adding an export (and the indicators)
//!
//! Write the function out in full, in the module of its area, so cbindgen sees it:
//! `#[unsafe(no_mangle)] pub unsafe extern "C" fn ohlcv_<object>_<verb>(...) -> ohlcv_status`,
//! whose body is one `ffi_boundary(|| { ... })`. Inside: check out-pointers first
//! (`check_out`), turn arguments into Rust values with the `boundary` helpers
//! (`bars_from_raw`, `str_from_c`, `path_from_c`, an `int32_t` → enum match), call one Rust
//! function, and write outputs last (`out_write`). Then regenerate the header (see
//! `cbindgen.toml`), add the symbol to the C test and the Python prototypes.
//!
//! # Indicators
//!
//! Two files, one export per function, written out in full like every other export:
//!
//! - `indicators.rs`, batch: `ohlcv_ind_<name>(const double *input, size_t n, <parameters by
//!   value>, double *out)`, TA-Lib style (columns in, `n` values out per output with NaN over
//!   the lookback; several outputs as several `double *`; bar indicators take `high, low,
//!   close[, volume]` columns, VWAP also `const uint64_t *ts`), periods as `int32_t`, an
//!   `int32_t` [`ohlcv_convention`] where the Rust API has one; `ohlcv_ind_<name>_lookback`;
//!   and `ohlcv_ind_{ema,rsi,atr,macd}_many` over row-major matrices of series. An output may
//!   overlap the inputs (in place), not another output.
//! - `ind_state.rs`, streaming: a complete `#[repr(C)]` struct per indicator,
//!   `ohlcv_ind_<name>_state { uint64_t tag; uint64_t opaque[K]; }`, owned by the caller as a
//!   plain value (copy it to save it, copy it back to restore it), with
//!   `ohlcv_ind_<name>_init(<parameters>, state *out)`, `_update(state *, <inputs by value>,
//!   double *out...)`, `_peek(const state *, ...)` and `_reset(state *)`. The `opaque` words
//!   are the Rust streaming state at the default capacity (256), size-checked at compile time;
//!   the tag rejects uninitialised and foreign states.
#![allow(non_camel_case_types)]

mod bars;
mod boundary;
mod engine;
mod handles;
mod ind_state;
mod index;
mod indicators;
mod reader;
mod resample;
mod status;
mod version;
mod writer;

pub use bars::*;
pub use boundary::ffi_boundary;
pub use engine::*;
pub use ind_state::*;
pub use index::*;
pub use indicators::*;
pub use reader::*;
pub use resample::*;
pub use status::*;
pub use version::*;
pub use writer::*;
