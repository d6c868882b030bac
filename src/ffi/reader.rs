//! Bar file readers from C: open (binary or CSV, chosen by the factory), borrow every bar
//! zero-copy, or read in batches with byte offsets; seek, tell, end of file.

use super::boundary::{
    bars_from_raw_mut, check_out, check_out_opt, ffi_boundary, out_write, path_from_c,
    slice_from_raw_mut,
};
use super::handles;
use super::status::ohlcv_status;
use crate::io::{BarReader, BinaryReader, CsvReader, Format, factory};
use crate::{Bar, Error, ErrorKind, Result};
use core::ffi::c_char;
use std::format;
use std::vec::Vec;

/// A bar file format (pass the value as `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_format {
    /// Headerless little-endian 64-byte records (`.bin`).
    Binary = 0,
    /// The pipeline's CSV dialect (`.csv`).
    Csv = 1,
    /// Decide from the path: readers look at the extension, then at the content; writers need a
    /// `.bin` or `.csv` extension.
    Auto = 2,
}

/// Facts about an open file (see [`ohlcv_reader_info`] and `ohlcv_writer_info`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ohlcv_file_info {
    /// The file's format: `OHLCV_FORMAT_BINARY` or `OHLCV_FORMAT_CSV`.
    pub format: i32,
    /// Always zero.
    pub reserved: u32,
    /// Length of the file in bytes (for a writer: including rows not yet handed to the OS).
    pub len_bytes: u64,
    /// Byte offset of the first record: 0 for binary, the header length for CSV.
    pub data_start: u64,
}

/// An open reader (opaque). Created by [`ohlcv_reader_open`], destroyed by
/// [`ohlcv_reader_close`].
pub struct ohlcv_reader {
    _private: [u8; 0],
}

/// The format named by a C `ohlcv_format` value; `None` for `OHLCV_FORMAT_AUTO`.
pub(crate) fn format_arg(format: i32, name: &str) -> Result<Option<Format>> {
    match format {
        0 => Ok(Some(Format::Binary)),
        1 => Ok(Some(Format::Csv)),
        2 => Ok(None),
        f => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "{name} {f} is not an ohlcv_format (OHLCV_FORMAT_BINARY, OHLCV_FORMAT_CSV or \
                 OHLCV_FORMAT_AUTO)"
            ),
        )),
    }
}

/// The C value of a format.
pub(crate) fn format_code(format: Format) -> i32 {
    match format {
        Format::Binary => ohlcv_format::Binary as i32,
        Format::Csv => ohlcv_format::Csv as i32,
    }
}

const KIND: &str = "reader";

enum Source {
    Binary(BinaryReader),
    /// `all` is every row of the file, parsed on the first [`ohlcv_reader_bars`] call and kept
    /// (never modified again) until the reader is closed.
    Csv {
        reader: CsvReader,
        all: Option<Vec<Bar>>,
    },
}

/// What a reader handle owns.
struct Reader {
    source: Source,
    /// Scratch space for batch reads, reused between calls.
    bars: Vec<Bar>,
    offsets: Vec<u64>,
}

impl Reader {
    fn inner(&mut self) -> &mut dyn BarReader {
        match &mut self.source {
            Source::Binary(r) => r,
            Source::Csv { reader, .. } => reader,
        }
    }

    /// Every bar of the file, zero-copy for binary files, parsed once for CSV.
    fn all_bars(&mut self) -> Result<&[Bar]> {
        match &mut self.source {
            Source::Binary(r) => Ok(r.bars()),
            Source::Csv { reader, all } => {
                if all.is_none() {
                    // Parse from the first row without disturbing the batch position.
                    let pos = reader.tell();
                    let (mut bars, mut offsets) = (Vec::new(), Vec::new());
                    let parsed = reader
                        .seek(reader.data_start())
                        .and_then(|()| reader.read_to_end(&mut bars, &mut offsets));
                    reader.seek(pos)?;
                    parsed?;
                    bars.shrink_to_fit();
                    *all = Some(bars);
                }
                Ok(all.as_deref().unwrap_or(&[]))
            }
        }
    }
}

