//! Bar file writers from C: open (binary or CSV, by format or by extension), write at an offset,
//! append, truncate, flush (optionally durable), close.

use super::boundary::{
    bars_from_raw, check_out, check_out_opt, ffi_boundary, out_write, out_write_opt, path_from_c,
};
use super::handles;
use super::reader::{format_arg, format_code, ohlcv_file_info};
use super::status::ohlcv_status;
use crate::io::{BarWriter, BinaryWriter, CsvWriter, Format, factory};
use crate::{Bar, Error, ErrorKind, Result};
use core::ffi::c_char;
use std::format;

/// An open writer (opaque). Created by [`ohlcv_writer_open`], destroyed by
/// [`ohlcv_writer_close`].
pub struct ohlcv_writer {
    _private: [u8; 0],
}

const KIND: &str = "writer";

/// What a writer handle owns.
enum Writer {
    Binary(BinaryWriter),
    Csv(CsvWriter),
}

impl Writer {
    fn inner(&mut self) -> &mut dyn BarWriter {
        match self {
            Writer::Binary(w) => w,
            Writer::Csv(w) => w,
        }
    }

    fn seek_end(&mut self) -> Result<u64> {
        match self {
            Writer::Binary(w) => Ok(w.seek_end()),
            Writer::Csv(w) => w.seek_end(),
        }
    }

    fn len_bytes(&self) -> u64 {
        match self {
            Writer::Binary(w) => w.len_bytes(),
            Writer::Csv(w) => w.len_bytes(),
        }
    }
}

/// Runs `f` on the writer behind `writer`.
fn with_writer<R>(
    writer: *const ohlcv_writer,
    f: impl FnOnce(&mut Writer) -> Result<R>,
) -> Result<R> {
    handles::with(handles::token(writer), KIND, f)
}

/// Opens (creating if missing) the bar file at `path` for writing and writes the new writer to
/// `*out`. Existing data is kept (nothing is truncated); a new or empty CSV file gets the
/// header. `format` is an `ohlcv_format`; `OHLCV_FORMAT_AUTO` goes by the `.bin`/`.csv`
/// extension. The position starts at the first record (0 for binary, after the header for
/// CSV), as in the pipeline: use [`ohlcv_writer_seek_end`] to add to the end. The writer holds
/// an exclusive lock on the file until it is closed.
///
/// Ownership: the caller owns the writer and must close it with [`ohlcv_writer_close`]. `path`
/// is borrowed for the call only.
///
/// Errors: `BUSY` when another writer (in any process) holds the file; `TRUNCATED_FILE` for a
/// binary file whose length is not a multiple of 64; `PARSE` for a CSV file with a wrong
/// header; `UNKNOWN_FORMAT` for `OHLCV_FORMAT_AUTO` without a telling extension.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_open(
    path: *const c_char,
    format: i32,
    out: *mut *mut ohlcv_writer,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let path = unsafe { path_from_c(path, "path") }?;
        let format = match format_arg(format, "format")? {
            Some(f) => f,
            None => factory::format_from_extension(&path).ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownFormat,
                    format!(
                        "{}: no .bin/.csv extension; pass OHLCV_FORMAT_BINARY or \
                         OHLCV_FORMAT_CSV",
                        path.display()
                    ),
                )
            })?,
        };
        let writer = match format {
            Format::Binary => Writer::Binary(BinaryWriter::open(&path)?),
            Format::Csv => Writer::Csv(CsvWriter::open(&path)?),
        };
        // SAFETY: checked non-NULL and aligned above; valid by the caller's contract.
        unsafe { out_write(out, handles::pointer(handles::insert(writer))) }
    })
}

/// Flushes and syncs everything written (`fdatasync`), then closes the writer and releases the
/// file's lock. The writer is closed even when the final flush fails (the failure is returned).
/// NULL is accepted and ignored; a writer that is already closed is `OHLCV_STATUS_BAD_HANDLE`.
///
/// Ownership: ends the caller's ownership of `writer`.
///
/// # Safety
/// Always safe: `writer` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_close(writer: *mut ohlcv_writer) -> ohlcv_status {
    ffi_boundary(|| {
        if writer.is_null() {
            return Ok(());
        }
        let obj = handles::remove::<Writer>(handles::token(writer), KIND)?;
        // Waits for a call still running on another thread.
        handles::lock(&obj).inner().finalize()
    })
}

