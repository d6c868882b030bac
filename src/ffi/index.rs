//! Index files from C.

use super::boundary::{check_out, ffi_boundary, out_write, path_from_c};
use super::status::ohlcv_status;
use crate::io::{IndexFile, IndexFormat, IndexRecord};
use crate::{Error, ErrorKind};
use core::ffi::c_char;
use std::format;

/// Encoding of an index file (pass the value as `int32_t`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ohlcv_index_format {
    /// The 24-byte binary record (binary mode).
    Binary = 0,
    /// The three-line text form (text/CSV mode).
    Text = 1,
}

/// An index record: how far incremental work has read and written (byte offsets).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ohlcv_index_record {
    /// Last processed date as `YYYYMMDD` (19700101 when unset).
    pub last_date: i32,
    /// Always zero.
    pub reserved: u32,
    /// Byte offset into the input file.
    pub in_pos: u64,
    /// Byte offset into the output file.
    pub out_pos: u64,
}

fn index_format(format: i32) -> crate::Result<IndexFormat> {
    match format {
        0 => Ok(IndexFormat::Binary),
        1 => Ok(IndexFormat::Text),
        f => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!(
                "index format {f} is neither OHLCV_INDEX_FORMAT_BINARY nor OHLCV_INDEX_FORMAT_TEXT"
            ),
        )),
    }
}

/// Reads the index file at `path` (an `ohlcv_index_format`) into `*out`. A
/// missing file reads as `{19700101, 0, 0, 0}`; a corrupt one is `OHLCV_STATUS_INDEX_CORRUPT`.
///
/// Ownership: borrows `path` for the call only.
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_index_read(
    path: *const c_char,
    format: i32,
    out: *mut ohlcv_index_record,
) -> ohlcv_status {
    ffi_boundary(|| {
        check_out(out, "out")?;
        // SAFETY: forwarded to the caller's contract.
        let path = unsafe { path_from_c(path, "path") }?;
        let r = IndexFile::new(path, index_format(format)?).read()?;
        let rec = ohlcv_index_record {
            last_date: r.last_date,
            reserved: 0,
            in_pos: r.in_pos,
            out_pos: r.out_pos,
        };
        // SAFETY: checked non-NULL; valid by the caller's contract.
        unsafe { out_write(out, rec) }
    })
}

/// Writes `*record` to the index file at `path` durably and atomically (temp file, fsync,
/// rename, fsync of the directory), creating the directory if needed.
///
/// Ownership: borrows `path` and `record` for the call only.
///
/// # Safety
/// `path` must be a NUL-terminated string; `record` valid for a read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ohlcv_index_write(
    path: *const c_char,
    format: i32,
    record: *const ohlcv_index_record,
) -> ohlcv_status {
    ffi_boundary(|| {
        if record.is_null() {
            return Err(Error::new(ErrorKind::NullPointer, "record is NULL"));
        }
        // SAFETY: non-NULL; valid for a read by the caller's contract.
        let r = unsafe { record.read() };
        if r.reserved != 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "record.reserved must be 0",
            ));
        }
        // SAFETY: forwarded to the caller's contract.
        let path = unsafe { path_from_c(path, "path") }?;
        let rec = IndexRecord {
            last_date: r.last_date,
            in_pos: r.in_pos,
            out_pos: r.out_pos,
        };
        IndexFile::new(path, index_format(format)?).write(&rec)
    })
}