/// Runs `f` on the reader behind `reader`.
fn with_reader<R>(
    reader: *const ohlcv_reader,
    f: impl FnOnce(&mut Reader) -> Result<R>,
) -> Result<R> {
    handles::with(handles::token(reader), KIND, f)
}

/// Opens the bar file at `path` for reading and writes the new reader to `*out`. `format` is an
/// `ohlcv_format`: `OHLCV_FORMAT_AUTO` picks binary or CSV by extension, then by content. The
/// reader sees the file as it was when opened; the position starts at the first record.
///
/// Ownership: the caller owns the reader and must close it with [`ohlcv_reader_close`]. `path`
/// is borrowed for the call only.
///
/// Errors: `NOT_FOUND`/`IO` from the OS; `TRUNCATED_FILE` for a binary file whose length is not
/// a multiple of 64; `PARSE` for a CSV file without the header; `UNKNOWN_FORMAT` when
/// `OHLCV_FORMAT_AUTO` cannot tell; `INVALID_PATH` for a path that is empty or not UTF-8.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_open(
    path: *const c_char,
    format: i32,
    out: *mut *mut ohlcv_reader,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let path = unsafe { path_from_c(path, "path") }?;
        let format = match format_arg(format, "format")? {
            Some(f) => f,
            None => factory::detect_format(&path)?,
        };
        let source = match format {
            Format::Binary => Source::Binary(BinaryReader::open(&path)?),
            Format::Csv => Source::Csv {
                reader: CsvReader::open(&path)?,
                all: None,
            },
        };
        let id = handles::insert(Reader {
            source,
            bars: Vec::new(),
            offsets: Vec::new(),
        });
        // SAFETY: checked non-NULL and aligned above; valid by the caller's contract.
        unsafe { out_write(out, handles::pointer(id)) }
    })
}

/// Closes a reader. Every pointer borrowed from it ([`ohlcv_reader_bars`]) becomes invalid.
/// NULL is accepted and ignored; a reader that is already closed is `OHLCV_STATUS_BAD_HANDLE`
/// (nothing else happens).
///
/// Ownership: ends the caller's ownership of `reader`.
///
/// # Safety
/// Always safe: `reader` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_close(reader: *mut ohlcv_reader) -> ohlcv_status {
    ffi_boundary(|| {
        if reader.is_null() {
            return Ok(());
        }
        let obj = handles::remove::<Reader>(handles::token(reader), KIND)?;
        // Wait for a call still running on another thread, then release the file.
        drop(handles::lock(&obj));
        Ok(())
    })
}

/// Borrows every bar of the file: writes a pointer to the first bar to `*out_bars` and the count
/// to `*out_len`. For a binary file this is the memory map itself (zero-copy); a CSV file is
/// parsed once, on the first call, into a buffer the reader owns. The pointer is 64-byte
/// aligned, or NULL when the file holds no bars. Independent of the batch position.
///
/// Ownership: the bars belong to the reader: valid until [`ohlcv_reader_close`], read-only,
/// never freed by the caller.
///
/// Errors: `PARSE` for a malformed CSV row (nothing is kept; a later call retries).
///
/// # Safety
/// `out_bars` and `out_len` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_bars(
    reader: *const ohlcv_reader,
    out_bars: *mut *const Bar,
    out_len: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_bars, "out_bars")?;
        check_out(out_len, "out_len")?;
        let (ptr, len) = with_reader(reader, |r| {
            let bars = r.all_bars()?;
            let ptr = if bars.is_empty() {
                core::ptr::null()
            } else {
                bars.as_ptr()
            };
            Ok((ptr, bars.len()))
        })?;
        // SAFETY: both checked non-NULL and aligned above; valid by the caller's contract.
        unsafe {
            out_write(out_bars, ptr)?;
            out_write(out_len, len)
        }
    })
}