/// Writes `count` bars at byte offset `pos` (a record boundary within the file, or its end),
/// leaving the position after them, and writes the new position to `*out_pos` when `out_pos`
/// is not NULL. Writing inside a CSV file is accepted only when the new rows end exactly where
/// an old row ended (truncate first otherwise). `count == 0` writes nothing.
///
/// Ownership: `bars` is borrowed for the call only.
///
/// Errors: `INVALID_ARGUMENT` for an offset that is not a record boundary; `INVALID_DATA` for a
/// bar that CSV cannot hold (a timestamp that is not a whole second, or past year 9999);
/// `MISALIGNED` when `bars` is not 64-byte aligned.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out_pos` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_write_at(
    writer: *mut ohlcv_writer,
    pos: u64,
    bars: *const Bar,
    count: usize,
    out_pos: *mut u64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_pos, "out_pos")?;
        // SAFETY: forwarded to the caller's contract.
        let bars = unsafe { bars_from_raw(bars, count, "bars") }?;
        let end = with_writer(writer, |w| w.inner().write_at(pos, bars))?;
        // SAFETY: NULL or checked aligned above; valid by the caller's contract.
        unsafe { out_write_opt(out_pos, end) }
    })
}

/// Writes `count` bars at the current position (see [`ohlcv_writer_write_at`]) and writes the
/// new position to `*out_pos` when `out_pos` is not NULL.
///
/// Ownership: `bars` is borrowed for the call only.
///
/// # Safety
/// `bars` must be valid for reads of `count` bars; `out_pos` NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_append(
    writer: *mut ohlcv_writer,
    bars: *const Bar,
    count: usize,
    out_pos: *mut u64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_pos, "out_pos")?;
        // SAFETY: forwarded to the caller's contract.
        let bars = unsafe { bars_from_raw(bars, count, "bars") }?;
        let end = with_writer(writer, |w| w.inner().append(bars))?;
        // SAFETY: NULL or checked aligned above; valid by the caller's contract.
        unsafe { out_write_opt(out_pos, end) }
    })
}

/// Moves the position to the end of the file and writes it to `*out_pos` when `out_pos` is not
/// NULL.
///
/// Ownership: nothing is allocated; `*out_pos` is the caller's.
///
/// Errors: `INVALID_ARGUMENT` when a CSV file's last row lacks its line end.
///
/// # Safety
/// `out_pos` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_seek_end(
    writer: *mut ohlcv_writer,
    out_pos: *mut u64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out_opt(out_pos, "out_pos")?;
        let end = with_writer(writer, Writer::seek_end)?;
        // SAFETY: NULL or checked aligned above; valid by the caller's contract.
        unsafe { out_write_opt(out_pos, end) }
    })
}

/// Cuts the file to `len` bytes (a record boundary; a length beyond the end changes nothing)
/// and moves the position there if it was beyond.
///
/// Ownership: nothing is allocated. Readers of the file must not have it mapped past `len`.
///
/// Errors: `INVALID_ARGUMENT` when `len` is not a record boundary.
///
/// # Safety
/// Always safe: `writer` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_truncate(
    writer: *mut ohlcv_writer,
    len: u64,
) -> ohlcv_status {
    ffi_boundary(|| with_writer(writer, |w| w.inner().truncate(len)))
}

/// Hands buffered rows to the operating system; with `sync`, also makes everything written
/// durable (`fdatasync`) before returning.
///
/// Ownership: nothing is allocated.
///
/// # Safety
/// Always safe: `writer` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_flush(writer: *mut ohlcv_writer, sync: bool) -> ohlcv_status {
    ffi_boundary(|| with_writer(writer, |w| w.inner().flush(sync)))
}

/// Writes the current position (a byte offset) to `*out_pos`.
///
/// Ownership: nothing is allocated; `*out_pos` is the caller's.
///
/// # Safety
/// `out_pos` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_tell(
    writer: *const ohlcv_writer,
    out_pos: *mut u64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_pos, "out_pos")?;
        let pos = with_writer(writer, |w| Ok(w.inner().tell()))?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_pos, pos) }
    })
}

/// Writes the file's format, length (including rows not yet handed to the OS) and first record
/// offset to `*out`.
///
/// Ownership: nothing is allocated; `*out` is the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_writer_info(
    writer: *const ohlcv_writer,
    out: *mut ohlcv_file_info,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let info = with_writer(writer, |w| {
            Ok(ohlcv_file_info {
                format: format_code(w.inner().format()),
                reserved: 0,
                len_bytes: w.len_bytes(),
                data_start: w.inner().data_start(),
            })
        })?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out, info) }
    })
}