/// Reads up to `capacity` bars from the current position into `out` (and, when `out_offsets` is
/// not NULL, each bar's byte offset in the file into `out_offsets`), advances past them, and
/// writes how many were read to `*out_count` (0 at the end of the file).
///
/// Ownership: `out` and `out_offsets` are the caller's, borrowed for the call only.
///
/// Errors: `BUFFER_TOO_SMALL` when `capacity` is 0; `MISALIGNED` when `out` is not 64-byte
/// aligned; `PARSE` for a malformed CSV row (nothing is consumed).
///
/// # Safety
/// `out` must be valid for writes of `capacity` bars; `out_offsets` NULL or valid for writes of
/// `capacity` values; `out_count` NULL or valid for a write; the buffers must not overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_read(
    reader: *mut ohlcv_reader,
    out: *mut Bar,
    out_offsets: *mut u64,
    capacity: usize,
    out_count: *mut usize,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_count, "out_count")?;
        if capacity == 0 {
            return Err(Error::new(
                ErrorKind::BufferTooSmall,
                "capacity is 0: a read needs room for at least one bar",
            ));
        }
        // SAFETY: forwarded to the caller's contract (valid for `capacity` bars).
        let out = unsafe { bars_from_raw_mut(out, capacity, "out") }?;
        check_out_opt(out_offsets, "out_offsets")?;
        let offsets = if out_offsets.is_null() {
            None
        } else {
            // SAFETY: forwarded to the caller's contract (valid for `capacity` values).
            Some(unsafe { slice_from_raw_mut(out_offsets, capacity, "out_offsets") }?)
        };
        let n = with_reader(reader, |r| {
            let (mut bars, mut offs) = (
                core::mem::take(&mut r.bars),
                core::mem::take(&mut r.offsets),
            );
            bars.clear();
            offs.clear();
            let result = r.inner().read_batch(capacity, &mut bars, &mut offs);
            if let Ok(n) = result {
                out[..n].copy_from_slice(&bars[..n]);
                if let Some(o) = offsets {
                    o[..n].copy_from_slice(&offs[..n]);
                }
            }
            (r.bars, r.offsets) = (bars, offs);
            result
        })?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_count, n) }
    })
}

/// Moves the batch position to byte offset `pos`: a record boundary (a multiple of 64 for
/// binary; the start of a data row for CSV) or the end of the file.
///
/// Ownership: nothing is allocated; borrowed bars stay valid.
///
/// Errors: `INVALID_ARGUMENT` for any other offset (the position is unchanged).
///
/// # Safety
/// Always safe: `reader` is a token, never dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_seek(reader: *mut ohlcv_reader, pos: u64) -> ohlcv_status {
    ffi_boundary(|| with_reader(reader, |r| r.inner().seek(pos)))
}

/// Writes the batch position (a byte offset) to `*out_pos`.
///
/// Ownership: nothing is allocated; `*out_pos` is the caller's.
///
/// # Safety
/// `out_pos` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_tell(
    reader: *const ohlcv_reader,
    out_pos: *mut u64,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_pos, "out_pos")?;
        let pos = with_reader(reader, |r| Ok(r.inner().tell()))?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_pos, pos) }
    })
}

/// Writes to `*out_eof` whether the batch position is at the end of the file.
///
/// Ownership: nothing is allocated; `*out_eof` is the caller's.
///
/// # Safety
/// `out_eof` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_eof(
    reader: *const ohlcv_reader,
    out_eof: *mut bool,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out_eof, "out_eof")?;
        let eof = with_reader(reader, |r| Ok(r.inner().eof()))?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out_eof, eof) }
    })
}

/// Writes the file's format, length and first record offset to `*out`.
///
/// Ownership: nothing is allocated; `*out` is the caller's.
///
/// # Safety
/// `out` must be NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_reader_info(
    reader: *const ohlcv_reader,
    out: *mut ohlcv_file_info,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        let info = with_reader(reader, |r| {
            let r = r.inner();
            Ok(ohlcv_file_info {
                format: format_code(r.format()),
                reserved: 0,
                len_bytes: r.len_bytes(),
                data_start: r.data_start(),
            })
        })?;
        // SAFETY: checked non-NULL and aligned above.
        unsafe { out_write(out, info) }
    })
}
